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
