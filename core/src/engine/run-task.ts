import { completeStage } from "./complete-stage.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import { type ExecutionStatus, failureStatus, isComplete } from "./status.js";
import type { StageContext, StageHandler, TaskResult } from "./types.js";
import { holdsForWindow } from "./window-phase.js";

/** What a handler without `poll` reports when polled: still running (it wakes the stage itself). */
const STILL_RUNNING = (): TaskResult => ({ status: "RUNNING" });

/**
 * Moves a RUNNING stage on: its execution window and jitter wait, then its task, which is started,
 * resumed (found running in the journal, its process gone) or polled.
 */
export function runTask(run: RunState, s: StageRecord): void {
  const model = run.models.get(s.refId)!;
  const now = run.services.clock.now();
  // Also reached on resume when the crash came between stage.started and the first phase.
  if (s.phase === undefined && model.window)
    run.emit({ kind: "stage.phase", refId: s.refId, phase: "window" });
  if ((s.phase === "window" && model.window) || s.phase === "jitter") {
    if (!holdsForWindow(run, s, model, now)) beginTask(run, s);
    return;
  }
  if (s.phase !== "task") {
    beginTask(run, s);
    return;
  }
  const handler = run.handlerOf(s)!;
  if (!run.taskStarted.has(s.refId)) {
    // Found RUNNING in the journal without a live task: the process that ran it is gone.
    run.taskStarted.add(s.refId);
    callHandler(run, s, handler.resume ?? handler.poll ?? handler.start, handler);
    return;
  }
  callHandler(run, s, handler.poll ?? STILL_RUNNING, handler);
}

/** Journals the task phase (one more attempt) and calls the handler's `start`. */
function beginTask(run: RunState, s: StageRecord): void {
  const handler = run.handlerOf(s)!;
  run.emit({ kind: "stage.phase", refId: s.refId, phase: "task", attempt: (s.attempts ?? 0) + 1 });
  run.taskStarted.add(s.refId);
  callHandler(run, s, handler.start, handler);
}

/** Calls a handler method; the result is applied now if synchronous, else when it settles. */
function callHandler(
  run: RunState,
  s: StageRecord,
  method: (ctx: StageContext) => TaskResult | Promise<TaskResult>,
  handler: StageHandler,
): void {
  // Anything a handler does may leave the engine, so the journal is made durable first.
  const pure = typeof handler.pure === "function" ? handler.pure(s) : handler.pure === true;
  if (!pure) run.flush();
  let out: TaskResult | Promise<TaskResult>;
  try {
    out = method.call(handler, run.stageContext(s));
  } catch (error) {
    out = { status: "TERMINAL", error: `${s.type} stage failed: ${(error as Error).message}` };
  }
  if (!(out instanceof Promise)) {
    applyTaskResult(run, s, out);
    return;
  }
  const refId = s.refId;
  const release = run.services.clock.hold?.();
  const p = out
    .then(
      (r) => applyTaskResult(run, s, r),
      (error: unknown) =>
        applyTaskResult(run, s, { status: "TERMINAL", error: `${s.type} stage failed: ${String(error)}` }),
    )
    .finally(() => {
      release?.();
      run.inflight.delete(refId);
      run.flush();
      run.wake();
    });
  run.inflight.set(refId, p);
}

/**
 * Applies what a task reported, unless the stage or execution ended meanwhile: RUNNING records
 * its progress and when to poll again; an end status completes the stage (a failure as its
 * `onFailure` says).
 */
function applyTaskResult(run: RunState, s: StageRecord, result: TaskResult): void {
  if (s.status !== "RUNNING" || isComplete(run.record.status)) return;
  if (result.status === "RUNNING") {
    run.emit({
      kind: "stage.updated",
      refId: s.refId,
      context: result.context,
      outputs: result.outputs,
      waitingFor: result.waitingFor ?? "",
      summary: result.summary,
    });
    const now = run.services.clock.now();
    run.nextPollAt.set(
      s.refId,
      result.pollAfterMs === undefined ? Number.POSITIVE_INFINITY : now + Math.max(0, result.pollAfterMs),
    );
    return;
  }
  if (result.summary && Object.keys(result.summary).length > 0) {
    run.emit({ kind: "stage.updated", refId: s.refId, summary: result.summary });
  }
  const model = run.models.get(s.refId)!;
  let status: ExecutionStatus = result.status;
  if (status === "TERMINAL") status = failureStatus(model.onFailure, "TERMINAL");
  else if (status === "CANCELED") status = failureStatus(model.onFailure, "CANCELED");
  completeStage(run, s, status, result);
}
