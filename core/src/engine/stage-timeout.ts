import { cancelTask } from "./cancel-task.js";
import { completeStage } from "./complete-stage.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import { failureStatus } from "./status.js";

/**
 * When the stage's task runs out of time: its `timeout` (or its handler's default) after the task
 * began, not counting the wait for its execution window. Infinity without a limit or a task.
 */
export function stageDeadline(run: RunState, s: StageRecord): number {
  if (s.phase !== "task" || s.startTime === undefined) return Number.POSITIVE_INFINITY;
  const model = run.models.get(s.refId);
  const timeout = model?.timeoutMs ?? run.handlerOf(s)?.defaultTimeoutMs;
  if (timeout === undefined) return Number.POSITIVE_INFINITY;
  return s.startTime + (s.windowMs ?? 0) + timeout;
}

/** Ends a stage past its deadline: its task is canceled, the stage fails as its `onFailure` says. */
export function timeOutStage(run: RunState, s: StageRecord): void {
  const model = run.models.get(s.refId)!;
  const timeout = model.timeoutMs ?? run.handlerOf(s)?.defaultTimeoutMs ?? 0;
  cancelTask(run, s);
  const message = `Stage '${s.name}' timed out after ${timeout} ms`;
  completeStage(run, s, failureStatus(model.onFailure, "TERMINAL"), {
    error: message,
    context: { exception: { exceptionType: "TimeoutException", message } },
  });
}
