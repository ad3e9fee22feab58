import * as vscode from "vscode";
import { type CliResult, locateCli, runCli } from "../cli.js";
import { folderFor } from "../pipeline-files.js";

/** What "Compile workflows" did. */
export interface CompileOutcome {
  ok: boolean;
  /** `unsupported` when the CLI found has no `compile` command. */
  reason?: "unsupported" | "no-folder" | "failed";
  cli?: string;
  result?: CliResult;
  /** Workflow files present after compiling (workspace-relative). */
  workflows: string[];
}

/** True when the CLI answered that it does not know a command. */
export function isUnknownCommand(result: CliResult, command: string): boolean {
  return (
    result.code !== 0 && new RegExp(`unknown command '?${command}'?`, "i").test(result.stderr + result.stdout)
  );
}

/** Runs `capstan compile` in the workspace folder, writing `.github/workflows/capstan-*.yml`. */
export async function compileWorkflows(
  extensionPath: string,
  output: vscode.LogOutputChannel,
): Promise<CompileOutcome> {
  const folder = folderFor(vscode.window.activeTextEditor?.document.uri);
  if (!folder) {
    void vscode.window.showErrorMessage("Capstan: open a folder to compile its pipelines.");
    return { ok: false, reason: "no-folder", workflows: [] };
  }
  const cli = locateCli(extensionPath, folder.uri.fsPath);
  output.info(`compile: ${cli.path} (${cli.origin}) in ${folder.uri.fsPath}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Capstan: compiling workflows…" },
    () => runCli(cli, ["compile"], folder.uri.fsPath),
  );
  if (result.stdout) output.info(result.stdout.trimEnd());
  if (result.stderr) output.warn(result.stderr.trimEnd());
  const pattern = new vscode.RelativePattern(folder, ".github/workflows/capstan-*.{yml,yaml}");
  const workflows = (await vscode.workspace.findFiles(pattern))
    .map((u) => vscode.workspace.asRelativePath(u))
    .sort();
  if (isUnknownCommand(result, "compile")) {
    const message = `Capstan: the CLI (${cli.origin}: ${cli.path}) has no 'compile' command yet; update @capstan/cli.`;
    output.error(message);
    void vscode.window.showErrorMessage(message);
    return { ok: false, reason: "unsupported", cli: cli.path, result, workflows };
  }
  if (result.code !== 0) {
    // Exit 1 means some pipelines have errors: the CLI still writes the workflows of the valid ones.
    const message =
      result.code === 1 && workflows.length > 0
        ? `Capstan: some pipelines have errors and were not compiled; ${workflows.length} workflow file(s) in .github/workflows/. See the Capstan output.`
        : `Capstan: compile failed (exit ${result.code}); see the Capstan output.`;
    void vscode.window.showErrorMessage(message, "Show Output").then((c) => {
      if (c) output.show();
    });
    return { ok: false, reason: "failed", cli: cli.path, result, workflows };
  }
  void vscode.window.showInformationMessage(
    `Capstan: compiled ${workflows.length} workflow file(s) into .github/workflows/.`,
  );
  return { ok: true, cli: cli.path, result, workflows };
}
