import { scopeOf } from "./expression-scope.js";
import { containsExpression } from "./expressions.js";
import type { ExpressionSummary, StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";

/** Fields of a stage that are the engine's business, not the stage type's (not put in `context`). */
const COMMON_FIELDS = new Set([
  "id",
  "name",
  "type",
  "dependsOn",
  "if",
  "onFailure",
  "failOnFailedExpressions",
  "timeout",
  "window",
  "notifications",
  "retryable",
]);

/** The stage's config as its context: evaluated, except the fields its handler evaluates itself. */
export function evaluateConfig(
  run: RunState,
  s: StageRecord,
): { context: Record<string, unknown>; summary?: ExpressionSummary; pendingUrls?: string[] } {
  const model = run.models.get(s.refId)!;
  const fields = run.handlerOf(s)?.deferredFields;
  const deferred = fields && fields.length > 0 ? new Set(fields) : undefined;
  const raw: Record<string, unknown> = {};
  const later: Record<string, unknown> = {};
  const config = model.config;
  for (const k of Object.keys(config)) {
    if (COMMON_FIELDS.has(k)) continue;
    if (deferred?.has(k)) later[k] = config[k];
    else raw[k] = config[k];
  }
  if (!containsExpression(raw)) return { context: Object.assign(raw, later) };
  const evaluated = run.services.expressions.evaluateTree(raw, scopeOf(run, s, raw));
  return {
    context: { ...(evaluated.value as Record<string, unknown>), ...later },
    summary: evaluated.summary,
    pendingUrls: evaluated.pendingUrls,
  };
}

/**
 * The journal holds masked secrets; a stage still running after a crash gets its config
 * evaluated again (in memory only) so its handler sees the real values.
 */
export function restoreSecrets(run: RunState): void {
  if (run.secretValues().length === 0) return;
  for (const s of run.record.stages) {
    if (s.status !== "RUNNING") continue;
    const { context } = evaluateConfig(run, s);
    Object.assign(s.context, context);
  }
}
