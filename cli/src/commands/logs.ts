import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { didYouMean, type ExecutionRecord, FileStateStore, foldJournal, LENIENT_MATCH } from "@capstan/core";
import { type CliIo, UsageError } from "../io.js";
import { findExecution, liveOwner, stageLogFile, stateDirOf } from "../run/state.js";

export const logsHelp = `Usage: capstan logs EXECUTION [STAGE] [--follow] [--state-dir DIR]

Prints the output a stage wrote (run stages' commands, webhooks' requests ...), as kept in
DIR/executions/<id>/logs/<stage>.log. Without STAGE, every stage's output, each line prefixed
with its stage. STAGE is a stage id or name; EXECUTION any unique prefix of the id.
  --follow   keep printing what is written until the stage (without STAGE: the execution) ends
`;

const DONE = new Set(["SUCCEEDED", "FAILED_CONTINUE", "TERMINAL", "CANCELED", "STOPPED", "SKIPPED"]);

/** Reads what was appended to a file since the last call. */
class Tail {
  private offset = 0;
  private partial = "";

  constructor(private readonly file: string) {}

  /** New text since the last read ("" when none, or no file yet). */
  read(): string {
    let fd: number;
    try {
      fd = fs.openSync(this.file, "r");
    } catch {
      return "";
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return "";
      const buffer = Buffer.alloc(size - this.offset);
      const n = fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += n;
      return buffer.subarray(0, n).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Whole new lines since the last call, with `prefix`; `flush` also gives a last unfinished one. */
  lines(prefix: string, flush = false): string {
    const text = this.partial + this.read();
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    if (flush && this.partial) {
      lines.push(this.partial);
      this.partial = "";
    }
    return lines.map((l) => `${prefix}${l}\n`).join("");
  }
}

/** `capstan logs`: a stage's output, or every stage's, optionally followed. */
export async function logsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "state-dir": { type: "string" },
      follow: { type: "boolean", short: "f", default: false },
    },
  });
  if (positionals.length < 1 || positionals.length > 2)
    throw new UsageError("give EXECUTION and, optionally, STAGE.");
  const [execution, stageArg] = positionals;
  const store = new FileStateStore(stateDirOf(io, values["state-dir"]));
  try {
    const id = findExecution(store, execution);
    if (!id) {
      io.stderr(
        `capstan logs: no execution '${execution}' in ${store.stateDir}.${didYouMean(execution, store.list())}\n`,
      );
      return 1;
    }
    let record = foldJournal(store.read(id));
    let refIds = record.stages.map((s) => s.refId);
    if (stageArg !== undefined) {
      const stage = record.stages.find((s) => s.refId === stageArg || s.name === stageArg);
      if (!stage) {
        const names = record.stages.flatMap((s) =>
          s.name && s.name !== s.refId ? [s.refId, s.name] : [s.refId],
        );
        io.stderr(
          `capstan logs: execution ${id} has no stage '${stageArg}' (stages: ${refIds.join(", ")}).${didYouMean(stageArg, names, "'", LENIENT_MATCH)}\n`,
        );
        return 1;
      }
      refIds = [stage.refId];
    }
    // One stage: its text as written (for pipes); several: each line prefixed with its stage.
    const prefixed = stageArg === undefined;
    const width = Math.max(0, ...refIds.map((r) => r.length));
    const tails = new Map(refIds.map((r) => [r, new Tail(stageLogFile(store, id, r))]));
    const print = (flush: boolean) => {
      for (const [refId, tail] of tails) {
        if (prefixed) io.stdout(tail.lines(`${refId.padEnd(width)} | `, flush));
        else {
          const text = tail.read();
          if (text) io.stdout(text);
        }
      }
    };
    const finished = (r: ExecutionRecord): boolean => {
      if (DONE.has(r.status)) return true;
      if (stageArg === undefined) return false;
      const s = r.stages.find((x) => x.refId === refIds[0]);
      return s !== undefined && DONE.has(s.status);
    };
    print(false);
    if (values.follow) {
      // A run claims its execution just after writing its first events: allow it a moment.
      let ownerMissingSince: number | undefined;
      while (!finished(record)) {
        if (liveOwner(store, id)) ownerMissingSince = undefined;
        else ownerMissingSince ??= Date.now();
        if (ownerMissingSince !== undefined && Date.now() - ownerMissingSince > 1000) {
          print(true);
          io.stderr(
            `capstan logs: no process is running execution ${id}; 'capstan resume ${id}' continues it.\n`,
          );
          return 0;
        }
        await new Promise((r) => setTimeout(r, 200));
        print(false);
        record = foldJournal(store.read(id));
      }
    }
    print(true);
    if (
      !values.follow &&
      stageArg !== undefined &&
      fs.existsSync(stageLogFile(store, id, refIds[0])) === false
    ) {
      io.stderr(`capstan logs: stage '${refIds[0]}' of ${id} wrote no output.\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}
