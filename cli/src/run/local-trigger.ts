import { spawnSync } from "node:child_process";

function git(cwd: string, args: string[]): string | undefined {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", timeout: 5000 });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/**
 * The trigger of a run from the terminal: manual, by the local user, with the repository's
 * current commit (`sha`, `ref`, `repository`) as a GitHub trigger would carry them.
 */
export function localTrigger(cwd: string, user: string): Record<string, unknown> {
  const trigger: Record<string, unknown> = { type: "manual", user, actor: user };
  const sha = git(cwd, ["rev-parse", "HEAD"]);
  if (sha) trigger.sha = sha;
  const branch = git(cwd, ["symbolic-ref", "-q", "HEAD"]);
  if (branch) trigger.ref = branch;
  const remote = git(cwd, ["config", "--get", "remote.origin.url"]);
  const repo = remote ? /[:/]([^/:]+\/[^/]+?)(?:\.git)?$/.exec(remote)?.[1] : undefined;
  if (repo) trigger.repository = repo;
  return trigger;
}
