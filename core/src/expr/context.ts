import type { RegexBudget } from "./regex.js";
import type { UrlPolicy } from "./url-policy.js";
import { type CompareBudget, ExprError, toValue, type Value } from "./values.js";

/** A stage of the running execution, as the engine exposes it to expressions. */
export interface StageView {
  /** Spinnaker's refId. */
  id: string;
  name: string;
  type: string;
  status: string;
  context?: Readonly<Record<string, unknown>>;
  outputs?: Readonly<Record<string, unknown>>;
  startTime?: number | null;
  endTime?: number | null;
}

/** What evaluation needs from the engine; everything is read synchronously. */
export interface ExpressionHost {
  /** The execution's stages, in execution order. */
  stages(): readonly StageView[];
  /** The stage whose fields are being evaluated (for #currentStage()). */
  currentStageId?: string;
  /** The id of a pipeline of this repository by name, for #pipelineId. */
  pipelineId?(name: string): string | undefined;
}

export type UrlResponse = { ok: true; body: string } | { ok: false; error: string };

/**
 * URL functions are off unless `enabled`. Evaluation is synchronous, so bodies come from
 * `responses`, filled by the engine before (or between) evaluations; a URL not there yet makes the
 * expression fail with `UrlNotFetched` and is listed in the result's `pendingUrls`
 * (see `evaluateTreeWithUrls`, which fetches them and evaluates again).
 */
export interface UrlAccess {
  enabled: boolean;
  policy?: UrlPolicy;
  responses?: ReadonlyMap<string, UrlResponse>;
}

export interface EvaluationLimits {
  /** Operations (property reads, operators, calls, loop iterations) per expression. */
  maxSteps: number;
  /** Longest string an expression may build. */
  maxStringLength: number;
  /** Most elements a list (or entries a map) built by an expression may have. */
  maxListLength: number;
  /** Pike VM work units for regular expressions per expression. */
  maxRegexWork: number;
}

export const DEFAULT_LIMITS: EvaluationLimits = {
  maxSteps: 100_000,
  maxStringLength: 1_000_000,
  maxListLength: 100_000,
  maxRegexWork: 5_000_000,
};

export interface EvaluationContextOptions {
  /** The root object: stage context keys, `parameters`, `trigger`, `execution`, `secrets`, ... */
  root: unknown;
  host?: ExpressionHost;
  urls?: UrlAccess;
  limits?: Partial<EvaluationLimits>;
  /** Clock for summary timestamps; no timestamps without it. */
  now?: () => number;
}

/** A prepared context: the root has been copied into the sandbox once and is reused by every evaluation. */
export interface EvaluationContext {
  readonly root: Value;
  readonly host?: ExpressionHost;
  readonly urls?: UrlAccess;
  readonly limits: EvaluationLimits;
  readonly now?: () => number;
  /** Sandbox copies of stage views, made on first use. */
  readonly stageCache: WeakMap<StageView, Value>;
}

/** Prepares a context for evaluation (copies the root into the sandbox). */
export function createEvaluationContext(options: EvaluationContextOptions): EvaluationContext {
  return {
    root: toValue(options.root),
    host: options.host,
    urls: options.urls,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    now: options.now,
    stageCache: new WeakMap(),
  };
}

/**
 * Mutable state of one evaluation; it is also the regex budget (`remaining`) and the comparison
 * budget (`compareWork`: value pairs `==`, `.equals()`, `.contains()` ... may look at, 100 per step).
 */
export interface EvalState extends RegexBudget, CompareBudget {
  ctx: EvaluationContext;
  steps: number;
  maxSteps: number;
  /** URLs asked for but not prefetched; created on first use. */
  pendingUrls: Set<string> | null;
}

export function newState(ctx: EvaluationContext): EvalState {
  return {
    ctx,
    steps: 0,
    maxSteps: ctx.limits.maxSteps,
    remaining: ctx.limits.maxRegexWork,
    compareWork: ctx.limits.maxSteps * 100,
    pendingUrls: null,
  };
}

/** Counts operations against the step budget. */
export function tick(st: EvalState, cost = 1): void {
  st.steps += cost;
  if (st.steps > st.maxSteps)
    throw new ExprError(
      "LimitExceeded",
      `The expression exceeded its budget of ${st.ctx.limits.maxSteps} operations; simplify it.`,
    );
}

/** Refuses strings over the size cap. */
export function checkString(st: EvalState, length: number): void {
  if (length > st.ctx.limits.maxStringLength)
    throw new ExprError(
      "LimitExceeded",
      `The expression would build a string of ${length} characters; the limit is ${st.ctx.limits.maxStringLength}.`,
    );
}

/** Most values a result may hold once copied out of the sandbox (shared parts counted each time). */
export const maxResultValues = (st: EvalState): number => st.ctx.limits.maxListLength * 10;

/** Refuses lists and maps over the size cap. */
export function checkList(st: EvalState, length: number): void {
  if (length > st.ctx.limits.maxListLength)
    throw new ExprError(
      "LimitExceeded",
      `The expression would build a collection of ${length} elements; the limit is ${st.ctx.limits.maxListLength}.`,
    );
}
