import {
  type Diagnostic,
  type ValidateOptions,
  type ValidationResult,
  validatePipelineText,
} from "@capstan/core";

/** A pipeline file loaded and validated, whatever format it was written in. */
export interface LoadedPipelineFile {
  result: ValidationResult;
  /** Problems met while converting Spinnaker JSON (empty for YAML). */
  importDiagnostics: Diagnostic[];
}

/** Loads a YAML pipeline file and validates it. */
export function loadPipelineFile(
  text: string,
  path: string,
  options: ValidateOptions = {},
): LoadedPipelineFile {
  return { result: validatePipelineText(text, path, options), importDiagnostics: [] };
}
