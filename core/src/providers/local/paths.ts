import { join } from "node:path";

/** Where the local provider keeps its files in a repository (`.capstan/local/`). */
export interface LocalPaths {
  dir: string;
  socket: string;
  state: string;
  pidFile: string;
  logs: string;
  supervisorLog: string;
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
  };
}
