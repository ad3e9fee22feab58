import type { Command } from "./commands.js";
import type { JournalEvent } from "./events.js";

/**
 * Where executions live. The journal is append-only; `append` is synchronous and durable when it
 * returns, so the engine can journal a step before acting on it. Commands go to a separate inbox
 * that other processes may append to while the engine runs.
 */
export interface StateStore {
  /** Appends events; after a crash, a prefix of them may be present, never a torn event. */
  append(executionId: string, events: readonly JournalEvent[]): void;
  /** The journal in append order; a torn last line from a crash is ignored. */
  read(executionId: string): JournalEvent[];
  /** Ids of stored executions, oldest first. */
  list(): string[];
  appendCommand(executionId: string, command: Command): void;
  readCommands(executionId: string): Command[];
  /** Calls `onChange` when commands may have arrived; returns a function that stops watching. */
  watchCommands(executionId: string, onChange: () => void): () => void;
  /** Appends output of a stage (e.g. a run stage's stdout/stderr). */
  appendLog(executionId: string, refId: string, text: string): void;
  readLog(executionId: string, refId: string): string;
  /**
   * Releases what is held open for one execution (its journal file) once its run has ended; a
   * later append opens it again. A store serving many executions would otherwise keep one each.
   */
  release?(executionId: string): void;
  /** Releases open files. */
  close(): void;
}

/** A store in memory, for tests and benchmarks of the scheduler alone. */
export class MemoryStateStore implements StateStore {
  private readonly journals = new Map<string, JournalEvent[]>();
  private readonly commands = new Map<string, Command[]>();
  private readonly logs = new Map<string, string>();
  private readonly watchers = new Map<string, Set<() => void>>();

  append(executionId: string, events: readonly JournalEvent[]): void {
    const journal = this.journals.get(executionId) ?? [];
    this.journals.set(executionId, journal);
    // Stored as JSON copies so later mutation by the caller cannot rewrite history.
    for (const e of events) journal.push(JSON.parse(JSON.stringify(e)) as JournalEvent);
  }
  read(executionId: string): JournalEvent[] {
    return (this.journals.get(executionId) ?? []).map((e) => JSON.parse(JSON.stringify(e)) as JournalEvent);
  }
  list(): string[] {
    return [...this.journals.keys()];
  }
  appendCommand(executionId: string, command: Command): void {
    const list = this.commands.get(executionId) ?? [];
    this.commands.set(executionId, list);
    list.push(command);
    for (const w of this.watchers.get(executionId) ?? []) w();
  }
  readCommands(executionId: string): Command[] {
    return [...(this.commands.get(executionId) ?? [])];
  }
  watchCommands(executionId: string, onChange: () => void): () => void {
    const set = this.watchers.get(executionId) ?? new Set<() => void>();
    this.watchers.set(executionId, set);
    set.add(onChange);
    return () => set.delete(onChange);
  }
  appendLog(executionId: string, refId: string, text: string): void {
    const key = `${executionId}/${refId}`;
    this.logs.set(key, (this.logs.get(key) ?? "") + text);
  }
  readLog(executionId: string, refId: string): string {
    return this.logs.get(`${executionId}/${refId}`) ?? "";
  }
  close(): void {}
}
