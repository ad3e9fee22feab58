import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chooseNextRun, type Pipeline, type QueuedRun, slugify } from "@capstan/core";

interface Entry extends QueuedRun {
  pid: number;
  host: string;
}

function alive(e: { pid: number; host: string }): boolean {
  if (e.host !== os.hostname()) return true;
  try {
    process.kill(e.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Holds a short mutex (an O_EXCL lock file; a dead holder's lock is broken). */
async function withMutex<T>(file: string, fn: () => T): Promise<T> {
  for (;;) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname() }));
      fs.closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readJson<{ pid: number; host: string }>(file);
      if (holder && !alive(holder)) fs.rmSync(file, { force: true });
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Local concurrency for one pipeline (limitConcurrent / keepWaitingPipelines), with files under
 * `<stateDir>/concurrency/<pipeline>/`: `running.json` names the run in progress, `queue/` holds
 * waiting runs. When the running one ends, Orca's rule picks the next (newest supersedes older,
 * or oldest first when keepWaitingPipelines). Returns "start" (call the release function when
 * done) or "superseded".
 */
export async function waitForTurn(
  stateDir: string,
  pipeline: Pipeline,
  onWait: (holder: string) => void,
): Promise<{ outcome: "start"; release: () => void } | { outcome: "superseded"; release: () => void }> {
  const noop = () => undefined;
  if (!pipeline.concurrency.limitConcurrent) return { outcome: "start", release: noop };
  const dir = path.join(stateDir, "concurrency", slugify(pipeline.name) || "pipeline");
  const queue = path.join(dir, "queue");
  fs.mkdirSync(queue, { recursive: true });
  const mutex = path.join(dir, "mutex.lock");
  const running = path.join(dir, "running.json");
  const now = Date.now();
  const me: Entry = {
    id: `${now.toString(36).padStart(9, "0")}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    since: now,
    pid: process.pid,
    host: os.hostname(),
  };
  const mine = path.join(queue, `${me.id}.json`);
  fs.writeFileSync(mine, JSON.stringify(me));
  const release = () => {
    const holder = readJson<Entry>(running);
    if (holder?.id === me.id) fs.rmSync(running, { force: true });
  };
  let told = false;
  for (;;) {
    const decision = await withMutex(mutex, () => {
      if (fs.existsSync(`${mine}.superseded`)) {
        fs.rmSync(mine, { force: true });
        fs.rmSync(`${mine}.superseded`, { force: true });
        return "superseded" as const;
      }
      const holder = readJson<Entry>(running);
      if (holder && alive(holder)) return holder;
      const waiting = fs
        .readdirSync(queue)
        .filter((n) => n.endsWith(".json"))
        .map((n) => readJson<Entry>(path.join(queue, n)))
        .filter(
          (e): e is Entry =>
            e !== undefined && alive(e) && !fs.existsSync(path.join(queue, `${e.id}.json.superseded`)),
        );
      const { start, supersede } = chooseNextRun(waiting, pipeline.concurrency.keepWaitingPipelines);
      for (const old of supersede) fs.writeFileSync(path.join(queue, `${old.id}.json.superseded`), "");
      if (start?.id === me.id) {
        fs.writeFileSync(running, JSON.stringify(me));
        fs.rmSync(mine, { force: true });
        return "start" as const;
      }
      return readJson<Entry>(running) ?? start;
    });
    if (decision === "start") return { outcome: "start", release };
    if (decision === "superseded") return { outcome: "superseded", release: noop };
    if (!told && decision) {
      told = true;
      onWait(
        `another run of '${pipeline.name}' is in progress (pid ${decision.pid}); waiting (limitConcurrent)`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
