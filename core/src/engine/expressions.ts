import type { ExecutionRecord, ExpressionSummary, StageRecord } from "./record.js";

/** What an expression sees: the roots and the execution it belongs to. */
export interface ExpressionScope {
  execution: ExecutionRecord;
  /** The stage being evaluated, if any. */
  stage?: StageRecord;
  /**
   * Root variables: `parameters`, `trigger`, `execution`, the stage's context keys, and upstream
   * stages' outputs (Orca's ancestor fallback, nearest ancestor first).
   */
  root: Record<string, unknown>;
  /** Declared secrets (values masked wherever they are shown). */
  secrets: Record<string, string>;
  now: number;
  /** `expressions.allowUrls` of the pipeline: URL functions may run. */
  allowUrls?: boolean;
  /** `expressions.urlAllowList`: URL prefixes URL functions may read. */
  urlAllowList?: readonly string[];
  /** The engine's `allowLoopbackUrls` (tests against a local server): names may resolve to loopback. */
  allowLoopbackUrls?: boolean;
}

export type ConditionResult =
  | { ok: true; value: unknown }
  /** `pendingUrls`: URL functions need these fetched (`fetchUrls`) before evaluating again. */
  | { ok: false; error: string; pendingUrls?: string[] };

/** The expression language as the engine uses it (implemented by `core/src/expr`). */
export interface ExpressionEvaluator {
  /**
   * Evaluates every `${ }` in strings and map keys of a plain value; never throws. `pendingUrls`
   * lists URLs that URL functions need and that `fetchUrls` has not fetched yet.
   */
  evaluateTree(
    value: unknown,
    scope: ExpressionScope,
  ): { value: unknown; summary: ExpressionSummary; pendingUrls?: string[] };
  /** Fetches URLs for URL functions (after the URL restrictions), so the next evaluation has them. */
  fetchUrls?(urls: readonly string[], scope: ExpressionScope): Promise<void>;
  /** Evaluates a condition (`${ expr }` or a bare expression) to a value; never throws. */
  evaluateCondition(text: string, scope: ExpressionScope): ConditionResult;
}

/** True when a plain value contains `${` in any string or key (so evaluation can be skipped). */
export function containsExpression(value: unknown): boolean {
  if (typeof value === "string") return value.includes("${");
  if (Array.isArray(value)) return value.some(containsExpression);
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k.includes("${") || containsExpression(v)) return true;
  }
  return false;
}
