import type { Severity, Span } from "../diagnostics/diagnostic.js";
import { isBlank, valueAt } from "./json-path.js";
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

  /** The input being converted, so notes about fields that hold nothing can be left out. */
  input?: unknown;

  /**
   * Adds a line to the report. A field that is present but holds nothing (null, "", false, an empty
   * list or object, or one of such values only) is never reported as dropped or unsupported: it
   * carried nothing to lose.
   */
  note(path: string, kind: ImportNoteKind, message: string, extra: Partial<ImportNote> = {}): void {
    if (kind !== "changed" && this.input !== undefined) {
      const value = valueAt(this.input, path);
      if (value !== undefined && isBlank(value)) return;
    }
    this.notes.push({ path, kind, message, ...extra });
  }

  diagnostic(code: string, severity: Severity, message: string, path: string): void {
    const span: Span = this.spans?.get(path) ?? { start: 0, end: 0 };
    const at = this.spans?.has(path) && this.locate ? this.locate(span.start) : {};
    this.diagnostics.push({ code, severity, message, span, path, ...at });
  }
}
