import { parseArgs } from "node:util";
import { type CliIo, UsageError } from "../io.js";
import { sendCommand } from "../run/commands-inbox.js";

export const judgeHelp = `Usage: capstan judge EXECUTION STAGE INPUT|stop [--state-dir DIR]

Gives the manual judgment of STAGE (id or name): one of its inputs (or 'continue'), or 'stop'.
Works from another terminal while 'capstan run' waits.
`;

/** `capstan judge`: answers a waiting manual judgment. */
export async function judgeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "state-dir": { type: "string" }, user: { type: "string" } },
  });
  if (positionals.length !== 3) throw new UsageError("give EXECUTION, STAGE and INPUT (or stop).");
  const [execution, refId, input] = positionals;
  const user = values.user ?? io.env.CAPSTAN_USER ?? io.env.USER ?? "anonymous";
  return sendCommand(
    io,
    values["state-dir"],
    execution,
    { type: "judge", refId, input, user },
    `judgment '${input}' on ${refId}`,
  );
}
