import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import type { ExpressionSummary } from "../../engine/record.js";
import { stageProblem } from "../checks.js";

interface PreconditionOutcome {
  type: string;
  passed: boolean;
  failPipeline: boolean;
  message: string;
  expressionResult?: unknown;
}

/** Java's Boolean.valueOf: only "true" (any case) is true. */
function javaBoolean(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.trim().toLowerCase() === "true");
}

function checkOne(
  ctx: StageContext,
  p: Record<string, unknown>,
  summary: ExpressionSummary,
): PreconditionOutcome {
  const type = String(p.type ?? "");
  // Precondition failPipeline defaults to true (Orca: absent means true).
  const failPipeline = p.failPipeline !== false;
  const fields = (p.context && typeof p.context === "object" ? p.context : p) as Record<string, unknown>;
  if (type === "expression") {
    const text = fields.expression;
    if (typeof text !== "string" || text.trim() === "") {
      return { type, passed: false, failPipeline, message: "expression precondition needs 'expression'" };
    }
    const result = ctx.evaluateCondition(text);
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
  if (type === "stageStatus") {
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
  if (type === "clusterSize") {
    return {
      type,
      passed: false,
      failPipeline,
      message:
        "clusterSize preconditions need a provider (local or kubernetes), which this engine has none of yet",
    };
  }
  return { type, passed: false, failPipeline, message: `unknown precondition type '${type}'` };
}

function run(ctx: StageContext): TaskResult {
  const list = ctx.stage.context.preconditions;
  if (!Array.isArray(list))
    return { status: "TERMINAL", error: "checkPreconditions needs a 'preconditions' list" };
  const summary: ExpressionSummary = {};
  const outcomes = list.map((p) => checkOne(ctx, (p ?? {}) as Record<string, unknown>, summary));
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

/** `checkPreconditions`: expression / stageStatus (clusterSize with providers); failPipeline false stops the branch. */
export const checkPreconditionsStage: StageHandler = {
  type: "checkPreconditions",
  pure: true,
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
      else if (type === "clusterSize")
        out.push(
          stageProblem(
            stage,
            "preconditions",
            "precondition-needs-provider",
            "clusterSize preconditions need a provider; until then the stage fails when it runs.",
            "warning",
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
