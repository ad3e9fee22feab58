import { parseArgs } from "node:util";
import { type CliIo, UsageError } from "../io.js";
import { sendCommand } from "../run/commands-inbox.js";
import { localUser } from "../user.js";

export const skipHelp = `Usage: capstan skip EXECUTION STAGE [--state-dir DIR]

Ends the remaining wait of a running wait stage (it then SUCCEEDS), as Spinnaker's "Skip remaining wait".
`;

export const skipWindowHelp = `Usage: capstan skip-window EXECUTION STAGE [--state-dir DIR]

Releases a stage waiting for its execution window (and its jitter wait).
`;

function parse(argv: string[]): { stateDir?: string; execution: string; refId: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "state-dir": { type: "string" } },
  });
  if (positionals.length !== 2) throw new UsageError("give EXECUTION and STAGE.");
  return { stateDir: values["state-dir"], execution: positionals[0], refId: positionals[1] };
}

/** `capstan skip`: skips the rest of a wait. */
export async function skipCommand(argv: string[], io: CliIo): Promise<number> {
  const { stateDir, execution, refId } = parse(argv);
  return sendCommand(
    io,
    stateDir,
    execution,
    { type: "skip", refId, user: localUser(io.env, io.cwd) },
    `skip ${refId}`,
  );
}

/** `capstan skip-window`: releases a stage from its execution window. */
export async function skipWindowCommand(argv: string[], io: CliIo): Promise<number> {
  const { stateDir, execution, refId } = parse(argv);
  return sendCommand(
    io,
    stateDir,
    execution,
    { type: "skip-window", refId, user: localUser(io.env, io.cwd) },
    `skip-window ${refId}`,
  );
}
