import type { ExecutionObserver, ExecutionRecord, JournalEvent, StageRecord } from "@capstan/core";

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
};

const FAILED = new Set(["TERMINAL", "STOPPED", "FAILED_CONTINUE"]);

/** Spinnaker shows a stage waiting for its execution window as SUSPENDED (a display name only). */
export function displayStatus(s: StageRecord): string {
  return s.status === "RUNNING" && (s.phase === "window" || s.phase === "jitter") ? "SUSPENDED" : s.status;
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
            write(`[${stamp()}] ${e.refId}: waiting for ${e.waitingFor}\n`);
          }
          break;
        case "stage.skipped":
          write(`[${stamp()}] ${e.refId}: SKIPPED (${e.reason})\n`);
          break;
        case "stage.completed": {
          const s = stageOf(r, e.refId);
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

  /** Stops redrawing while a prompt is shown. */
  pause(paused: boolean): void {
    if (paused) this.clear();
    this.paused = paused;
    if (!paused) this.draw();
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
    const out = [
      `${r.pipeline}  ${r.id}  ${r.status}  ${elapsed((r.endTime ?? now) - (r.startTime ?? now))}`,
    ];
    for (const s of r.stages) {
      const wait = s.status === "RUNNING" && s.waitingFor ? `  waiting for ${s.waitingFor}` : "";
      const why = s.status !== "RUNNING" && s.error ? `  ${s.error}` : canaryScores(s);
      const shown = displayStatus(s);
      const line = `  ${ICON[shown] ?? "?"} ${s.refId.padEnd(idWidth)}  ${s.type.padEnd(17)} ${shown.padEnd(15)} ${stageElapsed(s, now).padStart(7)}${wait}${why}`;
      out.push(line.slice(0, this.columns));
      // Running stages show their last output lines; failed ones keep them (why it failed).
      if (s.status === "RUNNING" || FAILED.has(s.status))
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
