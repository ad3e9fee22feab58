import {
  branchNotTaken,
  type ExecutionObserver,
  type ExecutionRecord,
  type JournalEvent,
  type StageRecord,
} from "@capstan/core";

const ICON: Record<string, string> = {
  NOT_STARTED: "·",
  RUNNING: "▶",
  SUCCEEDED: "✔",
  FAILED_CONTINUE: "!",
  TERMINAL: "✖",
  CANCELED: "⊘",
  STOPPED: "■",
  SKIPPED: "↷",
  SUSPENDED: "◷",
  "NOT TAKEN": "↷",
};

const FAILED = new Set(["TERMINAL", "STOPPED", "FAILED_CONTINUE"]);
const ENDED = new Set(["SUCCEEDED", "FAILED_CONTINUE", "TERMINAL", "CANCELED", "STOPPED", "SKIPPED"]);
/** A child never starts below these. */
const BLOCKING = new Set(["TERMINAL", "STOPPED", "CANCELED"]);

/**
 * Spinnaker shows a stage waiting for its execution window as SUSPENDED (a display name only);
 * a branch gate that was not taken (STOPPED by its `failPipeline: false` preconditions) reads
 * NOT TAKEN, not as a failure.
 */
export function displayStatus(s: StageRecord, record?: ExecutionRecord): string {
  if (branchNotTaken(s, record) !== undefined) return "NOT TAKEN";
  return s.status === "RUNNING" && (s.phase === "window" || s.phase === "jitter") ? "SUSPENDED" : s.status;
}

/** `4m 10s`, `1h 59m`, `3d 4h`, `42s`: the two largest units of a time left. */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const units: [number, string][] = [
    [86_400, "d"],
    [3600, "h"],
    [60, "m"],
    [1, "s"],
  ];
  const i = units.findIndex(([size]) => s >= size);
  if (i < 0) return "0s";
  const [size, unit] = units[i];
  const first = `${Math.floor(s / size)}${unit}`;
  const next = units[i + 1];
  const rest = next ? Math.floor((s % size) / next[0]) : 0;
  return next && rest > 0 ? `${first} ${rest}${next[1]}` : first;
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;

/**
 * A stage's `waitingFor` with its timestamps as the time left: `wait until <ISO>` reads
 * `wait, 4m 10s left`, `opens <ISO>` reads `opens in 1h 59m`, any other `<ISO>` `in 3m`.
 */
export function waitText(text: string, now: number): string {
  const left = (iso: string) => timeLeft(Date.parse(iso) - now);
  return text.replace(
    new RegExp(`( until | at | )?(${ISO.source})`, "g"),
    (_, before: string, iso: string) =>
      before === " until "
        ? `, ${left(iso)} left`
        : `${before === " at " || before === " " ? " " : ""}in ${left(iso)}`,
  );
}

/**
 * What a NOT_STARTED stage waits for: its parents that have not ended (`waits for build`), or,
 * when it can no longer start, why (`not run (rollback not taken)`, `not run (deploy TERMINAL)`).
 */
export function notStartedText(s: StageRecord, record: ExecutionRecord): string {
  const byRef = new Map(record.stages.map((x) => [x.refId, x]));
  const blocker = (stage: StageRecord, depth: number): StageRecord | undefined => {
    for (const ref of stage.dependsOn) {
      const parent = byRef.get(ref);
      if (!parent) continue;
      if (BLOCKING.has(parent.status)) return parent;
      if (parent.status === "NOT_STARTED" && depth < record.stages.length) {
        const above = blocker(parent, depth + 1);
        if (above) return above;
      }
    }
    return undefined;
  };
  const blocked = blocker(s, 0);
  if (blocked) {
    const why = branchNotTaken(blocked, record) !== undefined ? "not taken" : blocked.status;
    return `not run (${blocked.refId} ${why})`;
  }
  if (record.status !== "RUNNING" && record.status !== "NOT_STARTED") return "not run";
  const pending = s.dependsOn.filter((ref) => {
    const parent = byRef.get(ref);
    return parent !== undefined && !ENDED.has(parent.status);
  });
  if (pending.length === 0) return "";
  const shown = pending.length > 3 ? [...pending.slice(0, 3), `${pending.length - 3} more`] : pending;
  return `waits for ${shown.join(", ")}`;
}

/** `3/5 done`: stages that ended, of those that still can; `, 2 not run` for the others. */
export function progressText(record: ExecutionRecord): string {
  const done = record.stages.filter((s) => ENDED.has(s.status)).length;
  const notRun = record.stages.filter(
    (s) => s.status === "NOT_STARTED" && notStartedText(s, record).startsWith("not run"),
  ).length;
  return `${done}/${record.stages.length - notRun} done${notRun > 0 ? `, ${notRun} not run` : ""}`;
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`
    : `${m}:${String(sec).padStart(2, "0")}`;
}

function stageElapsed(s: StageRecord, now: number): string {
  if (s.startTime === undefined) return "";
  return elapsed((s.endTime ?? now) - s.startTime);
}

/** Progress as plain lines, for logs and pipes. */
export function lineProgress(write: (text: string) => void, now: () => number = Date.now): ExecutionObserver {
  const lastWaiting = new Map<string, string>();
  const partial = new Map<string, string>();
  const stamp = () => new Date(now()).toISOString().slice(11, 19);
  const stageOf = (r: ExecutionRecord, ref: string) => r.stages.find((s) => s.refId === ref);
  return {
    onEvent(e: JournalEvent, r: ExecutionRecord) {
      switch (e.kind) {
        case "execution.started":
          write(`[${stamp()}] execution ${r.id} of '${r.pipeline}' started\n`);
          break;
        case "stage.started":
          write(`[${stamp()}] ${e.refId}: RUNNING (${stageOf(r, e.refId)?.type})\n`);
          break;
        case "stage.updated":
          if (e.waitingFor && lastWaiting.get(e.refId) !== e.waitingFor) {
            lastWaiting.set(e.refId, e.waitingFor);
            write(`[${stamp()}] ${e.refId}: waiting for ${waitText(e.waitingFor, now())}\n`);
          }
          break;
        case "stage.skipped":
          write(`[${stamp()}] ${e.refId}: SKIPPED (${e.reason})\n`);
          break;
        case "stage.completed": {
          const s = stageOf(r, e.refId);
          const notTaken = s ? branchNotTaken(s, r) : undefined;
          if (notTaken !== undefined) {
            write(`[${stamp()}] ${e.refId}: not taken (${notTaken})\n`);
            break;
          }
          write(
            `[${stamp()}] ${e.refId}: ${e.status} in ${s ? stageElapsed(s, now()) : "?"}${e.error ? ` - ${e.error}` : ""}\n`,
          );
          break;
        }
        case "judgment.given":
          // The input chosen ("judged rollback"), not the engine's status ("judged continue (rollback)").
          write(
            `[${stamp()}] ${e.refId}: ${e.judgmentStatus === "stop" ? "stopped" : `judged ${e.judgmentInput ?? "continue"}`} by ${e.user}\n`,
          );
          break;
        case "command.rejected":
          write(`[${stamp()}] command ${e.commandId} rejected: ${e.reason}\n`);
          break;
        case "execution.completed":
          write(
            `[${stamp()}] execution ${r.id} ${e.status} in ${elapsed((r.endTime ?? now()) - (r.startTime ?? now()))}\n`,
          );
          break;
        default:
          break;
      }
    },
    onLog(refId, text) {
      const lines = ((partial.get(refId) ?? "") + text).split("\n");
      partial.set(refId, lines.pop() ?? "");
      for (const line of lines) write(`  ${refId} | ${line}\n`);
    },
  };
}

/** A live view redrawn in place on a terminal: stages, status, elapsed time, waits, log tails. */
export class LiveView implements ExecutionObserver {
  private record: ExecutionRecord | undefined;
  private readonly logs = new Map<string, string[]>();
  private drawnLines = 0;
  private paused = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = Date.now,
    private readonly columns = 100,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.draw();
  }

  /**
   * Stops redrawing while a prompt is shown. The last frame stays on screen above the prompt,
   * with what just ran (the last output lines of the stages that ended last); when the prompt
   * closes, drawing goes on below it.
   */
  pause(paused: boolean): void {
    if (paused && !this.paused && this.record) {
      const lines = [...this.frame(), ...this.justRan()];
      this.clear();
      this.write(`${lines.join("\n")}\n`);
    }
    // Nothing above the cursor is redrawn any more: the frame and the prompt stay.
    this.drawnLines = 0;
    this.paused = paused;
    if (!paused) this.draw();
  }

  /** The last output lines of the stages that ended last (what a prompt's reader just saw run). */
  private justRan(): string[] {
    const r = this.record;
    if (!r) return [];
    const ended = r.stages.filter(
      (s) => s.endTime !== undefined && (this.logs.get(s.refId)?.length ?? 0) > 0,
    );
    const last = Math.max(...ended.map((s) => s.endTime ?? 0));
    const out: string[] = [];
    for (const s of ended.filter((x) => x.endTime === last && !FAILED.has(x.status))) {
      out.push(`  last output of ${s.refId}:`);
      for (const l of this.logs.get(s.refId) ?? []) out.push(`      | ${l}`.slice(0, this.columns));
    }
    return out;
  }

  onEvent(_e: JournalEvent, r: ExecutionRecord): void {
    this.record = r;
  }

  onLog(refId: string, text: string): void {
    const lines = this.logs.get(refId) ?? [];
    lines.push(...text.split("\n").filter((l) => l.length > 0));
    this.logs.set(refId, lines.slice(-5));
  }

  private clear(): void {
    if (this.drawnLines > 0) this.write(`\x1b[${this.drawnLines}A\x1b[J`);
    this.drawnLines = 0;
  }

  /** The frame as lines (exported for tests through `frame`). */
  frame(): string[] {
    const r = this.record;
    if (!r) return [];
    const now = this.now();
    const idWidth = Math.min(24, Math.max(...r.stages.map((s) => s.refId.length), 5));
    // As wide as the longest type of this pipeline (at least 17), so no row shifts.
    const typeWidth = Math.min(32, Math.max(17, ...r.stages.map((s) => s.type.length)));
    const out = [
      `${r.pipeline}  ${r.id}  ${r.status}  ${elapsed((r.endTime ?? now) - (r.startTime ?? now))}  ${progressText(r)}`,
    ];
    for (const s of r.stages) {
      const notTaken = branchNotTaken(s, r);
      const wait =
        s.status === "RUNNING" && s.waitingFor ? `  waiting for ${waitText(s.waitingFor, now)}` : "";
      const pending = s.status === "NOT_STARTED" ? notStartedText(s, r) : "";
      const why =
        notTaken !== undefined
          ? `  ${notTaken}`
          : pending
            ? `  ${pending}`
            : s.status !== "RUNNING" && s.error
              ? `  ${s.error}`
              : canaryScores(s);
      const shown = displayStatus(s, r);
      const line = `  ${ICON[shown] ?? "?"} ${s.refId.padEnd(idWidth)}  ${s.type.padEnd(typeWidth)} ${shown.padEnd(15)} ${stageElapsed(s, now).padStart(7)}${wait}${why}`;
      out.push(line.slice(0, this.columns));
      // Running stages show their last output lines; failed ones keep them (why it failed).
      if (s.status === "RUNNING" || (FAILED.has(s.status) && notTaken === undefined))
        for (const l of this.logs.get(s.refId) ?? []) out.push(`      | ${l}`.slice(0, this.columns));
    }
    return out;
  }

  private draw(): void {
    if (this.paused || !this.record) return;
    const lines = this.frame();
    this.clear();
    this.write(`${lines.join("\n")}\n`);
    this.drawnLines = lines.length;
  }
}

/** A canary analysis that ended without an error: its scores and result, e.g. `  scores 100, 100 (Pass)`. */
function canaryScores(s: ExecutionRecord["stages"][number]): string {
  const scores = s.outputs?.canaryScores;
  if (s.status === "RUNNING" || !Array.isArray(scores) || scores.length === 0) return "";
  return `  scores ${scores.join(", ")} (${String(s.outputs.overallResult ?? "")})`;
}
