// Checks that run inside the real VS Code extension host (code-server's, or Electron's through
// @vscode/test-electron), loaded as `extensionTestsPath`, with the whole `vscode` API.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { runAll, spec, waitFor } from "./harness.js";

interface CapstanApi {
  serverRunning(): boolean;
  statusText(): string | undefined;
  graphModel(uri: vscode.Uri | string):
    | {
        pipeline: string;
        nodes: { id: string; status?: string }[];
        edges: { from: string; to: string; branch?: string }[];
      }
    | undefined;
  graphRendered(uri: vscode.Uri | string): number;
}

let api: CapstanApi;
const root = () => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the test workspace is open");
  return folder.uri;
};
const pipeline = (name: string) => vscode.Uri.joinPath(root(), ".capstan", "pipelines", name);
const fixtures = () => path.join(root().fsPath, "fixtures");

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Position of the `nth` occurrence of `needle` in a document, plus `delta` characters. */
function positionOf(document: vscode.TextDocument, needle: string, delta = 0, nth = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = document.getText().indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' (#${i}) is in ${path.basename(document.uri.path)}`);
  }
  return document.positionAt(at + delta);
}

const labelOf = (item: vscode.CompletionItem) =>
  typeof item.label === "string" ? item.label : item.label.label;
const hoverText = (hovers: vscode.Hover[]) =>
  hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === "string" ? c : "value" in c ? c.value : ""))
    .join("\n");

function serverPids(): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => /dist\/server\.m?js/.test(l) && l.includes("--node-ipc"))
    .map((l) => Number.parseInt(l.trim(), 10));
}

spec("the extension activates and starts the language server", async () => {
  const extension = vscode.extensions.getExtension<CapstanApi>("capstan.capstan-vscode");
  assert.ok(extension, "capstan.capstan-vscode is installed");
  api = await extension.activate();
  await waitFor("the language client to run", () => api.serverRunning());
});

spec("pipeline files open with the capstan-pipeline language", async () => {
  const editor = await open(pipeline("references.yml"));
  assert.equal(editor.document.languageId, "capstan-pipeline");
});

spec("a broken file gets diagnostics from the language server", async () => {
  const editor = await open(pipeline("broken.yml"));
  const uri = editor.document.uri;
  const diagnostics = await waitFor("diagnostics for broken.yml", () => {
    const d = vscode.languages.getDiagnostics(uri);
    return d.some((x) => x.message.includes("biuld")) && d.some((x) => x.message.includes("nosuchfunction"))
      ? d
      : undefined;
  });
  const ref = diagnostics.find((d) => d.message.includes("biuld"));
  assert.equal(ref?.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(ref?.range.start.line, 9, "the unknown dependsOn entry is on line 10");
  const fn = diagnostics.find((d) => d.message.includes("nosuchfunction"));
  assert.equal(fn?.range.start.line, 10);
});

spec("the status bar shows the error count, then ✓ for a valid pipeline", async () => {
  await open(pipeline("broken.yml"));
  await waitFor("status bar error count", () => /Capstan: [1-9]\d* errors?/.test(api.statusText() ?? ""));
  await open(pipeline("references.yml"));
  await waitFor("status bar ✓", () => (api.statusText() ?? "").includes("✓"));
});

spec("completion inside ${ #judgment(' offers the judgment names", async () => {
  const safe = fs.readFileSync(pipeline("safe-deployment.yml").fsPath, "utf8");
  const uri = pipeline("completion.yml");
  const text = `${safe.trimEnd()}\n\n  - id: extra\n    type: wait\n    duration: 1s\n    dependsOn: [judgment]\n    if: "\${ #judgment('`;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const editor = await open(uri);
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  const list = await waitFor("judgment names in completion", async () => {
    const result = await vscode.commands.executeCommand<vscode.CompletionList>(
      "vscode.executeCompletionItemProvider",
      uri,
      end,
      "'",
    );
    return result.items.some(
      (i) => labelOf(i) === "Manual Judgment" || String(i.insertText ?? "").includes("Manual Judgment"),
    )
      ? result
      : undefined;
  });
  assert.ok(list.items.length >= 1);
});

spec("hover on a stage type shows its documentation", async () => {
  const editor = await open(pipeline("safe-deployment.yml"));
  const position = positionOf(editor.document, "type: manualJudgment", "type: ".length + 3);
  const text = await waitFor("a hover for manualJudgment", async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      "vscode.executeHoverProvider",
      editor.document.uri,
      position,
    );
    const t = hoverText(hovers);
    return t.length > 0 ? t : undefined;
  });
  assert.match(text, /judg/i, `hover mentions judgments: ${text}`);
  assert.ok(text.length > 40, `hover is documentation, not just the name: ${text}`);
});

spec("go to definition from #stage('...') jumps to the stage", async () => {
  const editor = await open(pipeline("references.yml"));
  const document = editor.document;
  const position = positionOf(document, "#stage('build')", "#stage('".length + 2);
  const targets = await waitFor("a definition", async () => {
    const r = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      "vscode.executeDefinitionProvider",
      document.uri,
      position,
    );
    return r.length > 0 ? r : undefined;
  });
  const first = targets[0];
  const uri = "targetUri" in first ? first.targetUri : first.uri;
  const range = "targetUri" in first ? (first.targetSelectionRange ?? first.targetRange) : first.range;
  assert.equal(uri.toString(), document.uri.toString());
  const stageStart = positionOf(document, "- id: build").line;
  const nextStage = positionOf(document, "- id: test").line;
  assert.ok(
    range.start.line >= stageStart && range.start.line < nextStage,
    `definition at line ${range.start.line} is inside stage 'build' (${stageStart}..${nextStage - 1})`,
  );
});

spec("renaming a stage id updates dependsOn and #stage references", async () => {
  const editor = await open(pipeline("references.yml"));
  const document = editor.document;
  const position = positionOf(document, "id: build", "id: ".length + 1);
  const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
    "vscode.executeDocumentRenameProvider",
    document.uri,
    position,
    "compile-app",
  );
  assert.ok(edit && edit.size > 0, "the rename returned edits");
  assert.ok(await vscode.workspace.applyEdit(edit));
  const text = document.getText();
  try {
    assert.match(text, /- id: compile-app\n/);
    assert.match(text, /dependsOn: \[compile-app\]/);
    assert.equal((text.match(/#stage\('compile-app'\)/g) ?? []).length, 2);
    assert.doesNotMatch(text, /\bbuild\b(?!Status)/);
  } finally {
    await vscode.commands.executeCommand("workbench.action.files.revert");
  }
});

spec("the server provides semantic tokens for expressions", async () => {
  const editor = await open(pipeline("safe-deployment.yml"));
  const tokens = await waitFor("semantic tokens", async () => {
    const t = await vscode.commands.executeCommand<vscode.SemanticTokens | undefined>(
      "vscode.provideDocumentSemanticTokens",
      editor.document.uri,
    );
    return t && t.data.length > 0 ? t : undefined;
  });
  assert.equal(tokens.data.length % 5, 0);
});

spec("the graph view opens and shows the stages, and follows edits", async () => {
  const editor = await open(pipeline("rolling-blue-green.yml"));
  const uri = editor.document.uri;
  await vscode.commands.executeCommand("capstan.showGraph", uri);
  const model = await waitFor("the graph model", () => api.graphModel(uri));
  assert.equal(model.pipeline, "rolling-blue-green");
  assert.equal(model.nodes.length, 10);
  assert.deepEqual(
    model.edges.filter((e) => e.from === "judge").map((e) => e.branch),
    ["rollback", "continue"],
  );
  await waitFor("the webview to draw 10 stages", () => api.graphRendered(uri) === 10);
  await editor.edit((b) =>
    b.insert(
      editor.document.lineAt(editor.document.lineCount - 1).range.end,
      "\n  - id: extra\n    type: wait\n    duration: 1s\n    dependsOn: [blue2]\n",
    ),
  );
  await waitFor(
    "the graph to follow the edit",
    () => api.graphModel(uri)?.nodes.some((n) => n.id === "extra") && api.graphRendered(uri) === 11,
  );
  await vscode.commands.executeCommand("workbench.action.files.revert");
  await waitFor("the graph to follow the revert", () => api.graphRendered(uri) === 10);
});

spec(
  "Run pipeline locally opens a terminal that runs capstan run",
  async () => {
    const uri = pipeline("quick.yml");
    const before = new Set(
      fs.existsSync(path.join(root().fsPath, ".capstan", "executions"))
        ? fs.readdirSync(path.join(root().fsPath, ".capstan", "executions"))
        : [],
    );
    const terminal = await vscode.commands.executeCommand<vscode.Terminal>("capstan.runLocally", uri);
    assert.ok(terminal, "a terminal was returned");
    assert.equal(terminal.name, "Capstan run: quick.yml");
    assert.ok(vscode.window.terminals.includes(terminal));
    // The run writes an execution record: proof the command line in the terminal really ran.
    const executions = path.join(root().fsPath, ".capstan", "executions");
    const id = await waitFor(
      "a new execution record",
      () =>
        fs.existsSync(executions)
          ? fs
              .readdirSync(executions)
              .find((d) => !before.has(d) && fs.existsSync(path.join(executions, d, "journal.jsonl")))
          : undefined,
      30_000,
    );
    await waitFor(
      "the run to finish",
      () =>
        fs.readFileSync(path.join(executions, id, "journal.jsonl"), "utf8").includes("execution.completed"),
      30_000,
    );
  },
  70_000,
);

spec("the graph colours stages by the last execution's status", async () => {
  const editor = await open(pipeline("quick.yml"));
  await vscode.commands.executeCommand("capstan.showGraph", editor.document.uri);
  const model = await waitFor("a coloured graph", () => {
    const m = api.graphModel(editor.document.uri);
    return m?.nodes.every((n) => n.status === "SUCCEEDED") ? m : undefined;
  });
  assert.equal(model.nodes.length, 2);
});

spec("Validate all pipelines puts every file's problems in Problems", async () => {
  const closed = pipeline("also-broken.yml");
  await vscode.workspace.fs.writeFile(
    closed,
    new TextEncoder().encode(
      "name: also-broken\nstages:\n  - id: a\n    type: wait\n    duration: 1s\n    dependsOn: [missing]\n",
    ),
  );
  const summary = await vscode.commands.executeCommand<{ files: number; errors: number; failing: string[] }>(
    "capstan.validateAll",
  );
  assert.ok(summary.files >= 8, `found ${summary.files} pipeline files`);
  assert.ok(
    summary.failing.includes(".capstan/pipelines/also-broken.yml"),
    `failing: ${summary.failing.join(", ")}`,
  );
  assert.ok(summary.failing.includes(".capstan/pipelines/broken.yml"));
  const diagnostics = vscode.languages.getDiagnostics(closed);
  assert.ok(
    diagnostics.some((d) => d.code === "unknown-stage-ref" && d.message.includes("missing")),
    "the unopened file's problem is in Problems",
  );
});

spec("Compile workflows writes .github/workflows/capstan-*.yml", async () => {
  const outcome = await vscode.commands.executeCommand<{ ok: boolean; reason?: string; workflows: string[] }>(
    "capstan.compile",
  );
  assert.notEqual(outcome.reason, "unsupported", "the CLI has a compile command");
  assert.ok(
    outcome.workflows.includes(".github/workflows/capstan-safe-deployment.yml"),
    `workflows: ${outcome.workflows.join(", ")}`,
  );
  const text = fs.readFileSync(
    path.join(root().fsPath, ".github", "workflows", "capstan-safe-deployment.yml"),
    "utf8",
  );
  assert.match(text, /^jobs:/m);
});

spec("Import Spinnaker pipeline JSON from a file opens the converted YAML", async () => {
  const docs = await vscode.commands.executeCommand<vscode.TextDocument[]>("capstan.importSpinnaker", {
    from: "file",
    uri: path.join(fixtures(), "spinnaker-pipeline.json"),
  });
  assert.equal(docs.length, 1);
  assert.equal(docs[0].languageId, "capstan-pipeline");
  assert.ok(docs[0].isUntitled);
  assert.match(docs[0].getText(), /name: imported-from-spinnaker/);
  assert.match(docs[0].getText(), /#judgment\('Approve'\) == 'yes'/);
  assert.equal(vscode.window.activeTextEditor?.document, docs[0]);
  await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
});

spec("Import Spinnaker pipeline JSON from the clipboard", async () => {
  const json = fs
    .readFileSync(path.join(fixtures(), "spinnaker-pipeline.json"), "utf8")
    .replace("imported-from-spinnaker", "from-clipboard");
  await vscode.env.clipboard.writeText(json);
  const docs = await vscode.commands.executeCommand<vscode.TextDocument[]>("capstan.importSpinnaker", {
    from: "clipboard",
  });
  assert.equal(docs.length, 1);
  assert.match(docs[0].getText(), /name: from-clipboard/);
  await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
});

spec(
  "the language server is restarted after it crashes",
  async () => {
    const before = await waitFor("a running server process", () => {
      const p = serverPids();
      return p.length > 0 ? p : undefined;
    });
    for (const pid of before) process.kill(pid, "SIGKILL");
    const after = await waitFor("a new server process", () => {
      const p = serverPids().filter((x) => !before.includes(x));
      return p.length > 0 ? p : undefined;
    });
    assert.ok(after.length > 0);
    await waitFor("the client to run again", () => api.serverRunning());
    // The new server works: an edit gets fresh diagnostics.
    const editor = await open(pipeline("references.yml"));
    await editor.edit((b) =>
      b.insert(
        new vscode.Position(editor.document.lineCount, 0),
        "  - id: late\n    type: wait\n    duration: 1s\n    dependsOn: [nowhere]\n",
      ),
    );
    await waitFor("diagnostics from the restarted server", () =>
      vscode.languages.getDiagnostics(editor.document.uri).some((d) => d.message.includes("nowhere")),
    );
    await vscode.commands.executeCommand("workbench.action.files.revert");
  },
  45_000,
);

/** Entry point called by VS Code for `extensionTestsPath`. */
export async function run(): Promise<void> {
  const results = await runAll(process.env.CAPSTAN_E2E_RESULTS);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`[capstan-e2e] in-host: ${results.length - failed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} in-host test(s) failed`);
}
