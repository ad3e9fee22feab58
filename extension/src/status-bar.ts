import * as vscode from "vscode";
import { isPipelineDocument } from "./pipeline-files.js";

/** The status bar item telling whether the active pipeline is valid. */
export class ValidityStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.item = vscode.window.createStatusBarItem("capstan.validity", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "Capstan pipeline validity";
    this.item.command = "workbench.actions.view.problems";
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      vscode.workspace.onDidOpenTextDocument(() => this.update()),
    );
    this.update();
  }

  /** The text shown, or undefined when hidden (for tests and the API). */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  update(): void {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isPipelineDocument(document)) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const diagnostics = vscode.languages.getDiagnostics(document.uri);
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const warnings = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
    if (errors > 0) {
      this.item.text = `$(error) Capstan: ${errors} error${errors === 1 ? "" : "s"}`;
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
    } else {
      this.item.text =
        warnings > 0
          ? `$(check) Capstan ✓ (${warnings} warning${warnings === 1 ? "" : "s"})`
          : "$(check) Capstan ✓";
      this.item.backgroundColor = undefined;
    }
    this.item.tooltip =
      errors > 0 ? "The pipeline has errors: click to open Problems" : "The pipeline is valid";
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
