import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { PipelineAnalysis } from "./analysis.js";
import type { DiagnosticSeverityNumber, LanguageContext, LanguageDiagnostic } from "./types.js";
import { workflowStatus, workspaceChecks } from "./workflow-status.js";

const SEVERITY: Record<Diagnostic["severity"], DiagnosticSeverityNumber> = {
  error: 1,
  warning: 2,
  information: 3,
  hint: 4,
};

/**
 * Everything `capstan validate` reports for this version, at exact ranges, with related
 * information (the other duplicate, the cycle's members); warnings stay warnings.
 * Reads the analysis, so it never parses or validates again.
 */
export function validate(analysis: PipelineAnalysis, context: LanguageContext): LanguageDiagnostic[] {
  const extra = [
    ...workspaceChecks(analysis, context.pipelines, context.uri),
    ...workflowStatus(analysis, context.generatedWorkflow),
  ];
  return [...analysis.diagnostics, ...extra].map((d) => toLanguageDiagnostic(analysis, d, context.uri));
}

/** One core diagnostic as an LSP-shaped diagnostic. */
export function toLanguageDiagnostic(
  analysis: PipelineAnalysis,
  d: Diagnostic,
  uri: string,
): LanguageDiagnostic {
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
