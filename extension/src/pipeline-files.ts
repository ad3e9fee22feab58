import * as vscode from "vscode";

/** The language id of Capstan pipeline files (YAML underneath). */
export const LANGUAGE_ID = "capstan-pipeline";

/** Every pipeline file in a workspace: `.capstan/pipelines/*.yml` and `*.capstan.yml`. */
export const PIPELINE_GLOB =
  "{**/.capstan/pipelines/*.yml,**/.capstan/pipelines/*.yaml,**/*.capstan.yml,**/*.capstan.yaml}";

/** Documents the language server and the commands handle. */
export const PIPELINE_SELECTOR: { scheme: string; language: string }[] = [
  { scheme: "file", language: LANGUAGE_ID },
  { scheme: "untitled", language: LANGUAGE_ID },
];

/**
 * Kayenta canary configs (`.capstan/canary/*.json|yml|yaml`): the language server validates,
 * completes and explains them; they keep their JSON or YAML language.
 */
export const CANARY_CONFIG_SELECTOR: { scheme: string; pattern: string }[] = [
  { scheme: "file", pattern: "**/.capstan/canary/*.{json,yml,yaml}" },
];

/** True for a document the extension treats as a pipeline. */
export function isPipelineDocument(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID;
}

/** The pipeline document of the active editor, if any. */
export function activePipelineDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && isPipelineDocument(document) ? document : undefined;
}

/** Resolves the document a command acts on: an explicit URI argument, else the active pipeline editor. */
export async function targetDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  if (typeof arg === "string" && arg !== "") return vscode.workspace.openTextDocument(vscode.Uri.parse(arg));
  return activePipelineDocument();
}

/** The workspace folder of a document, or the first folder. */
export function folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}
