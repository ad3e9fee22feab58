import { join } from "node:path";

/** Where the local provider keeps its files in a repository (`.capstan/local/`). */
export interface LocalPaths {
  dir: string;
  socket: string;
  state: string;
  pidFile: string;
  logs: string;
  supervisorLog: string;
  /**
   * Written by `capstan local down`: the supervisor stays down until `capstan local up` or a
   * pipeline that deploys (a pipeline that only acts on server groups does not start it).
   */
  down: string;
}

/** The local provider's files of a repository. */
export function localPaths(repository: string): LocalPaths {
  const dir = join(repository, ".capstan", "local");
  return {
    dir,
    socket: join(dir, "supervisor.sock"),
    state: join(dir, "state.json"),
    pidFile: join(dir, "supervisor.pid"),
    logs: join(dir, "logs"),
    supervisorLog: join(dir, "supervisor.log"),
    down: join(dir, "down"),
  };
}
