import type { ConditionResult } from "../../engine/expressions.js";
import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import type { ExpressionSummary, StageRecord } from "../../engine/record.js";
import { checkClusterSize } from "../../providers/cluster-size.js";
import { stageProblem } from "../checks.js";

interface PreconditionOutcome {
  type: string;
  passed: boolean;
  failPipeline: boolean;
  message: string;
  expressionResult?: unknown;
  /** clusterSize: the number of server groups counted. */
  actualSize?: number;
}

/** Java's Boolean.valueOf: only "true" (any case) is true. */
function javaBoolean(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.trim().toLowerCase() === "true");
}

type Entry = {
  p: Record<string, unknown>;
  type: string;
  failPipeline: boolean;
  fields: Record<string, unknown>;
};

function entryOf(raw: unknown): Entry {
  const p = (raw ?? {}) as Record<string, unknown>;
  const type = String(p.type ?? "");
  // Precondition failPipeline defaults to true (Orca: absent means true).
  const failPipeline = p.failPipeline !== false;
  const fields = (p.context && typeof p.context === "object" ? p.context : p) as Record<string, unknown>;
  return { p, type, failPipeline, fields };
}

function mergeSummary(into: ExpressionSummary, from: ExpressionSummary | undefined): void {
  for (const [k, list] of Object.entries(from ?? {})) into[k] = [...(into[k] ?? []), ...list];
}

/**
 * Evaluates a condition; URL functions it calls are fetched (a few rounds, as for stage config)
 * and it is evaluated again.
 */
async function conditionWithUrls(ctx: StageContext, text: string): Promise<ConditionResult> {
  let result = ctx.evaluateCondition(text);
  for (let round = 0; round < 3 && !result.ok && result.pendingUrls?.length; round++) {
    await ctx.fetchUrls(result.pendingUrls);
    result = ctx.evaluateCondition(text);
  }
  return result;
}

/** The precondition's other fields, evaluated (the list is a deferred field), URL functions fetched. */
async function fieldsWithUrls(ctx: StageContext, e: Entry, summary: ExpressionSummary) {
  const { expression: _expression, ...rest } = e.fields;
  let result = ctx.evaluateTree(rest);
  for (let round = 0; round < 3 && result.pendingUrls?.length; round++) {
    await ctx.fetchUrls(result.pendingUrls);
    result = ctx.evaluateTree(rest);
  }
  mergeSummary(summary, result.summary);
  return result.value as Record<string, unknown>;
}

function expressionOutcome(
  ctx: StageContext,
  e: Entry,
  text: string,
  result: ConditionResult,
  summary: ExpressionSummary,
): PreconditionOutcome {
  const { type, failPipeline, p } = e;
  if (!result.ok) {
    const key = text.replace(/^\s*\$\{([\s\S]*)\}\s*$/, "$1").trim();
    summary[key] = [
      ...(summary[key] ?? []),
      { level: "ERROR", description: result.error, timestamp: ctx.now() },
    ];
    return { type, passed: false, failPipeline, message: `expression failed: ${result.error}` };
  }
  const passed = javaBoolean(result.value);
  const message = passed
    ? "expression is true"
    : typeof p.failureMessage === "string"
      ? p.failureMessage
      : `expression ${text} is ${JSON.stringify(result.value)}, not true`;
  return { type, passed, failPipeline, message, expressionResult: result.value };
}

function stageStatusOutcome(ctx: StageContext, e: Entry): PreconditionOutcome {
  const { type, failPipeline, fields } = e;
  const name = fields.stageName ?? fields.stage;
  const wanted = fields.stageStatus ?? fields.status;
  if (typeof name !== "string" || typeof wanted !== "string") {
    return {
      type,
      passed: false,
      failPipeline,
      message: "stageStatus precondition needs 'stageName' and 'stageStatus'",
    };
  }
  const stage =
    ctx.execution.stages.find((s) => s.name === name) ?? ctx.execution.stages.find((s) => s.refId === name);
  if (!stage) return { type, passed: false, failPipeline, message: `no stage named '${name}'` };
  const passed = stage.status === wanted.toUpperCase();
  return {
    type,
    passed,
    failPipeline,
    message: passed
      ? `stage '${name}' is ${stage.status}`
      : `stage '${name}' is ${stage.status}, expected ${wanted}`,
  };
}

async function clusterSizeOutcome(
  ctx: StageContext,
  e: Entry,
  summary: ExpressionSummary,
): Promise<PreconditionOutcome> {
  const fields = await fieldsWithUrls(ctx, e, summary);
  const checked = await checkClusterSize(ctx.services.providers, fields);
  return {
    type: e.type,
    passed: checked.passed,
    failPipeline: e.failPipeline,
    message: checked.passed || typeof e.p.failureMessage !== "string" ? checked.message : e.p.failureMessage,
    ...(checked.actual !== undefined ? { actualSize: checked.actual } : {}),
  };
}

/** One precondition; synchronous unless it needs a provider or URL functions. */
function checkOne(
  ctx: StageContext,
  e: Entry,
  summary: ExpressionSummary,
): PreconditionOutcome | Promise<PreconditionOutcome> {
  const { type, failPipeline } = e;
  if (type === "expression") {
    const text = e.fields.expression;
    if (typeof text !== "string" || text.trim() === "") {
      return { type, passed: false, failPipeline, message: "expression precondition needs 'expression'" };
    }
    const result = ctx.evaluateCondition(text);
    if (!result.ok && result.pendingUrls?.length) {
      return conditionWithUrls(ctx, text).then((r) => expressionOutcome(ctx, e, text, r, summary));
    }
    return expressionOutcome(ctx, e, text, result, summary);
  }
  if (type === "stageStatus") return stageStatusOutcome(ctx, e);
  if (type === "clusterSize") return clusterSizeOutcome(ctx, e, summary);
  return { type, passed: false, failPipeline, message: `unknown precondition type '${type}'` };
}

function verdict(ctx: StageContext, outcomes: PreconditionOutcome[], summary: ExpressionSummary): TaskResult {
  const context = { preconditionResults: outcomes };
  // Orca runs one synthetic stage per precondition; the parent takes TERMINAL over STOPPED.
  const hard = outcomes.find((o) => !o.passed && o.failPipeline);
  if (hard) return { status: "TERMINAL", error: `precondition failed: ${hard.message}`, context, summary };
  const soft = outcomes.find((o) => !o.passed);
  if (soft) {
    // The synthetic stage keeps the parent's continuePipeline: 'ignore' makes it FAILED_CONTINUE.
    const status = ctx.model.onFailure === "ignore" ? "FAILED_CONTINUE" : "STOPPED";
    return { status, error: `precondition failed: ${soft.message}`, context, summary };
  }
  return { status: "SUCCEEDED", context, summary };
}

function run(ctx: StageContext): TaskResult | Promise<TaskResult> {
  const list = ctx.stage.context.preconditions;
  if (!Array.isArray(list))
    return { status: "TERMINAL", error: "checkPreconditions needs a 'preconditions' list" };
  const summary: ExpressionSummary = {};
  const pending = list.map((p) => checkOne(ctx, entryOf(p), summary));
  if (!pending.some((o) => o instanceof Promise)) {
    return verdict(ctx, pending as PreconditionOutcome[], summary);
  }
  // Orca checks the preconditions in parallel (one synthetic stage each).
  return Promise.all(pending).then((outcomes) => verdict(ctx, outcomes, summary));
}

/** Pure (no journal flush before it runs) unless a precondition asks a provider. */
function pure(stage: StageRecord): boolean {
  const list = stage.context.preconditions;
  return !Array.isArray(list) || !list.some((p) => (p as { type?: unknown } | null)?.type === "clusterSize");
}

/** `checkPreconditions`: expression / stageStatus / clusterSize, in parallel; failPipeline false stops the branch. */
export const checkPreconditionsStage: StageHandler = {
  type: "checkPreconditions",
  pure,
  deferredFields: ["preconditions"],
  start: run,
  check(stage) {
    const list = stage.config.preconditions;
    if (!Array.isArray(list) || list.length === 0)
      return [
        stageProblem(
          stage,
          "type",
          "preconditions-missing",
          "A checkPreconditions stage needs 'preconditions'.",
        ),
      ];
    const out = [];
    for (const p of list as Record<string, unknown>[]) {
      const type = p?.type;
      if (type === "expression" && typeof p.expression !== "string")
        out.push(
          stageProblem(
            stage,
            "preconditions",
            "precondition-expression-missing",
            "An expression precondition needs 'expression'.",
          ),
        );
      else if (
        type === "stageStatus" &&
        (typeof p.stageName !== "string" || typeof p.stageStatus !== "string")
      )
        out.push(
          stageProblem(
            stage,
            "preconditions",
            "precondition-stage-status-fields",
            "A stageStatus precondition needs 'stageName' and 'stageStatus'.",
          ),
        );
      else if (!["expression", "stageStatus", "clusterSize"].includes(String(type)))
        out.push(
          stageProblem(
            stage,
            "preconditions",
            "precondition-type-unknown",
            `Unknown precondition type '${String(type)}'; use expression, stageStatus or clusterSize.`,
          ),
        );
    }
    return out;
  },
};
