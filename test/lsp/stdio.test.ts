// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the pipeline holds `${ }` expressions.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { decodeSemanticTokens } from "@capstan/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CancellationTokenSource } from "vscode-jsonrpc/node";
import { runCli } from "../cli/cli-harness.js";
import { applyEdits, buildServer, LspClient, type TextEdit } from "./lsp-client.js";

const PIPELINE = `name: Deploy
parameters:
  - name: env
    default: staging
stages:
  - id: judge
    name: Judge
    type: manualJudgment
    inputs: [continue, rollback]
  - id: deploy
    name: Deploy
    type: wait
    dependsOn: [judge]
    if: "\${ #judgment('Judge') == 'continue' }"
    duration: 5s
`;

describe("language server over stdio", () => {
  let client: LspClient;
  let root: string;
  let uri: string;
  let version = 1;
  let text = PIPELINE;
  let legend: { tokenTypes: string[]; tokenModifiers: string[] };

  const change = (line: number, from: number, to: number, newText: string, endLine = line) => {
    const lines = text.split("\n");
    const offset = (l: number, c: number) => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
    text = text.slice(0, offset(line, from)) + newText + text.slice(offset(endLine, to));
    version++;
    client.notify("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [
        { range: { start: { line, character: from }, end: { line: endLine, character: to } }, text: newText },
      ],
    });
  };

  beforeAll(async () => {
    buildServer();
    root = mkdtempSync(join(tmpdir(), "capstan-lsp-"));
    mkdirSync(join(root, ".capstan", "pipelines"), { recursive: true });
    writeFileSync(join(root, ".capstan", "pipelines", "deploy.yml"), PIPELINE);
    writeFileSync(
      join(root, ".capstan", "pipelines", "child.yml"),
      "name: Child\nstages:\n  - id: a\n    type: wait\n    duration: 1s\n",
    );
    uri = pathToFileURL(join(root, ".capstan", "pipelines", "deploy.yml")).href;
    client = new LspClient();
    const init = await client.request<{
      capabilities: {
        textDocumentSync: { change: number };
        semanticTokensProvider: { legend: { tokenTypes: string[]; tokenModifiers: string[] } };
      };
    }>("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      capabilities: {},
    });
    expect(init.capabilities.textDocumentSync.change).toBe(2);
    legend = init.capabilities.semanticTokensProvider.legend;
    client.notify("initialized", {});
  }, 120_000);

  afterAll(async () => {
    await client?.close();
  });

  test("open, edit, completion, hover, definition, rename", async () => {
    const opened = client.diagnostics(uri, 1);
    client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "yaml", version: 1, text } });
    expect((await opened).diagnostics).toEqual([]);

    // A typo in dependsOn: diagnosed right away at the entry, with a did-you-mean.
    const edited = client.diagnostics(uri, 2);
    change(12, 16, 21, "judg");
    const published = await edited;
    expect(published.diagnostics.map((d) => [d.code, d.range.start])).toEqual([
      ["unknown-stage-ref", { line: 12, character: 16 }],
      // With the dependency gone, the judgment no longer runs before the stage reading it.
      ["judgment-not-upstream", { line: 13, character: 22 }],
    ]);
    expect(published.diagnostics[0].message).toContain("Did you mean 'judge'?");
    const fixed = client.diagnostics(uri, 3);
    change(12, 16, 20, "judge");
    expect((await fixed).diagnostics).toEqual([]);

    const stageNames = await client.request<{ label: string }[]>("textDocument/completion", {
      textDocument: { uri },
      position: { line: 13, character: 23 },
    });
    expect(stageNames.map((i) => i.label)).toEqual(["Judge"]);
    const inputs = await client.request<{ label: string }[]>("textDocument/completion", {
      textDocument: { uri },
      position: { line: 13, character: 35 },
    });
    expect(inputs.map((i) => i.label)).toEqual(["continue", "rollback"]);

    const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", {
      textDocument: { uri },
      position: { line: 13, character: 24 },
    });
    expect(hover.contents.value).toContain("`manualJudgment` stage");
    expect(hover.contents.value).toContain("inputs: `continue`, `rollback`");

    const definition = await client.request<{ uri: string; range: unknown }[]>("textDocument/definition", {
      textDocument: { uri },
      position: { line: 12, character: 17 },
    });
    expect(definition).toEqual([
      { uri, range: { start: { line: 5, character: 8 }, end: { line: 5, character: 13 } } },
    ]);

    const edit = await client.request<{
      changes: Record<string, { range: { start: { line: number } }; newText: string }[]>;
    }>("textDocument/rename", {
      textDocument: { uri },
      position: { line: 6, character: 10 },
      newName: "Approve",
    });
    expect(edit.changes[uri].map((e) => [e.range.start.line, e.newText])).toEqual([
      [6, "Approve"],
      [13, "Approve"],
    ]);

    // Semantic tokens of the `if:` expression, decoded with the legend the server announced.
    const tokens = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", {
      textDocument: { uri },
    });
    const lines = text.split("\n");
    expect(
      decodeSemanticTokens(tokens.data, legend).map((t) => [
        t.line,
        lines[t.line].slice(t.character, t.character + t.length),
        t.type,
      ]),
    ).toEqual([
      [13, "${", "macro"],
      [13, "#judgment", "function"],
      [13, "'Judge'", "enumMember"],
      [13, "==", "operator"],
      [13, "'continue'", "string"],
      [13, "}", "macro"],
    ]);
  });

  test("fuzzed edits never crash the server and converge to the diagnostics of a fresh open", async () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [
      "x",
      " ",
      "\n",
      "- ",
      ": ",
      "'",
      '"',
      "${ #stage('J",
      "}",
      "    ",
      "dependsOn: [a]\n",
      "#",
    ];
    for (let step = 0; step < 60; step++) {
      const lines = text.split("\n");
      const line = random(lines.length);
      const character = random(lines[line].length + 1);
      if (random(2) === 0) change(line, character, character, pieces[random(pieces.length)]);
      else change(line, character, Math.min(lines[line].length, character + 1 + random(4)), "");
    }
    const final = await client.diagnostics(uri, version);
    const fresh = pathToFileURL(join(root, "fresh.yml")).href.replace(
      "fresh.yml",
      ".capstan/pipelines/fresh.yml",
    );
    const freshDiagnostics = client.diagnostics(fresh, 1);
    client.notify("textDocument/didOpen", {
      textDocument: { uri: fresh, languageId: "yaml", version: 1, text },
    });
    const strip = (p: { diagnostics: unknown[] }) =>
      JSON.parse(JSON.stringify(p.diagnostics).replaceAll(fresh, uri));
    expect(strip(final)).toEqual(strip(await freshDiagnostics));
    expect(client.process.exitCode).toBeNull();
    expect(readFileSync(join(root, ".capstan", "pipelines", "deploy.yml"), "utf8")).toBe(PIPELINE);
  });
});

const RELEASE = `name: Release
parameters:
  - name: env
    default: staging
triggers:
  - type: pipeline
    pipeline: Build
stages:
  - id: compile
    type: run
    command: ./scripts/build.sh --fast
  - id: child
    type: pipeline
    pipeline: Build
    dependsOn: [compile]
  - id: judge
    name: Judge
    type: manualJudgment
    dependsOn: [child]
    inputs: [continue, rollback]
  - id: deploy
    name: Deploy
    type: wait
    duration: 90s
    dependsOn: [judge]
    if: "\${ #judgment('Judge') == 'continue' and parameters.env == 'prod' }"
`;

describe("language server over stdio: links, regenerate, tokens, folding, hints, symbols, references", () => {
  let client: LspClient;
  let root: string;
  let uri: string;
  let buildUri: string;
  let workflowPath: string;
  const at = (line: number, character: number) => ({ line, character });
  const range = (line: number, start: number, end: number, endLine = line) => ({
    start: at(line, start),
    end: at(endLine, end),
  });

  beforeAll(async () => {
    buildServer();
    root = mkdtempSync(join(tmpdir(), "capstan-lsp-features-"));
    const pipelines = join(root, ".capstan", "pipelines");
    mkdirSync(pipelines, { recursive: true });
    mkdirSync(join(root, "scripts"));
    writeFileSync(join(root, "scripts", "build.sh"), "#!/bin/sh\n");
    // The repository names its own action: compile and the quick fix must both use it.
    writeFileSync(join(root, ".capstan", "settings.yml"), "action: acme/capstan@v1.2.0\n");
    writeFileSync(
      join(pipelines, "build.yml"),
      "name: Build\nstages:\n  - id: a\n    type: wait\n    duration: 1s\n",
    );
    // Compiled before the last edit (a 5s wait, now 90s): the workflow on disk is out of date.
    writeFileSync(join(pipelines, "release.yml"), RELEASE.replace("duration: 90s", "duration: 5s"));
    expect((await runCli(["compile"], root)).code).toBe(0);
    writeFileSync(join(pipelines, "release.yml"), RELEASE);
    workflowPath = join(root, ".github", "workflows", "capstan-release.yml");
    uri = pathToFileURL(join(pipelines, "release.yml")).href;
    buildUri = pathToFileURL(join(pipelines, "build.yml")).href;
    client = new LspClient();
    await client.request("initialize", {
      processId: process.pid,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: "repo" }],
      capabilities: {},
    });
    client.notify("initialized", {});
    const opened = client.diagnostics(uri, 1);
    client.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "yaml", version: 1, text: RELEASE },
    });
    await opened;
  }, 120_000);

  afterAll(async () => {
    await client?.close();
  });

  const doc = () => ({ textDocument: { uri } });
  const inFile = (r: ReturnType<typeof range>) => ({ uri, range: r });

  test("document links: the other pipeline from triggers and pipeline stages, the run stage's script", async () => {
    expect(await client.request("textDocument/documentLink", doc())).toEqual([
      { range: range(6, 14, 19), target: buildUri, tooltip: "Open pipeline 'Build'" },
      {
        range: range(10, 13, 31),
        target: pathToFileURL(join(root, "scripts", "build.sh")).href,
        tooltip: "Open ./scripts/build.sh",
      },
      { range: range(13, 14, 19), target: buildUri, tooltip: "Open pipeline 'Build'" },
    ]);
  });

  test("Regenerate workflow: the applied edit writes what `capstan compile` writes", async () => {
    const workflowUri = pathToFileURL(workflowPath).href;
    const outOfDate = {
      range: range(0, 6, 13),
      severity: 2,
      code: "workflow-out-of-date",
      source: "capstan",
      message:
        'The generated workflow .github/workflows/capstan-release.yml is out of date with this file; run `capstan compile` (or the "Regenerate workflow" quick fix).',
      data: { workflow: "capstan-release.yml" },
    };
    expect(client.latest.get(uri)?.diagnostics).toEqual([outOfDate]);
    const stale = readFileSync(workflowPath, "utf8");
    const lines = stale.split("\n");
    const actions = await client.request<
      { title: string; edit: { documentChanges: { edits: TextEdit[] }[] } }[]
    >("textDocument/codeAction", {
      ...doc(),
      range: range(0, 6, 13),
      context: { diagnostics: [outOfDate] },
    });
    expect(actions).toEqual([
      {
        title: "Regenerate workflow capstan-release.yml",
        kind: "quickfix",
        diagnostics: [outOfDate],
        isPreferred: true,
        edit: {
          documentChanges: [
            {
              textDocument: { uri: workflowUri, version: null },
              edits: [
                {
                  range: range(0, 0, lines[lines.length - 1].length, lines.length - 1),
                  newText: expect.any(String),
                },
              ],
            },
          ],
        },
      },
    ]);
    const regenerated = applyEdits(stale, actions[0].edit.documentChanges[0].edits);
    writeFileSync(workflowPath, regenerated);

    // What the CLI writes for the same repository, elsewhere; and it finds the file up to date.
    const elsewhere = mkdtempSync(join(tmpdir(), "capstan-compiled-"));
    expect((await runCli(["compile", "--out-dir", elsewhere], root)).code).toBe(0);
    expect(regenerated).toBe(readFileSync(join(elsewhere, "capstan-release.yml"), "utf8"));
    expect(regenerated).not.toBe(stale);
    expect(regenerated).toContain("uses: acme/capstan@v1.2.0");
    expect((await runCli(["compile", "--check"], root)).code).toBe(0);

    // Told the file changed, the server drops the diagnostic.
    const republished = client.diagnostics(uri, 1);
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: workflowUri, type: 2 }] });
    expect((await republished).diagnostics).toEqual([]);
  });

  test("semantic tokens: full, and a range as the slice of the full tokens", async () => {
    const lines = RELEASE.split("\n");
    const readable = (data: number[]) =>
      decodeSemanticTokens(data).map((t) => [
        t.line,
        t.character,
        lines[t.line].slice(t.character, t.character + t.length),
        t.type,
        t.modifiers.join(","),
      ]);
    const full = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", doc());
    expect(readable(full.data)).toEqual([
      [25, 9, "${", "macro", ""],
      [25, 12, "#judgment", "function", "defaultLibrary"],
      [25, 22, "'Judge'", "enumMember", ""],
      [25, 31, "==", "operator", ""],
      [25, 34, "'continue'", "string", ""],
      [25, 45, "and", "keyword", ""],
      [25, 49, "parameters", "variable", "defaultLibrary"],
      [25, 60, "env", "property", ""],
      [25, 64, "==", "operator", ""],
      [25, 67, "'prod'", "string", ""],
      [25, 74, "}", "macro", ""],
    ]);
    const viewport = range(25, 20, 52);
    const part = await client.request<{ data: number[] }>("textDocument/semanticTokens/range", {
      ...doc(),
      range: viewport,
    });
    expect(readable(part.data)).toEqual(
      readable(full.data).filter((t) => (t[1] as number) < 52 && (t[1] as number) + String(t[2]).length > 20),
    );
    expect(readable(part.data).map((t) => t[2])).toEqual([
      "#judgment",
      "'Judge'",
      "==",
      "'continue'",
      "and",
      "parameters",
    ]);
  });

  test("folding ranges and inlay hints", async () => {
    expect(await client.request("textDocument/foldingRange", doc())).toEqual([
      { startLine: 1, endLine: 3 },
      { startLine: 4, endLine: 6 },
      { startLine: 7, endLine: 25 },
      { startLine: 8, endLine: 10 },
      { startLine: 11, endLine: 14 },
      { startLine: 15, endLine: 19 },
      { startLine: 20, endLine: 25 },
    ]);
    expect(await client.request("textDocument/inlayHint", { ...doc(), range: range(0, 0, 0, 26) })).toEqual([
      { position: at(23, 17), label: "1 minute 30 seconds", paddingLeft: true },
      { position: at(25, 63), label: '= "staging"', paddingLeft: true },
    ]);
    // The viewport's hints only.
    expect(await client.request("textDocument/inlayHint", { ...doc(), range: range(25, 0, 80) })).toEqual([
      { position: at(25, 63), label: '= "staging"', paddingLeft: true },
    ]);
  });

  test("document symbols: parameters, triggers and the stages with their types", async () => {
    const block = (name: string, from: number, to: number, children: unknown[]) => ({
      name,
      kind: 18,
      range: range(from, 0, 0, to),
      selectionRange: range(from, 0, name.length),
      children,
    });
    expect(await client.request("textDocument/documentSymbol", doc())).toEqual([
      block("parameters", 1, 4, [
        {
          name: "env",
          detail: '= "staging"',
          kind: 13,
          range: range(2, 4, 0, 4),
          selectionRange: range(2, 10, 13),
        },
      ]),
      block("triggers", 4, 7, [
        { name: "pipeline", kind: 24, range: range(5, 4, 0, 7), selectionRange: range(5, 10, 18) },
      ]),
      block("stages", 7, 26, [
        {
          name: "compile",
          detail: "run",
          kind: 12,
          range: range(8, 4, 0, 11),
          selectionRange: range(8, 8, 15),
        },
        {
          name: "child",
          detail: "pipeline",
          kind: 12,
          range: range(11, 4, 0, 15),
          selectionRange: range(11, 8, 13),
        },
        {
          name: "Judge",
          detail: "manualJudgment · judge",
          kind: 24,
          range: range(15, 4, 0, 20),
          selectionRange: range(16, 10, 15),
        },
        {
          name: "Deploy",
          detail: "wait · deploy",
          kind: 12,
          range: range(20, 4, 0, 26),
          selectionRange: range(21, 10, 16),
        },
      ]),
    ]);
  });

  test("references and prepareRename", async () => {
    // From the judgment's name: its id and name, the dependsOn naming it, the expression reading it.
    expect(
      await client.request("textDocument/references", {
        ...doc(),
        position: at(16, 11),
        context: { includeDeclaration: true },
      }),
    ).toEqual([
      inFile(range(15, 8, 13)),
      inFile(range(16, 10, 15)),
      inFile(range(24, 16, 21)),
      inFile(range(25, 23, 28)),
    ]);
    expect(
      await client.request("textDocument/references", {
        ...doc(),
        position: at(25, 60),
        context: { includeDeclaration: false },
      }),
    ).toEqual([inFile(range(25, 60, 63))]);
    expect(await client.request("textDocument/prepareRename", { ...doc(), position: at(16, 11) })).toEqual({
      range: range(16, 10, 15),
      placeholder: "Judge",
    });
    // Nothing renamable at a stage type: an InvalidRequest error saying what can be renamed.
    await expect(
      client.request("textDocument/prepareRename", { ...doc(), position: at(22, 11) }),
    ).rejects.toMatchObject({
      code: -32600,
      message: "Rename works on stage ids and names, parameters and secrets.",
    });
  });

  test("cancelled requests answer RequestCancelled or a result, and the server keeps serving", async () => {
    const requests: [string, unknown][] = [
      ["textDocument/completion", { ...doc(), position: at(25, 24) }],
      ["textDocument/hover", { ...doc(), position: at(25, 24) }],
      ["textDocument/references", { ...doc(), position: at(16, 11), context: { includeDeclaration: true } }],
      ["textDocument/semanticTokens/full", doc()],
      ["textDocument/documentSymbol", doc()],
      ["textDocument/codeAction", { ...doc(), range: range(0, 0, 0), context: { diagnostics: [] } }],
    ];
    const outcomes = await Promise.allSettled(
      [...requests, ...requests, ...requests].map(([method, params]) => {
        const source = new CancellationTokenSource();
        const answer = client.request(method, params, source.token);
        source.cancel();
        return answer;
      }),
    );
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ code: -32800 });
      else expect(outcome.value).not.toBeUndefined();
    }
    // Still serving, still the same answers.
    expect(await client.request("textDocument/prepareRename", { ...doc(), position: at(16, 11) })).toEqual({
      range: range(16, 10, 15),
      placeholder: "Judge",
    });
    expect(client.process.exitCode).toBeNull();
    expect(client.stderr).toBe("");
  });
});
