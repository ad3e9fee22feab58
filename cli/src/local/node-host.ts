import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { LocalPaths, LocalState, SupervisorHost } from "@capstan/core";

/** True when a process with that id exists (EPERM means it exists but is someone else's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when the instance's process group (led by `pid`) still has a member. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" || isAlive(pid);
  }
}

// A plain command (no shell syntax) is exec'd, so the instance's pid is the program itself and
// killing it is seen as a crash, not absorbed by a shell that outlives it.
const SHELL_SYNTAX = /[;&|<>()$`\\\n*?~{}[\]]/;

/** A free loopback port (the OS picks one; it is released before the instance binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The supervisor's real outside world: processes, files, ports, clock. */
export function nodeSupervisorHost(
  repository: string,
  paths: LocalPaths,
  log: (text: string) => void,
): SupervisorHost {
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  return {
    pid: process.pid,
    repository,
    socket: paths.socket,
    now: () => Date.now(),
    spawn({ command, cwd, env, instanceId }) {
      const logFd = openSync(join(paths.logs, `${instanceId}.log`), "a", 0o600);
      try {
        // Own process group (detached): the instance outlives a supervisor crash and can be re-adopted,
        // and stopping it signals the shell and everything it started.
        const script = SHELL_SYNTAX.test(command) ? command : `exec ${command}`;
        const child = spawn("/bin/sh", ["-c", script], {
          cwd,
          env: { ...process.env, ...env },
          detached: true,
          stdio: ["ignore", logFd, logFd],
        });
        child.on("error", (error) => log(`${instanceId}: ${error.message}`));
        // Why it ended, for the log: the supervisor only sees that the process is gone.
        child.once("exit", (code, signal) =>
          log(
            `${instanceId} (pid ${child.pid}) ended with ${signal ? `signal ${signal}` : `exit code ${code}`}`,
          ),
        );
        child.unref();
        if (child.pid === undefined) return { error: "spawn returned no process id" };
        return { pid: child.pid };
      } catch (error) {
        return { error: (error as Error).message };
      } finally {
        closeSync(logFd);
      }
    },
    isAlive: groupAlive,
    kill(pid, signal) {
      try {
        process.kill(-pid, signal);
      } catch {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
    saveState(state: LocalState) {
      const tmp = `${paths.state}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, paths.state);
    },
    freePort,
    log,
  };
}
