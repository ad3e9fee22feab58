import type { Severity, Span } from "../diagnostics/diagnostic.js";
import type { ImportDiagnostic, ImportNote, ImportNoteKind, ImportOptions, SpanIndex } from "./types.js";

/** Collects the report and diagnostics while one input is converted. */
export class ImportContext {
  readonly notes: ImportNote[] = [];
  readonly diagnostics: ImportDiagnostic[] = [];
  /** Spinnaker pipeline config ids to Capstan names: options.pipelineNames plus the input's own. */
  readonly pipelineNames = new Map<string, string>();

  constructor(
    readonly options: ImportOptions = {},
    /** Spans by JSON path, when the input was text. */
    readonly spans?: SpanIndex,
    /** Offset to 1-based line/column, when the input was text. */
    readonly locate?: (offset: number) => { line: number; column: number },
  ) {
    for (const [id, name] of Object.entries(options.pipelineNames ?? {})) this.pipelineNames.set(id, name);
  }

  note(path: string, kind: ImportNoteKind, message: string): void {
    this.notes.push({ path, kind, message });
  }

  diagnostic(code: string, severity: Severity, message: string, path: string): void {
    const span: Span = this.spans?.get(path) ?? { start: 0, end: 0 };
    const at = this.spans?.has(path) && this.locate ? this.locate(span.start) : {};
    this.diagnostics.push({ code, severity, message, span, path, ...at });
  }
}
