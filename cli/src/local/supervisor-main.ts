// The local provider's supervisor process: `node supervisor-main.js <repository>`, started detached by
// the CLI on first use. One per repository (a pid file guards it); state under .capstan/local/.
import { appendFileSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  localPaths,
  parseState,
  Supervisor,
  sendRequest,
  serveSocket,
  socketPathProblem,
} from "@capstan/core";
import { isAlive, nodeSupervisorHost } from "./node-host.js";

async function main(): Promise<number> {
  const repository = resolve(process.argv[2] ?? process.cwd());
  const paths = localPaths(repository);
  // Nothing the supervisor creates (socket, state, logs) is readable by other users.
  process.umask(0o077);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const log = (text: string) => appendFileSync(paths.supervisorLog, `${new Date().toISOString()} ${text}\n`);
  const tooLong = socketPathProblem(paths.socket);
  if (tooLong) {
    log(tooLong);
    return 2;
  }
  if (!(await claimPidFile(paths.pidFile, paths.socket))) {
    log("another supervisor already runs for this repository; exiting");
    return 0;
  }
  const { state, warning } = parseState(
    existsSync(paths.state) ? readFileSync(paths.state, "utf8") : undefined,
  );
  if (warning) log(warning);
  const supervisor = new Supervisor(state, nodeSupervisorHost(repository, paths, log));
  await supervisor.start();
  const cleanup = () => {
    try {
      if (readFileSync(paths.pidFile, "utf8").trim() === String(process.pid)) unlinkSync(paths.pidFile);
    } catch {
      // Already removed.
    }
    try {
      unlinkSync(paths.socket);
    } catch {
      // Already removed.
    }
  };
  const server = await serveSocket(paths.socket, async (request) => {
    if (request.method !== "shutdown") return supervisor.handle(request);
    setTimeout(async () => {
      await supervisor.shutdown();
      if (request.purge) {
        try {
          unlinkSync(paths.state);
        } catch {
          // No state yet.
        }
      }
      server.close();
      cleanup();
      log("stopped (capstan local down)");
      process.exit(0);
    }, 10);
    return { stopping: process.pid };
  });
  log(`started pid ${process.pid} for ${repository}`);
  // SIGTERM/SIGINT stop the supervisor only: instances keep running and are re-adopted on the next start.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, async () => {
      await supervisor.shutdown({ keepInstances: true });
      server.close();
      cleanup();
      log(`stopped by ${signal}; instances left running for re-adoption`);
      process.exit(0);
    });
  }
  return -1;
}

/** Takes the pid file unless a live supervisor answers on the socket. */
async function claimPidFile(pidFile: string, socket: string): Promise<boolean> {
  try {
    writeFileSync(pidFile, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    const other = Number(readFileSync(pidFile, "utf8").trim());
    // A live supervisor may still be starting: give it a few seconds to answer before taking over.
    for (let tries = 0; other && other !== process.pid && isAlive(other) && tries < 25; tries++) {
      const answer = await sendRequest(socket, { method: "status" }, 2000).catch(() => undefined);
      if (answer?.ok) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
    writeFileSync(pidFile, String(process.pid));
    return true;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`capstan supervisor: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
