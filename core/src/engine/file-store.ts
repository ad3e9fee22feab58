import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "./commands.js";
import type { JournalEvent } from "./events.js";
import type { StateStore } from "./state-store.js";

/**
 * Parses JSON lines; a line that does not parse is skipped, because the only way to get one is a
 * write torn by a crash (each event is one `write` of one line).
 */
function parseLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // torn write from a crash: ignored
    }
  }
  return out;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/**
 * Executions under `<stateDir>/executions/<id>/`: `journal.jsonl` (append + fsync per batch),
 * `commands.jsonl` (an inbox other processes append to with O_APPEND, one line per write, so
 * concurrent writers never interleave inside a line), and `logs/<stage>.log`.
 */
export class FileStateStore implements StateStore {
  private readonly fds = new Map<string, number>();

  constructor(
    readonly stateDir: string,
    private readonly options: { fsync?: boolean; pollMs?: number } = {},
  ) {}

  executionDir(executionId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(executionId)) throw new Error(`invalid execution id '${executionId}'`);
    return path.join(this.stateDir, "executions", executionId);
  }

  private journalFd(executionId: string): number {
    let fd = this.fds.get(executionId);
    if (fd !== undefined) return fd;
    const dir = this.executionDir(executionId);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "journal.jsonl");
    // A torn last line (crash mid-write) is cut off so the next event starts on its own line.
    const text = readText(file);
    if (text.length > 0 && !text.endsWith("\n")) {
      fs.truncateSync(file, Buffer.byteLength(text.slice(0, text.lastIndexOf("\n") + 1)));
    }
    fd = fs.openSync(file, "a");
    this.fds.set(executionId, fd);
    return fd;
  }

  append(executionId: string, events: readonly JournalEvent[]): void {
    if (events.length === 0) return;
    const fd = this.journalFd(executionId);
    const lines = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) lines[i] = JSON.stringify(events[i]);
    fs.writeSync(fd, `${lines.join("\n")}\n`);
    if (this.options.fsync !== false) fs.fsyncSync(fd);
  }

  read(executionId: string): JournalEvent[] {
    return parseLines<JournalEvent>(readText(path.join(this.executionDir(executionId), "journal.jsonl")));
  }

  list(): string[] {
    const root = path.join(this.stateDir, "executions");
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      return [];
    }
    const withTime = names
      .filter((n) => fs.existsSync(path.join(root, n, "journal.jsonl")))
      .map((n) => ({ n, t: fs.statSync(path.join(root, n)).birthtimeMs }));
    return withTime.sort((a, b) => a.t - b.t || a.n.localeCompare(b.n)).map((x) => x.n);
  }

  appendCommand(executionId: string, command: Command): void {
    const dir = this.executionDir(executionId);
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(path.join(dir, "commands.jsonl"), "a");
    try {
      fs.writeSync(fd, `${JSON.stringify(command)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  readCommands(executionId: string): Command[] {
    return parseLines<Command>(readText(path.join(this.executionDir(executionId), "commands.jsonl")));
  }

  watchCommands(executionId: string, onChange: () => void): () => void {
    const file = path.join(this.executionDir(executionId), "commands.jsonl");
    let last = -1;
    // Polling the size is portable and cheap; fs.watch misses appends on some file systems.
    const timer = setInterval(() => {
      let size = 0;
      try {
        size = fs.statSync(file).size;
      } catch {
        size = 0;
      }
      if (size !== last) {
        last = size;
        onChange();
      }
    }, this.options.pollMs ?? 250);
    timer.unref();
    return () => clearInterval(timer);
  }

  appendLog(executionId: string, refId: string, text: string): void {
    const dir = path.join(this.executionDir(executionId), "logs");
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, `${refId.replace(/[^A-Za-z0-9._-]/g, "_")}.log`), text);
  }

  readLog(executionId: string, refId: string): string {
    return readText(
      path.join(this.executionDir(executionId), "logs", `${refId.replace(/[^A-Za-z0-9._-]/g, "_")}.log`),
    );
  }

  release(executionId: string): void {
    const fd = this.fds.get(executionId);
    if (fd === undefined) return;
    this.fds.delete(executionId);
    fs.closeSync(fd);
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}
