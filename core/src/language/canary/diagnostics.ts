// Diagnostics and quick fixes in canary configs: what loadCanaryConfig reports (YAML, the schema,
// Kayenta's rules), at LSP ranges, as the pipeline diagnostics are.
import type { Diagnostic, Range, Span } from "../../diagnostics/diagnostic.js";
import type { CodeAction, DiagnosticSeverityNumber, LanguageDiagnostic } from "../types.js";
import type { CanaryConfigAnalysis } from "./analysis.js";

const SEVERITY: Record<Diagnostic["severity"], DiagnosticSeverityNumber> = {
  error: 1,
  warning: 2,
  information: 3,
  hint: 4,
};

/** Everything `capstan canary judge` and the canary stage would report for this config. */
export function validateCanaryConfig(analysis: CanaryConfigAnalysis, uri: string): LanguageDiagnostic[] {
  return analysis.diagnostics.map((d) => canaryDiagnostic(analysis, d, uri));
}

function canaryDiagnostic(analysis: CanaryConfigAnalysis, d: Diagnostic, uri: string): LanguageDiagnostic {
  const out: LanguageDiagnostic = {
    range: analysis.source.range(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "capstan",
    message: d.message,
  };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({
      location: { uri, range: analysis.source.range(r.span) },
      message: r.message,
    }));
  }
  if (d.data) out.data = d.data;
  return out;
}

const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

/**
 * "Did you mean" fixes for the diagnostics in `range` that carry a replacement (a misspelt field,
 * enum value, template or group), written in the quotes of the text they replace.
 */
export function canaryCodeActions(analysis: CanaryConfigAnalysis, range: Range, uri: string): CodeAction[] {
  const span = { start: analysis.source.offset(range.start), end: analysis.source.offset(range.end) };
  const actions: CodeAction[] = [];
  for (const d of analysis.diagnostics) {
    const replacement = d.data?.replacement;
    if (typeof replacement !== "string" || !overlaps(d.span, span)) continue;
    const original = analysis.text.slice(d.span.start, d.span.end);
    const newText = original.startsWith('"')
      ? JSON.stringify(replacement)
      : original.startsWith("'")
        ? `'${replacement.replace(/'/g, "''")}'`
        : replacement;
    actions.push({
      title: `Change to '${replacement}'`,
      kind: "quickfix",
      diagnostics: [canaryDiagnostic(analysis, d, uri)],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: analysis.source.range(d.span), newText }] } },
    });
  }
  return actions;
}
