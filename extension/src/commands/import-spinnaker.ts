import { importSpinnaker } from "@capstan/core";
import * as vscode from "vscode";
import { LANGUAGE_ID } from "../pipeline-files.js";

/** Where the JSON comes from; tests pass it to skip the pickers. */
export interface ImportArgs {
  from?: "file" | "clipboard";
  uri?: vscode.Uri | string;
}

/**
 * Converts Spinnaker pipeline JSON (a file or the clipboard) with core's importer and opens each
 * resulting pipeline in a new untitled pipeline editor. The importer's report goes to the output.
 */
export async function importSpinnakerPipeline(
  output: vscode.LogOutputChannel,
  args: ImportArgs = {},
): Promise<vscode.TextDocument[]> {
  const json = await readJson(args);
  if (json === undefined) return [];
  const result = importSpinnaker(json);
  for (const note of result.report) output.info(`import ${note.kind} ${note.path}: ${note.message}`);
  for (const d of result.diagnostics) {
    const at = d.line !== undefined ? ` (line ${d.line}, column ${d.column ?? 1})` : "";
    output.warn(`import ${d.severity}${at}: ${d.message}`);
  }
  if (result.pipelines.length === 0) {
    const first = result.diagnostics[0]?.message ?? "no pipeline found in the JSON";
    void vscode.window.showErrorMessage(`Capstan: could not import: ${first}`);
    return [];
  }
  const documents: vscode.TextDocument[] = [];
  for (const pipeline of result.pipelines) {
    const document = await vscode.workspace.openTextDocument({
      language: LANGUAGE_ID,
      content: pipeline.yaml,
    });
    await vscode.window.showTextDocument(document, { preview: false });
    documents.push(document);
  }
  const dropped = result.report.length;
  void vscode.window.showInformationMessage(
    `Capstan: imported ${result.pipelines.length} pipeline(s)${dropped ? `; ${dropped} field note(s) in the Capstan output` : ""}. Save under .capstan/pipelines/.`,
  );
  return documents;
}

async function readJson(args: ImportArgs): Promise<string | undefined> {
  let from = args.from;
  if (!from && !args.uri) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: "$(file) From a JSON file…", from: "file" as const },
        { label: "$(clippy) From the clipboard", from: "clipboard" as const },
      ],
      { placeHolder: "Import a Spinnaker pipeline (JSON as exported by Deck or the API)" },
    );
    if (!choice) return undefined;
    from = choice.from;
  }
  if (from === "clipboard") {
    const text = await vscode.env.clipboard.readText();
    if (text.trim() === "") {
      void vscode.window.showErrorMessage("Capstan: the clipboard is empty.");
      return undefined;
    }
    return text;
  }
  let uri = typeof args.uri === "string" ? vscode.Uri.file(args.uri) : args.uri;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { "Spinnaker pipeline JSON": ["json"] },
      title: "Import Spinnaker pipeline JSON",
    });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
