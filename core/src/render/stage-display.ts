import type { ExecutionRecord, StageRecord } from "../engine/record.js";

interface Outcome {
  type?: unknown;
  passed?: unknown;
  failPipeline?: unknown;
  message?: unknown;
  expressionResult?: unknown;
}

const JUDGMENT_CALL = /#judgment\(\s*(['"])(.*?)\1\s*\)/g;

/**
 * Why a branch gate was not taken, or undefined when the stage is not one: a `checkPreconditions`
 * stage STOPPED only by preconditions with `failPipeline: false` that were checked and false (the
 * way a pipeline picks the branch a judgment chose). Its status stays STOPPED, as in Orca; views
 * show it as "not taken" instead of as a failure. A precondition whose expression could not be
 * evaluated is a failure, not a gate.
 *
 * The reason names the judgment the condition reads (`judgment was continue`), else the check's
 * own message (`stage 'build' is SUCCEEDED, expected TERMINAL`).
 */
export function branchNotTaken(stage: StageRecord, record?: ExecutionRecord): string | undefined {
  if (stage.type !== "checkPreconditions" || stage.status !== "STOPPED") return undefined;
  const results = stage.context.preconditionResults;
  if (!Array.isArray(results)) return undefined;
  const failed = (results as Outcome[]).map((o, i) => ({ o, i })).filter(({ o }) => o && o.passed === false);
  if (failed.length === 0) return undefined;
  const gate = failed.every(
    ({ o }) => o.failPipeline === false && (o.type !== "expression" || "expressionResult" in o),
  );
  if (!gate) return undefined;
  const preconditions = Array.isArray(stage.context.preconditions) ? stage.context.preconditions : [];
  const reasons = failed.map(({ o, i }) => {
    const p = preconditions[i] as { expression?: unknown; failureMessage?: unknown } | undefined;
    if (typeof p?.failureMessage === "string" && p.failureMessage !== "") return p.failureMessage;
    const judged = typeof p?.expression === "string" ? judgmentsRead(p.expression, record) : undefined;
    if (judged) return judged;
    return String(o.message ?? "a precondition is false").replace(/, not true$/, "");
  });
  return [...new Set(reasons)].join("; ");
}

/** `judgment was continue` for the judgments an expression reads (named when the pipeline has several). */
function judgmentsRead(expression: string, record: ExecutionRecord | undefined): string | undefined {
  if (!record) return undefined;
  const judgments = record.stages.filter((s) => s.type === "manualJudgment");
  const parts: string[] = [];
  for (const m of expression.matchAll(JUDGMENT_CALL)) {
    const name = m[2];
    const j = judgments.find((s) => s.name === name) ?? judgments.find((s) => s.refId === name);
    if (!j) continue;
    const c = j.context;
    const answer = c.judgmentStatus === "stop" ? "stop" : (c.judgmentInput ?? c.judgmentStatus ?? undefined);
    if (answer === undefined) continue;
    const part = `judgment${judgments.length > 1 ? ` '${name}'` : ""} was ${String(answer)}`;
    if (!parts.includes(part)) parts.push(part);
  }
  return parts.length > 0 ? parts.join(", ") : undefined;
}
