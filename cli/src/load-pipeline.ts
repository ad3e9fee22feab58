import {
  type Diagnostic,
  type ImportNote,
  importSpinnaker,
  SourceText,
  type ValidateOptions,
  type ValidationResult,
  validatePipelineText,
} from "@capstan/core";

/** One pipeline of a file, validated, whatever format the file was written in. */
export interface LoadedPipeline {
  result: ValidationResult;
}

/** A pipeline file: its pipelines, and for Spinnaker JSON the conversion's problems and report. */
export interface LoadedPipelineFile {
  pipelines: LoadedPipeline[];
  /** The JSON text, when the file was Spinnaker JSON. */
  jsonSource?: SourceText;
  /** Problems in the JSON itself (malformed, duplicate refIds), placed in `jsonSource`. */
  importDiagnostics: Diagnostic[];
  /** Fields of the JSON that did not carry over. */
  importReport: ImportNote[];
}

/** True for Spinnaker pipeline JSON rather than Capstan YAML. */
export function isJsonPipeline(text: string, path: string): boolean {
  return /\.json$/i.test(path) || /^\s*[[{]/.test(text);
}

/**
 * Loads and validates a pipeline file. YAML is validated as written; Spinnaker JSON is
 * converted by the importer first and the converted YAML validated (its positions refer
 * to the converted text; the JSON's own problems refer to the JSON).
 */
export function loadPipelineFile(
  text: string,
  path: string,
  options: ValidateOptions = {},
): LoadedPipelineFile {
  if (!isJsonPipeline(text, path)) {
    return {
      pipelines: [{ result: validatePipelineText(text, path, options) }],
      importDiagnostics: [],
      importReport: [],
    };
  }
  const imported = importSpinnaker(text, {}, options.stages);
  return {
    pipelines: imported.pipelines.map((p) => ({
      result: validatePipelineText(p.yaml, `${path} (as YAML: ${p.name || p.path})`, options),
    })),
    jsonSource: new SourceText(text, path),
    importDiagnostics: imported.diagnostics,
    importReport: imported.report,
  };
}
