// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
import type { Span } from "./ast.js";
import { type ExprDiagnostic, exprDiagnostic } from "./diagnostic.js";

/** Literal text between expressions; `span` is its range in the scanned string. */
export interface LiteralSegment {
  kind: "literal";
  text: string;
  span: Span;
}

/**
 * One `${ ... }`. `span` covers the delimiters; `sourceSpan` covers the expression source, which is
 * `source` exactly, so an offset inside the expression plus `sourceSpan.start` is an offset in the string.
 */
export interface ExpressionSegment {
  kind: "expression";
  source: string;
  span: Span;
  sourceSpan: Span;
}

export type TemplateSegment = LiteralSegment | ExpressionSegment;

export interface ScannedTemplate {
  segments: TemplateSegment[];
  diagnostics: ExprDiagnostic[];
}

/** True when the string contains `${` and therefore needs expression processing. */
export function hasExpression(text: string): boolean {
  return text.includes("${");
}

/**
 * Splits a string into literal text and `${ ... }` expressions. Braces, brackets and parentheses
 * nest and quoted strings are skipped, so `${ {'a':1}['a'] }` and `${'${x}'}` are single expressions
 * (Spring's template parser does the same). An unterminated `${` yields a diagnostic and the rest of
 * the string is kept as literal text.
 */
export function scanTemplate(text: string): ScannedTemplate {
  const segments: TemplateSegment[] = [];
  const diagnostics: ExprDiagnostic[] = [];
  let literalStart = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("${", i);
    if (open < 0) break;
    const close = findClose(text, open + 2);
    if (close.end < 0) {
      diagnostics.push(
        exprDiagnostic(
          close.reason === "quote" ? "unterminated-string" : "unterminated-expression",
          close.reason === "quote"
            ? "This expression has a string literal with no closing quote; close the quote and the `}`."
            : "`${` has no matching `}`; close the expression with `}`.",
          { start: open, end: text.length },
        ),
      );
      break;
    }
    if (open > literalStart) {
      segments.push({
        kind: "literal",
        text: text.slice(literalStart, open),
        span: { start: literalStart, end: open },
      });
    }
    segments.push({
      kind: "expression",
      source: text.slice(open + 2, close.end),
      span: { start: open, end: close.end + 1 },
      sourceSpan: { start: open + 2, end: close.end },
    });
    i = close.end + 1;
    literalStart = i;
  }
  if (literalStart < text.length) {
    segments.push({
      kind: "literal",
      text: text.slice(literalStart),
      span: { start: literalStart, end: text.length },
    });
  }
  return { segments, diagnostics };
}

/** Finds the `}` closing an expression that starts at `from`; -1 when there is none. */
function findClose(text: string, from: number): { end: number; reason?: "quote" | "brace" } {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // SpEL escapes a quote by doubling it, which this loop handles as two adjacent strings.
      const endQuote = text.indexOf(c, i + 1);
      if (endQuote < 0) return { end: -1, reason: "quote" };
      i = endQuote + 1;
      continue;
    }
    if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth = Math.max(0, depth - 1);
    else if (c === "}") {
      if (depth === 0) return { end: i };
      depth--;
    }
    i++;
  }
  return { end: -1, reason: "brace" };
}
