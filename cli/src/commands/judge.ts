import { parseArgs } from "node:util";
import { didYouMean, FileStateStore, foldJournal, LENIENT_MATCH } from "@capstan/core";
import { type CliIo, UsageError } from "../io.js";
import { sendCommand } from "../run/commands-inbox.js";
import { findExecution, stateDirOf } from "../run/state.js";
import { localUser } from "../user.js";

export const judgeHelp = `Usage: capstan judge EXECUTION STAGE INPUT|stop [--state-dir DIR]

Gives the manual judgment of STAGE (id or name): one of its inputs (or 'continue'), or 'stop'.
Works from another terminal while 'capstan run' waits.
`;

/** The inputs a judgment's record offers (`inputs`, or Spinnaker's `judgmentInputs` of `{value}`). */
function inputsOf(context: Record<string, unknown>): string[] {
  const raw = context.inputs ?? context.judgmentInputs;
  if (!Array.isArray(raw)) return [];
  return raw.map((i) =>
    i && typeof i === "object" && "value" in i ? String((i as { value: unknown }).value) : String(i),
  );
}

/**
 * Why the judgment cannot be what was asked, with a did-you-mean, before anything is sent: a stage
 * that is not a manual judgment of the execution, or an input it does not offer. Undefined when it
 * looks right (or the execution is unknown: `sendCommand` says so).
 */
function checkJudgment(
  io: CliIo,
  stateDir: string | undefined,
  execution: string,
  refId: string,
  input: string,
) {
  const store = new FileStateStore(stateDirOf(io, stateDir));
  try {
    const id = findExecution(store, execution);
    if (!id) return undefined;
    const record = foldJournal(store.read(id));
    const judgments = record.stages.filter((s) => s.type === "manualJudgment");
    const stage = record.stages.find((s) => s.refId === refId || s.name === refId);
    if (stage?.type !== "manualJudgment") {
      const names = judgments.flatMap((s) => (s.name && s.name !== s.refId ? [s.refId, s.name] : [s.refId]));
      const what = stage ? ` ('${refId}' is a ${stage.type} stage)` : "";
      const list =
        judgments.length > 0
          ? `its manual judgments: ${judgments.map((s) => s.refId).join(", ")}`
          : "it has no manual judgment";
      return `execution ${id} has no manual judgment '${refId}'${what}; ${list}.${didYouMean(refId, names, "'", LENIENT_MATCH)}`;
    }
    const word = input.trim();
    const inputs = inputsOf(stage.context);
    if (["stop", "continue"].includes(word.toLowerCase()) || inputs.length === 0 || inputs.includes(word))
      return undefined;
    return `'${word}' is not an input of '${stage.name || stage.refId}' (inputs: ${inputs.join(", ")}, or stop).${didYouMean(word, [...inputs, "stop"], "'", LENIENT_MATCH)}`;
  } finally {
    store.close();
  }
}

/** `capstan judge`: answers a waiting manual judgment. */
export async function judgeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "state-dir": { type: "string" }, user: { type: "string" } },
  });
  if (positionals.length !== 3) throw new UsageError("give EXECUTION, STAGE and INPUT (or stop).");
  const [execution, refId, input] = positionals;
  const problem = checkJudgment(io, values["state-dir"], execution, refId, input);
  if (problem) {
    io.stderr(`capstan judge: ${problem}\n`);
    return 1;
  }
  const user = values.user ?? localUser(io.env, io.cwd);
  return sendCommand(
    io,
    values["state-dir"],
    execution,
    { type: "judge", refId, input, user },
    `judgment '${input}' on ${refId}`,
  );
}
