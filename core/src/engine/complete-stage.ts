import { notify } from "./notifications.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import type { ExecutionStatus } from "./status.js";

/** What a stage ends with besides its status. */
export interface StageEnd {
  context?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: string;
}

/**
 * Ends a stage with `status`. Failed expressions met along the way are added to its exception
 * details (Orca's "Failed Expression Evaluation") and, with `failOnFailedExpressions`, make it
 * TERMINAL. Its signal is aborted and the stage's notifications are sent.
 */
export function completeStage(run: RunState, s: StageRecord, status: ExecutionStatus, extra: StageEnd): void {
  const model = run.models.get(s.refId)!;
  const summary = s.expressionEvaluationSummary;
  const failures = summary ? Object.values(summary).flat() : [];
  let final = status;
  let context = extra.context;
  let error = extra.error;
  if (failures.length > 0) {
    const existing = (extra.context?.exception ?? s.context.exception) as Record<string, unknown> | undefined;
    const details = (existing?.details as Record<string, unknown> | undefined) ?? {
      error: "Failed Expression Evaluation",
    };
    const errors = [
      ...((details.errors as string[] | undefined) ?? []),
      ...failures.map((f) => f.description),
    ];
    context = { ...context, exception: { ...existing, details: { ...details, errors } } };
    if (model.failOnFailedExpressions) {
      final = "TERMINAL";
      error ??= `Failed expression evaluation: ${failures.map((f) => f.description).join("; ")}`;
    }
  }
  run.emit({
    kind: "stage.completed",
    refId: s.refId,
    status: final,
    context,
    outputs: extra.outputs,
    error,
  });
  run.aborts.get(s.refId)?.abort();
  run.aborts.delete(s.refId);
  run.nextPollAt.delete(s.refId);
  if (final === "SUCCEEDED") notify(run, "stage.complete", s);
  else if (final !== "SKIPPED") notify(run, "stage.failed", s);
}
