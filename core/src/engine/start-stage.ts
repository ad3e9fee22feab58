import { completeStage } from "./complete-stage.js";
import { scopeOf } from "./expression-scope.js";
import type { ConditionResult } from "./expressions.js";
import { notify } from "./notifications.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import { runTask } from "./run-task.js";
import { evaluateConfig } from "./stage-config.js";
import { prefetchUrls } from "./url-prefetch.js";

/**
 * Starts a stage whose parents let it: skips it when its `if` says so, evaluates its config into
 * its context, journals `stage.started` and runs its task. Waits instead (the scheduler starts it
 * again) while URL functions in `if` or config are being fetched.
 */
export function startStage(run: RunState, s: StageRecord): void {
  const model = run.models.get(s.refId)!;
  if (model.if !== undefined) {
    const result = run.services.expressions.evaluateCondition(model.if, scopeOf(run, s));
    // URL functions in `if` are fetched first, as for stage config; the stage starts after.
    if (!result.ok && result.pendingUrls?.length && prefetchUrls(run, s, result.pendingUrls)) return;
    const reason = skipReason(result);
    if (reason) {
      run.emit({ kind: "stage.skipped", refId: s.refId, reason });
      return;
    }
  }
  const handler = run.handlerOf(s);
  const { context, summary, pendingUrls } = evaluateConfig(run, s);
  if (pendingUrls?.length && prefetchUrls(run, s, pendingUrls)) return;
  run.emit({ kind: "stage.started", refId: s.refId, context, summary });
  notify(run, "stage.starting", s);
  if (!handler) {
    completeStage(run, s, "TERMINAL", {
      error: `Stage type '${s.type}' is not supported by this engine (known types: ${run.services.registry.types().join(", ")}).`,
    });
    return;
  }
  runTask(run, s);
}

/**
 * Why the stage's `if` skips it, or undefined when it runs. Orca reads the result as text and
 * accepts only true/false (any case); anything else skips.
 */
function skipReason(result: ConditionResult): string | undefined {
  if (!result.ok) return `'if' could not be evaluated (${result.error}), so the stage is skipped`;
  const text = String(result.value).toLowerCase();
  if (
    (typeof result.value !== "boolean" && typeof result.value !== "string") ||
    (text !== "true" && text !== "false")
  ) {
    return `'if' did not yield a boolean (got ${JSON.stringify(result.value) ?? "nothing"}), so the stage is skipped`;
  }
  return text === "false" ? "'if' evaluated to false" : undefined;
}
