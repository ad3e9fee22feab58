import { pipelineContentHash, workflowHash } from "../compile/content-hash.js";
import { workflowFileName } from "../compile/triggers.js";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import { checkRepository } from "../validate/repository-checks.js";
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

/**
 * The checks of `capstan validate` across files that the workspace's pipelines allow (see
 * `checkRepository`): `duplicate-pipeline-name` when another file has this pipeline's name,
 * `unknown-pipeline` for `pipeline` stages (an error: the stage would fail) and triggers (a
 * warning: it would never fire) naming no pipeline of the workspace. Accounts and URLs need the
 * application settings and the run's environment: `capstan validate` checks those.
 */
export function workspaceChecks(
  analysis: PipelineAnalysis,
  pipelines: readonly WorkspacePipeline[] | undefined,
  uri?: string,
): Diagnostic[] {
  if (!pipelines || pipelines.length === 0) return [];
  return checkRepository(analysis, {
    file: uri ?? "",
    pipelines: pipelines.map((p) => ({ name: p.name, file: p.uri })),
    urls: false,
  });
}
