import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import type { ExpressionSummary } from "../../engine/record.js";

function run(ctx: StageContext): TaskResult {
  const raw = ctx.stage.context.variables;
  if (raw !== undefined && !Array.isArray(raw)) {
    return { status: "TERMINAL", error: "evaluateVariables needs 'variables' as a list of {key, value}" };
  }
  const outputs: Record<string, unknown> = {};
  const summary: ExpressionSummary = {};
  for (const entry of (raw ?? []) as { key?: unknown; value?: unknown }[]) {
    if (!entry || typeof entry.key !== "string" || entry.key === "") {
      return { status: "TERMINAL", error: "every variable of evaluateVariables needs a 'key'" };
    }
    // Each variable sees the ones before it, as in Orca's EvaluateVariablesTask.
    const result = ctx.evaluateTree(entry.value, outputs);
    for (const [expr, list] of Object.entries(result.summary))
      summary[expr] = [...(summary[expr] ?? []), ...list];
    outputs[entry.key] = result.value;
  }
  return { status: "SUCCEEDED", outputs, summary };
}

/** `evaluateVariables`: evaluates `variables` in order; each becomes an output readable as `${ key }`. */
export const evaluateVariablesStage: StageHandler = {
  type: "evaluateVariables",
  pure: true,
  deferredFields: ["variables"],
  start: run,
};
