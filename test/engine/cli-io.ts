// The terminal an in-process `capstan` command writes to in the engine tests: both streams in one list.
import { fileURLToPath } from "node:url";
import type { CliIo } from "../../cli/src/io.js";

/** The repository root, the working directory of the in-process CLI. */
export const root = fileURLToPath(new URL("../..", import.meta.url));

/** A non-TTY terminal run from the repository root whose stdout and stderr lines go to `out`. */
export function io(): CliIo & { out: string[] } {
  const out: string[] = [];
  return {
    out,
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    cwd: root,
    env: { USER: "t" },
    isTTY: false,
  };
}
