// The Capstan action a compiled workflow's jobs use (`uses:`), from one place: `--action`, else the
// repository's `.capstan/settings.yml` (`action:`), else the repository field of Capstan's own
// package.json (a fork that changes it compiles workflows using the fork), else the default. The
// pure part, shared by `capstan compile` and the language server's "Regenerate workflow"; each
// reads the files itself.
import { didYouMean } from "../diagnostics/did-you-mean.js";
import { loadYaml } from "../loader/yaml-loader.js";
import { DEFAULT_ACTION_REF } from "./workflow.js";

export const SETTINGS_FILE = ".capstan/settings.yml";

export interface ActionRef {
  ref: string;
  /** Where it came from, for messages. */
  source: string;
}

/** A reference that cannot be used, or a settings file that cannot be read. */
export class ActionRefError extends Error {}

/**
 * `OWNER/REPO[/PATH]@REF` (a public action at a tag, branch or commit) or `./PATH` (an action in
 * the workflow's own repository), as a step's `uses:` takes them.
 */
const ACTION_REF = /^(?:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[^\s@]+)?@[^\s@]+|\.\/[^\s]*)$/;

/** The reference, checked; throws ActionRefError naming `source` when GitHub would not take it. */
export function checkedActionRef(ref: string, source: string): ActionRef {
  if (!ACTION_REF.test(ref)) {
    throw new ActionRefError(
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

export type CapstanPackage = { name?: string; version?: string; repository?: unknown };

/**
 * The reference Capstan's own package names: `root` (the repository root's package.json, used
 * only when it is Capstan's, i.e. when the front end runs from a clone of Capstan, which a fork
 * edits) first, then `own` (the package the front end was installed or bundled with).
 */
export function capstanPackageRef(
  root: CapstanPackage | undefined,
  own: CapstanPackage | undefined,
): ActionRef {
  for (const pkg of [root?.name === "capstan" ? root : undefined, own]) {
    const ref = pkg ? actionRefFromPackage(pkg) : undefined;
    if (ref) return { ref, source: "the repository field of Capstan's package.json" };
  }
  return { ref: DEFAULT_ACTION_REF, source: "Capstan's default" };
}

/** `action:` of a `.capstan/settings.yml` text, if set; throws ActionRefError on a bad file. */
export function settingsActionRef(text: string): ActionRef | undefined {
  const loaded = loadYaml(text, SETTINGS_FILE);
  const error = loaded.diagnostics.find((d) => d.severity === "error");
  if (error) throw new ActionRefError(`${SETTINGS_FILE}: ${error.message}`);
  const value = loaded.value;
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw new ActionRefError(`${SETTINGS_FILE}: expected a mapping of settings (action: OWNER/REPO@REF).`);
  const known = ["action"];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ActionRefError(
        `${SETTINGS_FILE}: unknown setting '${key}' (settings: ${known.join(", ")}).${didYouMean(key, known)}`,
      );
    }
  }
  const action = (value as { action?: unknown }).action;
  if (action === undefined || action === null) return undefined;
  if (typeof action !== "string") throw new ActionRefError(`${SETTINGS_FILE}: action must be a string.`);
  return checkedActionRef(action.trim(), SETTINGS_FILE);
}

/**
 * The action reference to compile with: the flag, else the settings file's text (undefined when
 * there is none), else `fallback` (Capstan's package). Throws ActionRefError.
 */
export function resolveActionRefFrom(
  flag: string | undefined,
  settingsText: string | undefined,
  fallback: () => ActionRef,
): ActionRef {
  if (flag !== undefined) return checkedActionRef(flag.trim(), "--action");
  return (settingsText !== undefined ? settingsActionRef(settingsText) : undefined) ?? fallback();
}
