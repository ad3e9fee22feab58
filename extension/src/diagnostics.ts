import type { Diagnostic as CoreDiagnostic, SourceText } from "@capstan/core";
import * as vscode from "vscode";

const SEVERITY: Record<CoreDiagnostic["severity"], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** A range in VS Code terms for a core span. */
export function toRange(source: SourceText, span: { start: number; end: number }): vscode.Range {
  const { start, end } = source.range(span);
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

/** Converts a core diagnostic (offset spans) into a VS Code one for a file. */
export function toVscodeDiagnostic(
  source: SourceText,
  uri: vscode.Uri,
  d: CoreDiagnostic,
): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(source, d.span), d.message, SEVERITY[d.severity]);
  diagnostic.source = "capstan";
  diagnostic.code = d.code;
  if (d.related && d.related.length > 0) {
    diagnostic.relatedInformation = d.related.map(
      (r) =>
        new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(source, r.span)), r.message),
    );
  }
  return diagnostic;
}
