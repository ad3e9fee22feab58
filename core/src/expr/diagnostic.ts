import type { Span } from "./ast.js";

export type ExprSeverity = "error" | "warning" | "information";

/**
 * A problem found in an expression. `span` is relative to the string that was given (the
 * expression source, or the whole template string for template-level functions). The shape
 * matches core's general diagnostic so the validator can shift and reuse it.
 */
export interface ExprDiagnostic {
  /** Stable kebab-case identifier, e.g. `unknown-function`. */
  code: string;
  severity: ExprSeverity;
  message: string;
  span: Span;
  /** Machine-readable hints for quick fixes, e.g. `{ replacement: "rollback" }`. */
  data?: Record<string, string | string[]>;
}

/** Builds an expression diagnostic. */
export function exprDiagnostic(
  code: string,
  message: string,
  span: Span,
  severity: ExprSeverity = "error",
  data?: Record<string, string | string[]>,
): ExprDiagnostic {
  return data ? { code, severity, message, span, data } : { code, severity, message, span };
}

/** Returns the diagnostic with its span moved by `offset` (expression source to template offsets). */
export function shiftDiagnostic(d: ExprDiagnostic, offset: number): ExprDiagnostic {
  return { ...d, span: { start: d.span.start + offset, end: d.span.end + offset } };
}
