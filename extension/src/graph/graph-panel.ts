import * as path from "node:path";
import * as vscode from "vscode";
import { folderFor, isPipelineDocument, targetDocument } from "../pipeline-files.js";
import { lastExecution } from "./execution-status.js";
import { graphHtml } from "./graph-html.js";
import { buildGraphModel, type GraphModel } from "./graph-model.js";

/** Messages the webview sends back. */
type FromWebview =
  | { type: "ready" }
  | { type: "reveal"; id: string; offset: number }
  | { type: "rendered"; nodes: number };

interface OpenGraph {
  panel: vscode.WebviewPanel;
  document: vscode.TextDocument;
  model?: GraphModel;
  /** Nodes the webview reported as drawn (for tests and the API). */
  rendered: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** The pipeline graph webviews, one per document, kept in sync with the text as it is edited. */
export class GraphPanels implements vscode.Disposable {
  private readonly open = new Map<string, OpenGraph>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d)),
    );
    const executions = vscode.workspace.createFileSystemWatcher("**/.capstan/executions/*/journal.jsonl");
    const refreshAll = () => {
      for (const entry of this.open.values()) this.schedule(entry.document);
    };
    this.subscriptions.push(
      executions,
      executions.onDidChange(refreshAll),
      executions.onDidCreate(refreshAll),
    );
  }

  /** Opens (or reveals) the graph of a pipeline beside its editor. */
  async show(arg?: unknown): Promise<GraphModel | undefined> {
    const document = await targetDocument(arg);
    if (!document || !isPipelineDocument(document)) {
      void vscode.window.showErrorMessage(
        "Capstan: open a pipeline file (.capstan/pipelines/*.yml) to see its graph.",
      );
      return undefined;
    }
    const key = document.uri.toString();
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      this.post(existing);
      return existing.model;
    }
    const title = `Graph: ${path.basename(document.uri.path)}`;
    const panel = vscode.window.createWebviewPanel(
      "capstan.graph",
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, "dist")],
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "media", "graph.svg");
    const entry: OpenGraph = { panel, document, rendered: 0 };
    this.open.set(key, entry);
    panel.webview.html = graphHtml(panel.webview, this.extensionUri, title);
    panel.webview.onDidReceiveMessage((message: FromWebview) => this.onMessage(entry, message));
    panel.onDidDispose(() => {
      if (entry.timer) clearTimeout(entry.timer);
      this.open.delete(key);
    });
    this.post(entry);
    return entry.model;
  }

  /** The last model posted for a document (for tests and the extension API). */
  modelFor(uri: vscode.Uri | string): GraphModel | undefined {
    return this.open.get(uri.toString())?.model;
  }

  /** How many stage nodes the webview says it drew for a document. */
  renderedFor(uri: vscode.Uri | string): number {
    return this.open.get(uri.toString())?.rendered ?? 0;
  }

  private schedule(document: vscode.TextDocument): void {
    const entry = this.open.get(document.uri.toString());
    if (!entry) return;
    entry.document = document;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.post(entry), 150);
  }

  private post(entry: OpenGraph): void {
    const { document } = entry;
    const model = buildGraphModel(document.getText(), document.uri.fsPath);
    const folder = folderFor(document.uri);
    const last =
      folder && !document.isUntitled
        ? lastExecution(folder.uri.fsPath, model.pipeline, document.uri.fsPath)
        : undefined;
    if (last) {
      for (const node of model.nodes) {
        node.status = last.statuses.get(node.id);
        const canary = last.canaryResults.get(node.id);
        if (canary) Object.assign(node, canary);
      }
      model.execution = { id: last.id, status: last.status };
    }
    entry.model = model;
    void entry.panel.webview.postMessage({ type: "model", model });
  }

  private onMessage(entry: OpenGraph, message: FromWebview): void {
    if (message.type === "ready") this.post(entry);
    else if (message.type === "rendered") entry.rendered = message.nodes;
    else if (message.type === "reveal") void this.reveal(entry, message.id);
  }

  /** Shows the stage's definition in the pipeline's editor and selects its id. */
  private async reveal(entry: OpenGraph, id: string): Promise<void> {
    const node = entry.model?.nodes.find((n) => n.id === id);
    if (!node) return;
    const document = entry.document;
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: this.editorColumn(document) ?? vscode.ViewColumn.One,
      preserveFocus: false,
    });
    const start = document.positionAt(node.offset);
    const line = document.lineAt(start.line).text;
    const idAt = line.indexOf(id, start.character);
    const range =
      idAt >= 0
        ? new vscode.Range(start.line, idAt, start.line, idAt + id.length)
        : new vscode.Range(start, start);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.output.info(`graph: revealed stage '${id}' at line ${start.line + 1}`);
  }

  private editorColumn(document: vscode.TextDocument): vscode.ViewColumn | undefined {
    return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === document.uri.toString())
      ?.viewColumn;
  }

  dispose(): void {
    for (const entry of this.open.values()) entry.panel.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
