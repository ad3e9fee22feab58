// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the pipeline holds `${ }` expressions.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { decodeSemanticTokens } from "@capstan/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildServer, LspClient } from "./lsp-client.js";

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
