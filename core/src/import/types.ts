import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";

/** What happened to one field of the Spinnaker JSON on its way to Capstan YAML. */
export type ImportNoteKind = "dropped" | "changed" | "unsupported";

/** One line of the import report: a JSON path in the input and what became of it. */
export interface ImportNote {
  /** JSON path into the input, e.g. `$.stages[3].restrictedExecutionWindow.jitter`. */
  path: string;
  kind: ImportNoteKind;
  message: string;
  /** The note is about the stage graph: ids, dependsOn, the order stages run in. */
  graph?: true;
}

/**
 * A problem with the input itself (malformed JSON, duplicate refIds ...). `span` points into the
 * JSON text when the importer was given text; `line`/`column` are one-based for people.
 */
export interface ImportDiagnostic extends Diagnostic {
  /** JSON path of the offending value, when there is one. */
  path?: string;
  line?: number;
  column?: number;
}

/** One converted pipeline. */
export interface ImportedPipeline {
  name: string;
  /** Capstan YAML, with a header comment. */
  yaml: string;
  /** The same pipeline as plain data, keys in the format's order. */
  value: Record<string, unknown>;
  /** JSON path of this pipeline in the input (`$`, `$[1]`, `$.pipelines[0]`). */
  path: string;
  /**
   * Where the parts of `value` came from: `originKey(path in value)` to a JSON path of the input
   * (see `jsonPathOf`, which places diagnostics of the YAML in the JSON).
   */
  origins?: ReadonlyMap<string, string>;
}

export interface ImportOptions {
  /**
   * Time zone written into every converted execution window. Orca's default
   * (`tasks.execution-window.timezone`) is America/Los_Angeles; pass your Orca's value if it was changed.
   */
  windowTimezone?: string;
  /** Spinnaker pipeline config ids to Capstan pipeline names, for pipeline stages and triggers. */
  pipelineNames?: Record<string, string>;
}

export interface ImportResult {
  pipelines: ImportedPipeline[];
  report: ImportNote[];
  diagnostics: ImportDiagnostic[];
  /** Where each JSON value sits in the input text, by JSON path (when the input was text). */
  spans?: SpanIndex;
}

/** Where a JSON value sits in the input text, by JSON path. */
export type SpanIndex = ReadonlyMap<string, Span>;
