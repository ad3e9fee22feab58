import type { StageCatalog } from "@capstan/core";
/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (live views, colours). */
  isTTY: boolean;
  /** Reads standard input to the end (for `-` arguments). */
  readStdin?: () => Promise<string>;
  /** The stage types pipelines may use; default the built-in ones (tests add their own). */
  stages?: StageCatalog;
}

/** The real process's io. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

/** An error the user can fix: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}
