import type { Stage } from "../model/types.js";
import { completeStage } from "./complete-stage.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import { EMPTY_WINDOW_ERROR, isInWindow, nextWindowOpening } from "./windows.js";

/** How often a window is re-checked when the next opening cannot be computed (Orca: 30 s). */
const WINDOW_POLL_MS = 30_000;

/**
 * The `window` and `jitter` phases of a running stage. True while the stage must wait (or when it
 * ended: a window without days or ranges), false when its task may begin.
 */
export function holdsForWindow(run: RunState, s: StageRecord, model: Stage, now: number): boolean {
  if (s.phase === "window" && model.window) return inWindowPhase(run, s, model, now);
  if (s.phase !== "jitter") return false;
  const due = Number(s.context.jitterUntil ?? 0);
  if (now < due && s.context.skipWindow !== true) {
    run.nextPollAt.set(s.refId, due);
    return true;
  }
  return false;
}

/** Waits for the window to open (unless skipped), then starts the jitter wait if there is one. */
function inWindowPhase(run: RunState, s: StageRecord, model: Stage, now: number): boolean {
  const w = model.window!;
  if (s.context.skipWindow !== true) {
    if (w.days.length === 0 && w.ranges.length === 0) {
      completeStage(run, s, "TERMINAL", { error: EMPTY_WINDOW_ERROR });
      return true;
    }
    if (!isInWindow(w, now)) {
      const at = nextWindowOpening(w, now) ?? now + WINDOW_POLL_MS;
      run.emit({
        kind: "stage.updated",
        refId: s.refId,
        waitingFor: `execution window (opens ${new Date(at).toISOString()})`,
        context: { scheduledTime: at },
      });
      run.nextPollAt.set(s.refId, at);
      return true;
    }
  }
  const jitter = w.jitter;
  const skipJitter = jitter?.skipManual && run.record.trigger.type === "manual";
  if (jitter && jitter.maxMs > 0 && !skipJitter && s.context.skipWindow !== true) {
    startJitter(run, s, jitter, now);
    return true;
  }
  return false;
}

/** Waits a random whole number of seconds between the jitter's bounds before the task begins. */
function startJitter(
  run: RunState,
  s: StageRecord,
  jitter: { minMs: number; maxMs: number },
  now: number,
): void {
  const minS = Math.ceil(jitter.minMs / 1000);
  const maxS = Math.floor(jitter.maxMs / 1000);
  const waitS = minS + Math.floor(run.services.random() * (maxS - minS + 1));
  run.emit({ kind: "stage.phase", refId: s.refId, phase: "jitter" });
  run.emit({
    kind: "stage.updated",
    refId: s.refId,
    context: { jitterWaitMs: waitS * 1000, jitterUntil: now + waitS * 1000 },
    waitingFor: `jitter (${waitS} s)`,
  });
  run.nextPollAt.set(s.refId, now + waitS * 1000);
}
