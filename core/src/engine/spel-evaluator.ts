import {
  createEvaluationContext,
  type EvaluationContext,
  evaluateExpression,
  evaluateTemplate,
  evaluateTree,
  type StageView,
} from "../expr/index.js";
import type { ConditionResult, ExpressionEvaluator, ExpressionScope } from "./expressions.js";
import type { ExpressionSummary, StageRecord } from "./record.js";

function view(s: StageRecord): StageView {
  return {
    id: s.refId,
    name: s.name,
    type: s.type,
    status: s.status,
    context: s.context,
    outputs: s.outputs,
    startTime: s.startTime ?? null,
    endTime: s.endTime ?? null,
  };
}

function context(scope: ExpressionScope): EvaluationContext {
  return createEvaluationContext({
    root: { ...scope.root, secrets: scope.secrets },
    host: { stages: () => scope.execution.stages.map(view), currentStageId: scope.stage?.refId },
    now: () => scope.now,
  });
}

function toSummary(
  summary: Record<
    string,
    { level: "ERROR" | "INFO"; description: string; exceptionType?: string; timestamp?: number }[]
  >,
  now: number,
): ExpressionSummary {
  const out: ExpressionSummary = {};
  for (const [k, list] of Object.entries(summary)) {
    out[k] = list.map((e) => ({ ...e, timestamp: e.timestamp ?? now }));
  }
  return out;
}

/** The engine's view of Capstan's expression language (`core/src/expr`). */
export class SpelEvaluator implements ExpressionEvaluator {
  evaluateTree(value: unknown, scope: ExpressionScope): { value: unknown; summary: ExpressionSummary } {
    const result = evaluateTree(value, context(scope));
    return { value: result.value, summary: toSummary(result.summary, scope.now) };
  }

  evaluateCondition(text: string, scope: ExpressionScope): ConditionResult {
    const ctx = context(scope);
    if (text.includes("${")) {
      const result = evaluateTemplate(text, ctx);
      const failures = Object.entries(result.summary);
      if (failures.length > 0) {
        const [expr, entries] = failures[0];
        return { ok: false, error: entries[0]?.description ?? `${expr} failed` };
      }
      return { ok: true, value: result.value };
    }
    const outcome = evaluateExpression(text, ctx);
    return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: outcome.message };
  }
}
