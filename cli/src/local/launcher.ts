import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type LocalConnection,
  type LocalPaths,
  LocalProvider,
  localPaths,
  type SupervisorLauncher,
  sendRequest,
  socketConnection,
} from "@capstan/core";

const SUPERVISOR_MAIN = join(dirname(fileURLToPath(import.meta.url)), "supervisor-main.js");

// In a module of its own, so that commands that only look for the repository (validate) do not load this one.
export { findRepository } from "../repository-root.js";

/** Resolves when the supervisor answers on its socket, or rejects after `timeoutMs`. */
export async function waitForSupervisor(paths: LocalPaths, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await sendRequest(paths.socket, { method: "status" }, 2000).catch(() => undefined);
    if (answer?.ok) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the local supervisor did not start within ${timeoutMs} ms; see ${paths.supervisorLog}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Why a pipeline that does not deploy does not start a supervisor that `capstan local down` stopped. */
export function downMessage(repository: string): string {
  return `the local provider of ${repository} was stopped with 'capstan local down' and stays down: run 'capstan local up' to start it again with its server groups (a pipeline that deploys starts it too)`;
}

/** Records that `capstan local down` stopped the repository's supervisor (see LocalPaths.down). */
export function markDown(repository: string): void {
  const paths = localPaths(repository);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.down, `${new Date().toISOString()}\n`, { mode: 0o600 });
}

/** Whether `capstan local down` stopped it (and nothing brought it back since). */
export function isMarkedDown(repository: string): boolean {
  return existsSync(localPaths(repository).down);
}

/**
 * Starts the repository's supervisor as a detached process (it outlives this CLI). After
 * `capstan local down` it starts only with `afterDown` (`local up`, a pipeline that deploys), and
 * then clears the mark; otherwise it refuses, saying how to start it.
 */
export function supervisorLauncher(
  repository: string,
  options: { afterDown?: boolean } = {},
): SupervisorLauncher {
  const paths = localPaths(repository);
  let starting: Promise<void> | undefined;
  return {
    start() {
      if (existsSync(paths.down)) {
        if (!options.afterDown) return Promise.reject(new Error(downMessage(repository)));
        rmSync(paths.down, { force: true });
      }
      starting ??= (async () => {
        mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
        const out = openSync(paths.supervisorLog, "a", 0o600);
        try {
          const child = spawn(process.execPath, [SUPERVISOR_MAIN, repository], {
            cwd: repository,
            detached: true,
            stdio: ["ignore", out, out],
            env: process.env,
          });
          child.unref();
        } finally {
          closeSync(out);
        }
        await waitForSupervisor(paths);
      })().finally(() => {
        starting = undefined;
      });
      return starting;
    },
  };
}

/**
 * A connection to the repository's supervisor, starting it on first use (after `capstan local
 * down` only with `afterDown`: see supervisorLauncher).
 */
export function localConnection(
  repository: string,
  autoStart = true,
  options: { afterDown?: boolean } = {},
): LocalConnection {
  const paths = localPaths(repository);
  return socketConnection(paths.socket, autoStart ? supervisorLauncher(repository, options) : undefined);
}

/** The local provider of a repository, for `capstan run` and `capstan local`. */
export function localProvider(
  repository: string,
  autoStart = true,
  options: { afterDown?: boolean } = {},
): LocalProvider {
  return new LocalProvider(localConnection(repository, autoStart, options));
}
