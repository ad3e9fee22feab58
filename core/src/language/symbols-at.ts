import { isScalar, type Scalar } from "yaml";
import type { Span } from "../diagnostics/diagnostic.js";
import type { PathSegment } from "../loader/yaml-loader.js";
import type { Stage } from "../model/types.js";
import type { ExpressionSite } from "../validate/expressions.js";
import type { PipelineAnalysis } from "./analysis.js";
import { expressionSitesOverlapping } from "./expression-sites.js";

/** A named thing of the pipeline that can be navigated to and renamed. */
export type Target =
  | { kind: "stage"; stage: Stage; aspect: "id" | "name"; span: Span }
  | { kind: "parameter"; name: string; span: Span }
  | { kind: "secret"; name: string; span: Span }
  | { kind: "pipeline"; name: string; span: Span };

/** One place that names a target: its declaration, a `dependsOn` entry or an expression. */
export interface Occurrence {
  span: Span;
  /** Whose name is written there: a stage's id or its name (for stages); the name otherwise. */
  aspect: "id" | "name";
  declaration: boolean;
  /** YAML style of the scalar holding it, for re-quoting on rename. */
  style: Scalar["type"];
  /** True when the span is inside an expression's string literal. */
  inExpression: boolean;
}

const contains = (span: Span, offset: number) => offset >= span.start && offset <= span.end;

/** The stage whose item contains `offset`, by binary search over the stage spans. */
export function stageAtOffset(analysis: PipelineAnalysis, offset: number): Stage | undefined {
  const stages = analysis.pipeline.stages;
  let lo = 0;
  let hi = stages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = stages[mid].source.span;
    if (offset < span.start) hi = mid - 1;
    else if (offset > span.end) lo = mid + 1;
    else return stages[mid];
  }
  return undefined;
}

/** The expression site (string scalar with `${`) containing `offset`. */
export function siteAtOffset(analysis: PipelineAnalysis, offset: number): ExpressionSite | undefined {
  return analysis.expressionSiteAt(offset);
}

function stageByName(analysis: PipelineAnalysis, name: string, judgment = false): Stage | undefined {
  const named = analysis.pipeline.stages.filter((s) => s.name === name);
  return (judgment ? named.find((s) => s.type === "manualJudgment") : undefined) ?? named[0];
}

const stageById = (analysis: PipelineAnalysis, id: string) =>
  analysis.pipeline.stages.find((s) => s.id === id);

/** What is named at `offset`, if anything. */
export function targetAt(analysis: PipelineAnalysis, offset: number): Target | undefined {
  const site = siteAtOffset(analysis, offset);
  if (site) {
    const ref = site.references.find((r) => contains(r.span, offset));
    if (!ref) return undefined;
    if (ref.kind === "parameter" || ref.kind === "secret")
      return { kind: ref.kind, name: ref.name, span: ref.span };
    const stage =
      ref.kind === "stage-id"
        ? stageById(analysis, ref.name)
        : stageByName(analysis, ref.name, ref.kind === "judgment");
    return stage
      ? { kind: "stage", stage, aspect: ref.kind === "stage-id" ? "id" : "name", span: ref.span }
      : undefined;
  }
  const stage = stageAtOffset(analysis, offset);
  if (stage) {
    const k = stage.dependsOnSpans.findIndex((span) => contains(span, offset));
    if (k >= 0) {
      const target = stageById(analysis, stage.dependsOn[k]);
      return target
        ? { kind: "stage", stage: target, aspect: "id", span: unquoted(analysis, stage.dependsOnSpans[k]) }
        : undefined;
    }
    for (const aspect of ["id", "name"] as const) {
      const field = stage.source.fields[aspect];
      if (field && contains(field.value, offset))
        return { kind: "stage", stage, aspect, span: unquoted(analysis, field.value) };
    }
    const pipelineField = stage.type === "pipeline" ? stage.source.fields.pipeline : undefined;
    if (pipelineField && contains(pipelineField.value, offset) && typeof stage.config.pipeline === "string") {
      return { kind: "pipeline", name: stage.config.pipeline, span: pipelineField.value };
    }
    return undefined;
  }
  for (const parameter of analysis.pipeline.parameters) {
    const field = parameter.source.fields.name;
    if (field && contains(field.value, offset))
      return { kind: "parameter", name: parameter.name, span: unquoted(analysis, field.value) };
  }
  for (const trigger of analysis.pipeline.triggers) {
    const field = trigger.source.fields.pipeline;
    if (
      trigger.type === "pipeline" &&
      field &&
      contains(field.value, offset) &&
      typeof trigger.fields.pipeline === "string"
    ) {
      return { kind: "pipeline", name: trigger.fields.pipeline, span: field.value };
    }
  }
  const secrets = analysis.document.nodeAt(["secrets"]);
  if (secrets && "items" in secrets) {
    for (const item of (secrets as { items: unknown[] }).items) {
      if (isScalar(item) && item.range && contains({ start: item.range[0], end: item.range[1] }, offset)) {
        return {
          kind: "secret",
          name: String(item.value),
          span: unquoted(analysis, { start: item.range[0], end: item.range[1] }),
        };
      }
    }
  }
  return undefined;
}

/** The span without the quotes of a quoted scalar. */
function unquoted(analysis: PipelineAnalysis, span: Span): Span {
  const first = analysis.text[span.start];
  if ((first === "'" || first === '"') && span.end - span.start >= 2)
    return { start: span.start + 1, end: span.end - 1 };
  return span;
}

function styleAt(analysis: PipelineAnalysis, path: PathSegment[]): Scalar["type"] {
  const node = analysis.document.nodeAt(path);
  return isScalar(node) ? node.type : "PLAIN";
}

/** Every place naming the target, declaration first. */
export function occurrences(analysis: PipelineAnalysis, target: Target): Occurrence[] {
  const out: Occurrence[] = [];
  const { pipeline } = analysis;
  // Unvalidated sites when the version is not validated yet: navigation never validates.
  const refs = expressionSitesOverlapping(analysis).flatMap((site) =>
    site.references.map((r) => ({ r, site })),
  );
  if (target.kind === "stage") {
    const stage = target.stage;
    for (const aspect of ["id", "name"] as const) {
      const field = stage.source.fields[aspect];
      if (field)
        out.push({
          span: field.value,
          aspect,
          declaration: true,
          style: styleAt(analysis, ["stages", stage.index, aspect]),
          inExpression: false,
        });
    }
    for (const other of pipeline.stages) {
      other.dependsOn.forEach((dep, k) => {
        if (dep === stage.id && other.dependsOnSpans[k]) {
          out.push({
            span: other.dependsOnSpans[k],
            aspect: "id",
            declaration: false,
            style: styleAt(analysis, ["stages", other.index, "dependsOn", k]),
            inExpression: false,
          });
        }
      });
    }
    for (const { r, site } of refs) {
      const resolved =
        r.kind === "stage-id"
          ? stageById(analysis, r.name)
          : r.kind === "stage-name" || r.kind === "judgment"
            ? stageByName(analysis, r.name, r.kind === "judgment")
            : undefined;
      // By index: the model read before and after validation are different objects.
      if (resolved?.index === stage.index)
        out.push({
          span: r.span,
          aspect: r.kind === "stage-id" ? "id" : "name",
          declaration: false,
          style: site.style,
          inExpression: true,
        });
    }
    return out;
  }
  if (target.kind === "parameter") {
    const parameter = pipeline.parameters.find((p) => p.name === target.name);
    const index = parameter ? pipeline.parameters.indexOf(parameter) : -1;
    const field = parameter?.source.fields.name;
    if (field)
      out.push({
        span: field.value,
        aspect: "name",
        declaration: true,
        style: styleAt(analysis, ["parameters", index, "name"]),
        inExpression: false,
      });
  }
  if (target.kind === "secret") {
    const index = pipeline.secrets.indexOf(target.name);
    const location = index >= 0 ? analysis.document.locate(["secrets", index]) : undefined;
    if (location)
      out.push({
        span: location.value,
        aspect: "name",
        declaration: true,
        style: styleAt(analysis, ["secrets", index]),
        inExpression: false,
      });
  }
  if (target.kind === "parameter" || target.kind === "secret") {
    for (const { r, site } of refs) {
      if (r.kind === target.kind && r.name === target.name)
        out.push({ span: r.span, aspect: "name", declaration: false, style: site.style, inExpression: true });
    }
  }
  return out;
}
