import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ExecutionRecord, type FileStateStore, foldJournal } from "@capstan/core";
import type { CliIo } from "../io.js";

/** The state directory: --state-dir, else $CAPSTAN_STATE_DIR, else `.capstan` in the working directory. */
export function stateDirOf(io: CliIo, flag: string | undefined): string {
  return path.resolve(io.cwd, flag ?? io.env.CAPSTAN_STATE_DIR ?? ".capstan");
}

/** Who owns (is running) an execution: written by `run`/`resume`, removed when they end. */
export interface Owner {
  pid: number;
  host: string;
  since: number;
}

function ownerFile(store: FileStateStore, id: string): string {
  return path.join(store.executionDir(id), "owner.json");
}

/** Marks this process as the one running the execution; returns a function that releases it. */
export function claimExecution(store: FileStateStore, id: string): () => void {
  const file = ownerFile(store, id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), since: Date.now() }));
  return () => fs.rmSync(file, { force: true });
}

/** The live process running the execution, if any (a dead owner's file is stale). */
export function liveOwner(store: FileStateStore, id: string): Owner | undefined {
  let owner: Owner;
  try {
    owner = JSON.parse(fs.readFileSync(ownerFile(store, id), "utf8")) as Owner;
  } catch {
    return undefined;
  }
  if (owner.host !== os.hostname()) return owner;
  try {
    process.kill(owner.pid, 0);
    return owner;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? owner : undefined;
  }
}

/** Every stored execution's record, oldest first. */
export function allRecords(store: FileStateStore): ExecutionRecord[] {
  return store.list().map((id) => foldJournal(store.read(id)));
}

/** Finds an execution by id or unique id prefix. */
export function findExecution(store: FileStateStore, idOrPrefix: string): string | undefined {
  const ids = store.list();
  if (ids.includes(idOrPrefix)) return idOrPrefix;
  const matches = ids.filter((id) => id.startsWith(idOrPrefix));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The output file of a stage (`<state>/executions/<id>/logs/<stage>.log`, as FileStateStore writes it). */
export function stageLogFile(store: FileStateStore, id: string, refId: string): string {
  return path.join(store.executionDir(id), "logs", `${refId.replace(/[^A-Za-z0-9._-]/g, "_")}.log`);
}

/** Statuses of a stage that failed (its branch or the pipeline stopped on it, or it was ignored). */
export const FAILED_STATUSES: ReadonlySet<string> = new Set(["TERMINAL", "STOPPED", "FAILED_CONTINUE"]);

/**
 * What to show of each failed stage that wrote output: its error, the last `count` lines of its
 * log, the log's path and the command that prints all of it. Empty when no failed stage wrote any.
 */
export function failureReport(
  store: FileStateStore,
  record: ExecutionRecord,
  cwd: string,
  count = 10,
): string {
  const out: string[] = [];
  for (const s of record.stages) {
    if (!FAILED_STATUSES.has(s.status)) continue;
    const text = store.readLog(record.id, s.refId);
    if (text.trim() === "") continue;
    const lines = text.replace(/\n+$/, "").split("\n");
    const tail = lines.slice(-count);
    const file = stageLogFile(store, record.id, s.refId);
    const shown = path.relative(cwd, file).startsWith("..") ? file : path.relative(cwd, file);
    out.push(`✖ ${s.refId} (${s.type}) ${s.status}${s.error ? `: ${s.error}` : ""}\n`);
    out.push(`  ${tail.length < lines.length ? `last ${tail.length} lines` : "output"} of ${shown}:\n`);
    for (const line of tail) out.push(`  | ${line}\n`);
    out.push(`  all of it: capstan logs ${record.id} ${s.refId}\n`);
  }
  return out.join("");
}
