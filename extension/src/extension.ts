import * as vscode from "vscode";
import { type CompileOutcome, compileWorkflows } from "./commands/compile.js";
import { type ImportArgs, importSpinnakerPipeline } from "./commands/import-spinnaker.js";
import { reviewJudgments } from "./commands/review-judgments.js";
import { runLocally } from "./commands/run-locally.js";
import { type ValidateAllSummary, WorkspaceValidator } from "./commands/validate-all.js";
import type { GraphModel } from "./graph/graph-model.js";
import { GraphPanels } from "./graph/graph-panel.js";
import { ServerManager } from "./language-client.js";
import { ValidityStatusBar } from "./status-bar.js";

/** What the extension exports to other extensions and to its real-editor tests. */
export interface CapstanApi {
  /** True once the language client is running. */
  serverRunning(): boolean;
  /** The validity status bar text, undefined while hidden. */
  statusText(): string | undefined;
  /** The graph model last posted for a document's graph view. */
  graphModel(uri: vscode.Uri | string): GraphModel | undefined;
  /** How many stage nodes the graph webview reported drawing. */
  graphRendered(uri: vscode.Uri | string): number;
}

let server: ServerManager | undefined;

/** Entry point: starts the language server and registers the commands and the graph view. */
export async function activate(context: vscode.ExtensionContext): Promise<CapstanApi> {
  const output = vscode.window.createOutputChannel("Capstan", { log: true });
  server = new ServerManager(context, output);
  const status = new ValidityStatusBar();
  const validator = new WorkspaceValidator(output);
  const graphs = new GraphPanels(context.extensionUri, output);
  context.subscriptions.push(output, server, status, validator, graphs);

  const register = <T>(id: string, run: (...args: unknown[]) => Promise<T> | T) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  register("capstan.validateAll", (): Promise<ValidateAllSummary> => validator.validateAll());
  register("capstan.compile", (): Promise<CompileOutcome> => compileWorkflows(context.extensionPath, output));
  register("capstan.runLocally", (arg) => runLocally(context.extensionPath, arg));
  register("capstan.importSpinnaker", (arg) => importSpinnakerPipeline(output, (arg ?? {}) as ImportArgs));
  register("capstan.showGraph", (arg) => graphs.show(arg));
  register("capstan.restartServer", () => server?.restart());
  register("capstan.reviewJudgments", () => reviewJudgments(output));

  await server.start();
  status.update();
  return {
    serverRunning: () => server?.client?.isRunning() ?? false,
    statusText: () => status.text,
    graphModel: (uri) => graphs.modelFor(uri),
    graphRendered: (uri) => graphs.renderedFor(uri),
  };
}

/** Stops the language server with the extension. */
export async function deactivate(): Promise<void> {
  await server?.stop();
}
