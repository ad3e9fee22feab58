import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  buildPipeline,
  type Diagnostic,
  hasErrors,
  loadYaml,
  type Pipeline,
  pipelineContentHash,
  planSegments,
  type SegmentPlan,
  type SourceText,
  validatePipelineText,
} from "@capstan/core";

export interface LoadedPipeline {
  path: string;
  pipeline: Pipeline;
  plan: SegmentPlan;
  source: SourceText;
  diagnostics: Diagnostic[];
}

/** Why the action cannot run this pipeline file, with what to do about it. */
export class PipelineFileError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
    readonly source?: SourceText,
  ) {
    super(message);
  }
}

/**
 * Reads the pipeline file from the checkout, refuses it when it is not the one the workflow was
 * generated from, and validates it.
 */
export function loadPipelineFile(
  workspace: string,
  path: string,
  expectedHash: string,
  options: { fullValidation?: boolean } = {},
): LoadedPipeline {
  let text: string;
  try {
    text = readFileSync(resolve(workspace, path), "utf8");
  } catch {
    throw new PipelineFileError(`Cannot read the pipeline file '${path}' (is the repository checked out?).`);
  }
  const hash = pipelineContentHash(text);
  if (expectedHash && hash !== expectedHash) {
    throw new PipelineFileError(
      `This workflow was generated from another version of ${path} (workflow: ${expectedHash.slice(0, 19)}…, file: ${hash.slice(0, 19)}…). Run \`capstan compile\` and commit the updated .github/workflows file.`,
    );
  }
  if (expectedHash && !options.fullValidation) {
    // Same bytes as the file `capstan compile` validated (it refuses files with errors): building
    // the model is enough, and skips compiling the JSON Schema on every job's cold start.
    const document = loadYaml(text, path);
    const { pipeline } = buildPipeline(document);
    return { path, pipeline, plan: planSegments(pipeline), source: document.source, diagnostics: [] };
  }
  const result = validatePipelineText(text, path);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (hasErrors(result.diagnostics)) {
    throw new PipelineFileError(
      `${path} has ${errors.length} error${errors.length === 1 ? "" : "s"}; run \`capstan validate\`.`,
      errors,
      result.document.source,
    );
  }
  return {
    path,
    pipeline: result.pipeline,
    plan: planSegments(result.pipeline),
    source: result.document.source,
    diagnostics: result.diagnostics,
  };
}
