import {
  type Diagnostic,
  diagnosticsInJson,
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
  /**
   * For Spinnaker JSON: the validation diagnostics of the converted pipeline, placed in the JSON
   * text (`jsonSource`), so they point at lines of the file that was given.
   */
  jsonDiagnostics?: Diagnostic[];
  /** For Spinnaker JSON: places more diagnostics of the converted pipeline in the JSON text. */
  inJson?: (diagnostics: Diagnostic[]) => Diagnostic[];
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
 * converted by the importer first and the converted YAML validated; its diagnostics are also
 * given placed in the JSON (`jsonDiagnostics`), as are the JSON's own problems.
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
  const spans = imported.spans ?? new Map();
  return {
    pipelines: imported.pipelines.map((p) => {
      const result = validatePipelineText(p.yaml, `${path} (as YAML: ${p.name || p.path})`, options);
      const inJson = (ds: Diagnostic[]) => diagnosticsInJson(p, result.document, ds, spans);
      return { result, jsonDiagnostics: inJson(result.diagnostics), inJson };
    }),
    jsonSource: new SourceText(text, path),
    importDiagnostics: imported.diagnostics,
    importReport: imported.report,
  };
}
