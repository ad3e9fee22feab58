import { type Node, type Scalar, visit } from "yaml";
import { type Diagnostic, diagnostic, type Severity, type Span } from "../diagnostics/diagnostic.js";
import type { CheckEnvironment, CheckStage, ExprReference } from "../expr/checker.js";
import { checkTemplate } from "../expr/checker.js";
import { scalarOffsetMap } from "../loader/scalar-offsets.js";
import type { LoadedDocument } from "../loader/yaml-loader.js";
import type { Pipeline, Stage } from "../model/types.js";

/** A reference an expression makes, placed in the file (for navigation and rename). */
export interface FileReference extends Omit<ExprReference, "span"> {
  span: Span;
  /** The stage whose field holds the expression, if any. */
  stageId?: string;
}

export interface ExpressionScan {
  diagnostics: Diagnostic[];
  references: FileReference[];
}

/** The checker's view of the pipeline's stages (transitive upstreams computed lazily). */
export function checkStages(pipeline: Pipeline): CheckStage[] {
  return pipeline.stages.map((stage) => ({
    id: stage.id,
    name: stage.name,
    type: stage.type,
    inputs: stage.type === "manualJudgment" && "inputs" in stage ? (stage.inputs as string[]) : undefined,
  }));
}

/** Ids of every stage upstream of `stage` (its ancestors). */
export function upstreamIds(pipeline: Pipeline, stage: Stage, byId = stageIndex(pipeline)): string[] {
  const seen = new Set<string>();
  const queue = [...stage.dependsOn];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) queue.push(dep);
  }
  return [...seen];
}

const stageIndex = (pipeline: Pipeline) => new Map(pipeline.stages.map((s) => [s.id, s]));

/**
 * Finds every `${ }` in the document's strings (values and keys), checks it against the
 * pipeline, and places diagnostics and references at their exact spans in the file.
 */
export function scanExpressions(doc: LoadedDocument, pipeline: Pipeline): ExpressionScan {
  const stages = checkStages(pipeline);
  const byId = stageIndex(pipeline);
  const base: CheckEnvironment = {
    stages,
    parameters: pipeline.parameters.map((p) => p.name),
    secrets: pipeline.secrets,
    urlFunctionsEnabled: Boolean(
      (pipeline.settings.expressions as { allowUrls?: boolean } | undefined)?.allowUrls,
    ),
  };
  const out: ExpressionScan = { diagnostics: [], references: [] };
  const text = doc.source.text;
  const stageNodes = new Map<Node, Stage>();
  for (const stage of pipeline.stages) {
    const node = doc.nodeAt(["stages", stage.index]);
    if (node) stageNodes.set(node, stage);
  }
  const envCache = new Map<Stage, CheckEnvironment>();
  const envFor = (stage: Stage | undefined): CheckEnvironment => {
    if (!stage) return base;
    let env = envCache.get(stage);
    if (!env) {
      const current = stages[stage.index] ?? stages.find((s) => s.id === stage.id);
      const withUpstream = { ...current, dependsOnTransitive: upstreamIds(pipeline, stage, byId) };
      env = {
        ...base,
        currentStageId: stage.id,
        stages: stages.map((s) => (s === current ? withUpstream : s)),
      };
      envCache.set(stage, env);
    }
    return env;
  };

  visit(doc.yaml, {
    Scalar(_key, node: Scalar, path) {
      if (typeof node.value !== "string" || !node.value.includes("${") || !node.range) return;
      const owner = path.find((p) => stageNodes.has(p as Node)) as Node | undefined;
      const stage = owner ? stageNodes.get(owner) : undefined;
      const result = checkTemplate(node.value, envFor(stage));
      const toFile = scalarOffsetMap(text, node);
      const place = (span: Span): Span => ({ start: toFile(span.start), end: toFile(span.end) });
      for (const d of result.diagnostics) {
        out.diagnostics.push(
          diagnostic(
            d.code,
            d.severity as Severity,
            d.message,
            place(d.span),
            d.data ? { data: d.data } : {},
          ),
        );
      }
      for (const r of result.references)
        out.references.push({ ...r, span: place(r.span), stageId: stage?.id });
    },
  });
  return out;
}

/** The validator's expression check (a `PipelineCheck`). */
export function checkExpressions(doc: LoadedDocument, pipeline: Pipeline): Diagnostic[] {
  return scanExpressions(doc, pipeline).diagnostics;
}
