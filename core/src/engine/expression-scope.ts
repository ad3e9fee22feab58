import type { Pipeline } from "../model/types.js";
import type { ExpressionScope } from "./expressions.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import { buildRoot } from "./scope.js";

/** `expressions.allowUrls` and `expressions.urlAllowList` of the pipeline's settings. */
function urlSettings(pipeline: Pipeline): { allowUrls?: unknown; urlAllowList?: unknown } {
  const e = pipeline.settings.expressions;
  return e && typeof e === "object" ? (e as { allowUrls?: unknown; urlAllowList?: unknown }) : {};
}

/** The scope an expression of stage `s` (or of the pipeline, without one) is evaluated in. */
export function scopeOf(
  run: RunState,
  s: StageRecord | undefined,
  extra?: Record<string, unknown>,
): ExpressionScope {
  const urls = urlSettings(run.pipeline);
  return {
    execution: run.record,
    stage: s,
    root: buildRoot(run.record, s, run.byRef, extra),
    secrets: run.secrets(),
    now: run.services.clock.now(),
    allowUrls: urls.allowUrls === true,
    urlAllowList: Array.isArray(urls.urlAllowList) ? urls.urlAllowList.map(String) : undefined,
    allowLoopbackUrls: run.services.allowLoopbackUrls === true,
  };
}
