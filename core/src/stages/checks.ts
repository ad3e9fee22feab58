import { type Diagnostic, diagnostic, type Span } from "../diagnostics/diagnostic.js";
import type { StageRegistry } from "../engine/handler.js";
import type { Pipeline, Stage } from "../model/types.js";

/** The span of a stage's field value (or of the stage when the field is absent). */
export function fieldSpan(stage: Stage, field: string): Span {
  return stage.source.fields[field]?.value ?? stage.source.span;
}

/** A stage-type check's diagnostic. */
export function stageProblem(
  stage: Stage,
  field: string,
  code: string,
  message: string,
  severity: "error" | "warning" = "error",
): Diagnostic {
  return diagnostic(code, severity, message, fieldSpan(stage, field));
}

/** Runs every stage type's own static checks (the `check` of its handler). */
export function checkStageHandlers(pipeline: Pipeline, registry: StageRegistry): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    const check = registry.get(stage.type)?.check;
    if (check) out.push(...check(stage, pipeline));
  }
  return out;
}

/** True when a value is text holding an expression (checked only when it runs). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}
