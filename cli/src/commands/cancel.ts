import { parseArgs } from "node:util";
import { type CliIo, UsageError } from "../io.js";
import { sendCommand } from "../run/commands-inbox.js";
import { localUser } from "../user.js";

export const cancelHelp = `Usage: capstan cancel EXECUTION [--reason TEXT] [--state-dir DIR]

Cancels a running execution: running stages are canceled (their cancel actions run) and the
execution ends CANCELED. If no process runs it, 'capstan resume' applies the cancel.
`;

/** `capstan cancel`: cancels an execution. */
export async function cancelCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "state-dir": { type: "string" }, reason: { type: "string" } },
  });
  if (positionals.length !== 1) throw new UsageError("give the EXECUTION to cancel.");
  return sendCommand(
    io,
    values["state-dir"],
    positionals[0],
    { type: "cancel", user: localUser(io.env, io.cwd), reason: values.reason },
    "cancel",
  );
}
