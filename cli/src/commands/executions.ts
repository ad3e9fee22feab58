import { parseArgs } from "node:util";
import { FileStateStore } from "@capstan/core";
import type { CliIo } from "../io.js";
import { allRecords, liveOwner, stateDirOf } from "../run/state.js";

export const executionsHelp = `Usage: capstan executions [--state-dir DIR] [--json]

Lists executions, oldest first: id, pipeline, status, start time, duration.
`;

/** `capstan executions`: the list of executions. */
export async function executionsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { "state-dir": { type: "string" }, json: { type: "boolean", default: false } },
  });
  const store = new FileStateStore(stateDirOf(io, values["state-dir"]));
  try {
    const records = allRecords(store);
    const rows = records.map((r) => ({
      id: r.id,
      pipeline: r.pipeline,
      status: r.status,
      startTime: r.startTime ? new Date(r.startTime).toISOString() : "",
      durationMs: r.startTime ? (r.endTime ?? Date.now()) - r.startTime : 0,
      running: r.status === "RUNNING" ? Boolean(liveOwner(store, r.id)) : false,
    }));
    if (values.json) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      io.stdout(`no executions in ${store.stateDir}\n`);
      return 0;
    }
    for (const r of rows) {
      const note = r.status === "RUNNING" && !r.running ? "  (not running: resume it)" : "";
      io.stdout(
        `${r.id}  ${r.status.padEnd(15)} ${r.startTime}  ${Math.round(r.durationMs / 1000)}s  ${r.pipeline}${note}\n`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}
