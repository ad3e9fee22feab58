import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { shellQuote } from "../cli.js";
import { folderFor, targetDocument } from "../pipeline-files.js";

/**
 * Opens a terminal running `npx capstan run <file>` for the pipeline. When the workspace has no
 * capstan CLI installed, the CLI bundled with the extension runs instead (npx would try to fetch it).
 */
export async function runLocally(extensionPath: string, arg: unknown): Promise<vscode.Terminal | undefined> {
  const document = await targetDocument(arg);
  if (!document || document.isUntitled) {
    void vscode.window.showErrorMessage("Capstan: open a saved pipeline file to run it.");
    return undefined;
  }
  if (document.isDirty) await document.save();
  const folder = folderFor(document.uri);
  const cwd = folder?.uri.fsPath ?? path.dirname(document.uri.fsPath);
  const file = path.relative(cwd, document.uri.fsPath);
  const installed = fs.existsSync(path.join(cwd, "node_modules", ".bin", "capstan"));
  const command = installed
    ? `npx capstan run ${shellQuote(file)}`
    : `node ${shellQuote(path.join(extensionPath, "dist", "cli.mjs"))} run ${shellQuote(file)}`;
  const terminal = vscode.window.createTerminal({ name: `Capstan run: ${path.basename(file)}`, cwd });
  terminal.show();
  terminal.sendText(command);
  return terminal;
}
