/** A zero-based line/character position, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

/** A half-open range between two positions. */
export interface Range {
  start: Position;
  end: Position;
}

/** A half-open range of character offsets into a source text. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = "error" | "warning" | "information" | "hint";

/** Another place that explains a diagnostic (the other duplicate, a cycle member). */
export interface RelatedInformation {
  message: string;
  span: Span;
}

/**
 * A problem found in a source text. Spans are offsets; front ends turn them into
 * line/column with `SourceText.range`.
 */
export interface Diagnostic {
  /** Stable kebab-case identifier, e.g. `unknown-stage-ref`. */
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedInformation[];
  /** Machine-readable hints for quick fixes (e.g. `{ replacement: "deploy" }`). */
  data?: Record<string, unknown>;
}

/** Builds a diagnostic; keeps call sites short. */
export function diagnostic(
  code: string,
  severity: Severity,
  message: string,
  span: Span,
  extra: Pick<Diagnostic, "related" | "data"> = {},
): Diagnostic {
  return { code, severity, message, span, ...extra };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
