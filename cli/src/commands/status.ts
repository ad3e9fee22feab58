import { parseArgs } from "node:util";
import { type ExecutionRecord, FileStateStore, foldJournal } from "@capstan/core";
import { type CliIo, UsageError } from "../io.js";
import { LiveView } from "../run/progress.js";
import { findExecution, liveOwner, stateDirOf } from "../run/state.js";

export const statusHelp = `Usage: capstan status [EXECUTION] [--state-dir DIR] [--json]

Shows an execution (default: the newest): its status and every stage's status, elapsed time,
what running stages wait for, and errors. --json prints the execution record.
`;

/** Renders a record as the live view would show it. */
export function renderRecord(record: ExecutionRecord, now = Date.now()): string {
  const view = new LiveView(
    () => undefined,
    () => now,
    200,
  );
  view.onEvent({ kind: "execution.completed", status: record.status, id: "", ts: 0 }, record);
  return `${view.frame().join("\n")}\n`;
}

/** `capstan status`: one execution's record. */
export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "state-dir": { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length > 1) throw new UsageError("give at most one EXECUTION.");
  const store = new FileStateStore(stateDirOf(io, values["state-dir"]));
  try {
    const id = positionals[0] ? findExecution(store, positionals[0]) : store.list().at(-1);
    if (!id) {
      io.stderr(
        `capstan status: no ${positionals[0] ? `execution '${positionals[0]}'` : "executions"} in ${store.stateDir}\n`,
      );
      return 1;
    }
    const record = foldJournal(store.read(id));
    if (values.json) {
      io.stdout(`${JSON.stringify(record, null, 2)}\n`);
      return 0;
    }
    io.stdout(renderRecord(record));
    if (record.status === "RUNNING" && !liveOwner(store, id)) {
      io.stdout(`(no process is running it: 'capstan resume ${id}' continues it)\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}
