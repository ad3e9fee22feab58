import { pipelineContentHash, workflowHash } from "../compile/content-hash.js";
import { workflowFileName } from "../compile/triggers.js";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import type { PipelineAnalysis } from "./analysis.js";
import type { WorkspacePipeline } from "./types.js";

/** The file name (under `.github/workflows/`) of the workflow generated for this pipeline. */
export function generatedWorkflowName(analysis: PipelineAnalysis): string | undefined {
  // The name straight from the document (as the model reads it): no model build for a file name.
  const root = analysis.document.value;
  const name = typeof root === "object" && root !== null ? (root as { name?: unknown }).name : undefined;
  return typeof name === "string" && name !== "" ? workflowFileName(name) : undefined;
}

/**
 * `workflow-out-of-date` when the generated workflow exists but was compiled from another
 * version of this file (its header hash differs). `workflowText` is undefined when there is none.
 */
export function workflowStatus(analysis: PipelineAnalysis, workflowText: string | undefined): Diagnostic[] {
  if (workflowText === undefined || !analysis.pipeline.name) return [];
  const written = workflowHash(workflowText);
  if (written === pipelineContentHash(analysis.text)) return [];
  const name = analysis.pipeline.source.fields.name;
  return [
    diagnostic(
      "workflow-out-of-date",
      "warning",
      `The generated workflow .github/workflows/${generatedWorkflowName(analysis)} is out of date with this file; run \`capstan compile\` (or the "Regenerate workflow" quick fix).`,
      name?.value ?? { start: 0, end: 0 },
      { data: { workflow: generatedWorkflowName(analysis) } },
    ),
  ];
}

/** `unknown-pipeline` for `pipeline` stages and triggers naming no pipeline of the workspace. */
export function workspaceChecks(
  analysis: PipelineAnalysis,
  pipelines: readonly WorkspacePipeline[] | undefined,
): Diagnostic[] {
  if (!pipelines || pipelines.length === 0) return [];
  const names = new Set(pipelines.map((p) => p.name));
  const out: Diagnostic[] = [];
  const check = (value: unknown, span: { start: number; end: number } | undefined) => {
    if (typeof value !== "string" || !span || names.has(value) || value.includes("${")) return;
    out.push(
      diagnostic(
        "unknown-pipeline",
        "warning",
        `No pipeline in .capstan/pipelines/ is named '${value}'. Pipelines: ${[...names].join(", ")}.`,
        span,
      ),
    );
  };
  for (const stage of analysis.pipeline.stages) {
    if (stage.type === "pipeline") check(stage.config.pipeline, stage.source.fields.pipeline?.value);
  }
  for (const trigger of analysis.pipeline.triggers) {
    if (trigger.type === "pipeline") check(trigger.fields.pipeline, trigger.source.fields.pipeline?.value);
  }
  return out;
}
