import type { CliIo } from "../../cli/src/io.js";
import { main } from "../../cli/src/main.js";

/** Runs the CLI in-process with captured output. */
export async function runCli(
  argv: string[],
  cwd: string,
  stdin = "",
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    env: { ...process.env },
    isTTY: false,
    readStdin: async () => stdin,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
