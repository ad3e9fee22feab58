import { spawnSync } from "node:child_process";
import * as os from "node:os";

/**
 * Who is at this terminal, for judgments, cancels and skips recorded in the journal:
 * `CAPSTAN_USER`, else the login the environment names (`USER`, `LOGNAME`, `USERNAME`), else git's
 * `user.name` in `cwd`, else the operating system's account. "anonymous" only when all fail.
 */
export function localUser(env: NodeJS.ProcessEnv, cwd: string): string {
  for (const name of ["CAPSTAN_USER", "USER", "LOGNAME", "USERNAME"]) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  const git = spawnSync("git", ["config", "user.name"], {
    cwd,
    encoding: "utf8",
    timeout: 5000,
    env: { ...env, GIT_TERMINAL_PROMPT: "0" },
  });
  const name = git.status === 0 ? git.stdout.trim() : "";
  if (name) return name;
  try {
    const account = os.userInfo().username;
    if (account) return account;
  } catch {
    // no passwd entry for this uid (some containers)
  }
  return "anonymous";
}
