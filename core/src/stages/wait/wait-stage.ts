import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import { parseDuration } from "../../model/duration.js";
import { isExpression, stageProblem } from "../checks.js";

/** The wait's length in ms from the evaluated context: `duration` ("5m", or seconds) or `waitTime` (seconds). */
export function waitDurationMs(context: Record<string, unknown>): number | undefined {
  const d = context.duration ?? context.waitTime;
  if (typeof d === "number" && Number.isFinite(d) && d >= 0) return d * 1000;
  if (typeof d === "string") {
    if (/^\d+(\.\d+)?$/.test(d.trim())) return Number(d) * 1000;
    return parseDuration(d);
  }
  return undefined;
}

function check(ctx: StageContext): TaskResult {
  const { context } = ctx.stage;
  const duration = waitDurationMs(context);
  if (duration === undefined) {
    return {
      status: "TERMINAL",
      error: `wait stage needs 'duration' (like 30s, 5m) or 'waitTime' (seconds); got ${JSON.stringify(context.duration ?? context.waitTime)}`,
    };
  }
  // Spinnaker's "Skip remaining wait" ends the wait successfully.
  if (context.skipRemainingWait === true) return { status: "SUCCEEDED", context: { waitSkipped: true } };
  const started = ctx.stage.taskStartTime ?? ctx.now();
  const remaining = started + duration - ctx.now();
  if (remaining <= 0) return { status: "SUCCEEDED" };
  return {
    status: "RUNNING",
    pollAfterMs: remaining,
    waitingFor: `wait until ${new Date(started + duration).toISOString()}`,
  };
}

/** `wait`: waits for `duration`; `capstan skip` ends it early. */
export const waitStage: StageHandler = {
  type: "wait",
  pure: true,
  skippable: true,
  start: check,
  poll: check,
  check(stage) {
    const c = stage.config;
    const value = c.duration ?? c.waitTime;
    if (value === undefined) {
      return [
        stageProblem(
          stage,
          "type",
          "wait-duration-missing",
          "A wait stage needs 'duration' (like 30s or 5m) or 'waitTime' (seconds).",
        ),
      ];
    }
    if (!isExpression(value) && waitDurationMs({ duration: value }) === undefined) {
      return [
        stageProblem(
          stage,
          c.duration !== undefined ? "duration" : "waitTime",
          "wait-duration-invalid",
          `'${String(value)}' is not a duration; write it like 30s, 5m, 1h30m.`,
        ),
      ];
    }
    return [];
  },
};
