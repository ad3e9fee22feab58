// Which repository, run, API and token: from a run's URL, the checkout's `origin` remote,
// GITHUB_TOKEN or `gh auth token`. Spawns git and gh; prints nothing.
import { spawnSync } from "node:child_process";

export interface Repository {
  owner: string;
  repo: string;
}

/** A run named by its page's URL or by its id. */
export interface RunReference {
  runId: number;
  /** From a URL: the repository and the web origin it was served from (with any path prefix). */
  repository?: Repository;
  webOrigin?: string;
}

/**
 * `https://github.com/OWNER/REPO/actions/runs/ID` (with or without `/job/…`, `/attempts/N`), a
 * GHES host's, or a bare run id. Undefined when it is neither.
 */
export function parseRunReference(text: string): RunReference | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { runId: Number(trimmed) };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  const parts = url.pathname.split("/").filter(Boolean);
  const at = parts.findIndex(
    (p, i) => p === "actions" && parts[i + 1] === "runs" && /^\d+$/.test(parts[i + 2] ?? ""),
  );
  if (at < 2) return undefined;
  return {
    runId: Number(parts[at + 2]),
    repository: { owner: parts[at - 2], repo: parts[at - 1] },
    webOrigin: `${url.origin}${parts.length > 0 && at > 2 ? `/${parts.slice(0, at - 2).join("/")}` : ""}`,
  };
}

/** The web origin and repository of a git remote URL (`git@host:o/r.git`, `https://host/o/r`, `ssh://…`). */
export function parseRemoteUrl(remote: string): { webOrigin: string; repository: Repository } | undefined {
  const text = remote.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(text);
  if (scp && !/^[a-z+]+:\/\//i.test(text)) {
    return { webOrigin: `https://${scp[1]}`, repository: { owner: scp[2], repo: scp[3] } };
  }
  try {
    const url = new URL(text);
    const parts = url.pathname
      .replace(/\.git\/?$/, "")
      .split("/")
      .filter(Boolean);
    if (parts.length < 2) return undefined;
    const origin =
      url.protocol === "http:" || url.protocol === "https:" ? url.origin : `https://${url.hostname}`;
    return {
      webOrigin: origin,
      repository: { owner: parts[parts.length - 2], repo: parts[parts.length - 1] },
    };
  } catch {
    return undefined;
  }
}

/** The repository of the checkout at `cwd`, from `git remote get-url origin`. */
export function originRepository(
  cwd: string,
): { webOrigin: string; repository: Repository } | { error: string } {
  const r = spawnSync("git", ["remote", "get-url", "origin"], { cwd, encoding: "utf8", timeout: 10_000 });
  if (r.error)
    return { error: `cannot run git (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
  if (r.status !== 0) {
    const why = r.stderr.trim() || `git exited with ${r.status}`;
    return { error: `no 'origin' remote in ${cwd} (${why})` };
  }
  const parsed = parseRemoteUrl(r.stdout);
  return parsed ?? { error: `'origin' (${r.stdout.trim()}) does not name an OWNER/REPO` };
}

/** The REST API of a web origin: api.github.com for github.com, HOST/api/v3 for GitHub Enterprise Server. */
export function apiUrlFor(webOrigin: string): string {
  const url = new URL(webOrigin);
  if (url.hostname === "github.com" || url.hostname === "www.github.com") return "https://api.github.com";
  // GHE.com (data residency): api.SUBDOMAIN.ghe.com
  if (url.hostname.endsWith(".ghe.com")) return `https://api.${url.hostname}`;
  return `${webOrigin.replace(/\/+$/, "")}/api/v3`;
}

/** The web page of a run. */
export function runWebUrl(webOrigin: string, repository: Repository, runId: number): string {
  return `${webOrigin.replace(/\/+$/, "")}/${repository.owner}/${repository.repo}/actions/runs/${runId}`;
}

export type TokenResult = { token: string; source: string } | { error: string };

/**
 * `GITHUB_TOKEN`, else `gh auth token` for the host (gh is only started when the variable is not
 * set). The error says how to get one.
 */
export function findToken(
  env: NodeJS.ProcessEnv,
  host = "github.com",
  run: typeof spawnSync = spawnSync,
): TokenResult {
  const fromEnv = env.GITHUB_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: "GITHUB_TOKEN" };
  const gh = run("gh", ["auth", "token", "--hostname", host], {
    encoding: "utf8",
    timeout: 15_000,
    env: { ...env, GH_PROMPT_DISABLED: "1" },
  });
  const out = String(gh.stdout ?? "").trim();
  if (!gh.error && gh.status === 0 && out) return { token: out, source: "gh auth token" };
  const why = gh.error
    ? (gh.error as NodeJS.ErrnoException).code === "ENOENT"
      ? "the GitHub CLI (gh) is not installed"
      : `gh failed: ${gh.error.message}`
    : `gh auth token: ${String(gh.stderr ?? "").trim() || `exit ${gh.status}`}`;
  return {
    error: `no GitHub token: GITHUB_TOKEN is not set and ${why}. Set GITHUB_TOKEN to a token of a required reviewer (classic: repo scope; fine-grained: Deployments read and write, Actions read), or sign in with 'gh auth login'${host === "github.com" ? "" : ` --hostname ${host}`}.`,
  };
}
