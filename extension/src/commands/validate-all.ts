import { validatePipelineText } from "@capstan/core";
import * as vscode from "vscode";
import { toVscodeDiagnostic } from "../diagnostics.js";
import { isPipelineDocument, PIPELINE_GLOB } from "../pipeline-files.js";

/** What "Validate all pipelines" found. */
export interface ValidateAllSummary {
  files: number;
  errors: number;
  warnings: number;
  /** Files with at least one error, as workspace-relative paths. */
  failing: string[];
}

/**
 * Validates every pipeline file of the workspace with core's validator (the one `capstan validate`
 * uses) and publishes the results in Problems. Files open in an editor are left to the language
 * server, which already publishes their diagnostics; publishing them twice would double Problems.
 */
export class WorkspaceValidator implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("capstan-workspace");
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (isPipelineDocument(document)) this.collection.delete(document.uri);
      }),
    );
  }

  async validateAll(): Promise<ValidateAllSummary> {
    const uris = await vscode.workspace.findFiles(PIPELINE_GLOB, "**/node_modules/**");
    const open = new Set(
      vscode.workspace.textDocuments.filter((d) => isPipelineDocument(d)).map((d) => d.uri.toString()),
    );
    const summary: ValidateAllSummary = { files: uris.length, errors: 0, warnings: 0, failing: [] };
    this.collection.clear();
    for (const uri of uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const relative = vscode.workspace.asRelativePath(uri);
      const result = validatePipelineText(text, relative);
      const diagnostics = result.diagnostics.map((d) => toVscodeDiagnostic(result.document.source, uri, d));
      const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
      summary.errors += errors;
      summary.warnings += diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
      if (errors > 0) summary.failing.push(relative);
      this.output.info(`validate ${relative}: ${errors} error(s), ${diagnostics.length - errors} other`);
      if (!open.has(uri.toString())) this.collection.set(uri, diagnostics);
    }
    const text =
      summary.files === 0
        ? "Capstan: no pipeline files found (.capstan/pipelines/*.yml or *.capstan.yml)."
        : `Capstan: validated ${summary.files} pipeline${summary.files === 1 ? "" : "s"}: ${summary.errors} error(s), ${summary.warnings} warning(s).`;
    if (summary.errors > 0)
      void vscode.window.showWarningMessage(text, "Open Problems").then((choice) => {
        if (choice) void vscode.commands.executeCommand("workbench.actions.view.problems");
      });
    else void vscode.window.showInformationMessage(text);
    return summary;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
