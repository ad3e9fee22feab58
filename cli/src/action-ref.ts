// The Capstan action a compiled workflow's jobs use (`uses:`), from one place: `--action`, else the
// repository's `.capstan/settings.yml` (`action:`), else the repository field of Capstan's own
// package.json (a fork that changes it compiles workflows using the fork), else core's default.
// The rules are core's (core/src/compile/action-ref.ts, which the language server uses too); this
// reads the files.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  type ActionRef,
  ActionRefError,
  actionRefFromPackage,
  type CapstanPackage,
  settingsActionRef as fromSettingsText,
  capstanPackageRef as packageRef,
  resolveActionRefFrom,
  SETTINGS_FILE,
} from "@capstan/core";
import { UsageError } from "./io.js";

export { type ActionRef, actionRefFromPackage, SETTINGS_FILE };

function readPackage(require: NodeJS.Require, path: string): CapstanPackage | undefined {
  try {
    return require(path) as CapstanPackage;
  } catch {
    return undefined;
  }
}

/**
 * The reference Capstan's own package names: the repository root's package.json when this CLI runs
 * from a clone of Capstan (a fork edits it there), else the package this CLI was installed or
 * bundled with.
 */
export function capstanPackageRef(): ActionRef {
  const require = createRequire(import.meta.url);
  // dist/x.js (or the extension's dist/cli.mjs): ../package.json is its package, ../../ the clone's root.
  return packageRef(readPackage(require, "../../package.json"), readPackage(require, "../package.json"));
}

function usage<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw error instanceof ActionRefError ? new UsageError(error.message) : error;
  }
}

function settingsText(cwd: string): string | undefined {
  const file = join(cwd, SETTINGS_FILE);
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/** `action:` of the repository's `.capstan/settings.yml`, if set. */
export function settingsActionRef(cwd: string): ActionRef | undefined {
  const text = settingsText(cwd);
  return text === undefined ? undefined : usage(() => fromSettingsText(text));
}

/** The action reference for `capstan compile` in the repository at `cwd`. */
export function resolveActionRef(cwd: string, flag: string | undefined): ActionRef {
  return usage(() => resolveActionRefFrom(flag, settingsText(cwd), capstanPackageRef));
}
