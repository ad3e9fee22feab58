import { type Command, didYouMean, FileStateStore, foldJournal, type NewCommand } from "@capstan/core";
import type { CliIo } from "../io.js";
import { findExecution, liveOwner, stateDirOf } from "./state.js";

/**
 * Sends a command to an execution's inbox and, when a process is running it, waits for that process
 * to apply or reject it. Returns the exit status.
 */
export async function sendCommand(
  io: CliIo,
  stateDirFlag: string | undefined,
  idOrPrefix: string,
  command: NewCommand,
  describe: string,
  waitMs = 5000,
): Promise<number> {
  const store = new FileStateStore(stateDirOf(io, stateDirFlag));
  try {
    const id = findExecution(store, idOrPrefix);
    if (!id) {
      io.stderr(
        `capstan: no execution '${idOrPrefix}' in ${store.stateDir}.${didYouMean(idOrPrefix, store.list())}\n`,
      );
      return 1;
    }
    const record = foldJournal(store.read(id));
    if (record.status !== "RUNNING") {
      io.stderr(`capstan: execution ${id} already ended ${record.status}\n`);
      return 1;
    }
    if (command.type !== "cancel") {
      const stage = record.stages.find((x) => x.refId === command.refId || x.name === command.refId);
      if (!stage) {
        io.stderr(
          `capstan: execution ${id} has no stage '${command.refId}' (stages: ${record.stages.map((x) => x.refId).join(", ")})\n`,
        );
        return 1;
      }
      if (stage.status !== "RUNNING") {
        io.stderr(`capstan: stage '${stage.refId}' is ${stage.status}, not running\n`);
        return 1;
      }
    }
    const now = Date.now();
    const full = {
      ...command,
      id: `cmd-${now}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ts: now,
    } as Command;
    store.appendCommand(id, full);
    if (!liveOwner(store, id)) {
      io.stdout(
        `${describe}: recorded for execution ${id}, which no process is running; 'capstan resume ${id}' applies it.\n`,
      );
      return 0;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const events = store.read(id);
      const rejected = events.find((e) => e.kind === "command.rejected" && e.commandId === full.id);
      if (rejected && rejected.kind === "command.rejected") {
        io.stderr(`capstan: ${describe} rejected: ${rejected.reason}\n`);
        return 1;
      }
      if (foldJournal(events).appliedCommands.includes(full.id)) {
        io.stdout(`${describe}: applied to execution ${id}\n`);
        return 0;
      }
    }
    io.stdout(`${describe}: sent to execution ${id} (not applied yet)\n`);
    return 0;
  } finally {
    store.close();
  }
}
