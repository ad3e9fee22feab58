// The Capstan action a compiled workflow's jobs use (`uses:`), from one place: `--action`, else the
// repository's `.capstan/settings.yml` (`action:`), else the repository field of Capstan's own
// package.json (a fork that changes it compiles workflows using the fork), else core's default.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DEFAULT_ACTION_REF, didYouMean, loadYaml } from "@capstan/core";
import { UsageError } from "./io.js";

export const SETTINGS_FILE = ".capstan/settings.yml";

export interface ActionRef {
  ref: string;
  /** Where it came from, for messages. */
  source: string;
}

/**
 * `OWNER/REPO[/PATH]@REF` (a public action at a tag, branch or commit) or `./PATH` (an action in
 * the workflow's own repository), as a step's `uses:` takes them.
 */
const ACTION_REF = /^(?:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[^\s@]+)?@[^\s@]+|\.\/[^\s]*)$/;

function checked(ref: string, source: string): ActionRef {
  if (!ACTION_REF.test(ref)) {
    throw new UsageError(
      `${source}: action '${ref}' is not an action reference: use OWNER/REPO@REF (a tag such as v0, a branch or a commit SHA), OWNER/REPO/PATH@REF, or ./PATH for an action in this repository.`,
    );
  }
  return { ref, source };
}

/** `owner/repo` of a package.json `repository` field that points at GitHub. */
function githubRepository(repository: unknown): string | undefined {
  const url =
    typeof repository === "string"
      ? repository
      : repository &&
          typeof repository === "object" &&
          typeof (repository as { url?: unknown }).url === "string"
        ? (repository as { url: string }).url
        : undefined;
  if (!url) return undefined;
  const shorthand = /^(?:github:)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(url);
  const full =
    /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com\/([^/]+)\/([^/#]+?)(?:\.git)?(?:#.*)?$/.exec(
      url,
    );
  const scp = /^git@github\.com:([^/]+)\/([^/#]+?)(?:\.git)?$/.exec(url);
  const m = shorthand ?? full ?? scp;
  return m ? `${m[1]}/${m[2].replace(/\.git$/, "")}` : undefined;
}

/** `owner/repo@v<major>` from a package.json, if its repository is on GitHub. */
export function actionRefFromPackage(pkg: { repository?: unknown; version?: unknown }): string | undefined {
  const repo = githubRepository(pkg.repository);
  if (!repo) return undefined;
  const major = typeof pkg.version === "string" ? /^v?(\d+)/.exec(pkg.version)?.[1] : undefined;
  return `${repo}@v${major ?? "0"}`;
}

type Package = { name?: string; version?: string; repository?: unknown };

function readPackage(require: NodeJS.Require, path: string): Package | undefined {
  try {
    return require(path) as Package;
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
  const root = readPackage(require, "../../package.json");
  const candidates = [root?.name === "capstan" ? root : undefined, readPackage(require, "../package.json")];
  for (const pkg of candidates) {
    const ref = pkg ? actionRefFromPackage(pkg) : undefined;
    if (ref) return { ref, source: "the repository field of Capstan's package.json" };
  }
  return { ref: DEFAULT_ACTION_REF, source: "Capstan's default" };
}

/** `action:` of the repository's `.capstan/settings.yml`, if set. */
export function settingsActionRef(cwd: string): ActionRef | undefined {
  const file = join(cwd, SETTINGS_FILE);
  if (!existsSync(file)) return undefined;
  const loaded = loadYaml(readFileSync(file, "utf8"), SETTINGS_FILE);
  const error = loaded.diagnostics.find((d) => d.severity === "error");
  if (error) throw new UsageError(`${SETTINGS_FILE}: ${error.message}`);
  const value = loaded.value;
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`${SETTINGS_FILE}: expected a mapping of settings (action: OWNER/REPO@REF).`);
  const known = ["action"];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new UsageError(
        `${SETTINGS_FILE}: unknown setting '${key}' (settings: ${known.join(", ")}).${didYouMean(key, known)}`,
      );
    }
  }
  const action = (value as { action?: unknown }).action;
  if (action === undefined || action === null) return undefined;
  if (typeof action !== "string") throw new UsageError(`${SETTINGS_FILE}: action must be a string.`);
  return checked(action.trim(), SETTINGS_FILE);
}

/** The action reference for `capstan compile` in the repository at `cwd`. */
export function resolveActionRef(cwd: string, flag: string | undefined): ActionRef {
  if (flag !== undefined) return checked(flag.trim(), "--action");
  return settingsActionRef(cwd) ?? capstanPackageRef();
}
