// The language server over stdio on a canary config (.capstan/canary/): diagnostics from
// loadCanaryConfig, completion of a group name, hover, the did-you-mean fix; and, in a pipeline
// file, completion of the configs `canaryConfig:` can name.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildServer, LspClient } from "./lsp-client.js";

const CONFIG = `{
  "name": "checkout",
  "metrics": [
    {
      "name": "latency",
      "query": { "type": "prometheus", "metricName": "http_request_duration_seconds" },
      "groups": ["latency"],
      "analysisConfigurations": { "canary": { "direction": "increse" } }
    },
    {
      "name": "errors",
      "query": { "type": "prometheus", "metricName": "http_requests_total" },
      "groups": ["errors"]
    }
  ],
  "classifier": { "groupWeights": { "latency": 60 } }
}
`;

const PIPELINE = `name: Canary
stages:
  - id: canary
    type: canaryAnalysis
    canaryConfig: 
    prometheus: local
`;

describe("language server over stdio: canary configs", () => {
  let client: LspClient;
  let root: string;
  let uri: string;

  beforeAll(async () => {
    buildServer();
    root = mkdtempSync(join(tmpdir(), "capstan-lsp-canary-"));
    mkdirSync(join(root, ".capstan", "canary"), { recursive: true });
    mkdirSync(join(root, ".capstan", "pipelines"), { recursive: true });
    writeFileSync(join(root, ".capstan", "canary", "checkout.json"), CONFIG);
    writeFileSync(join(root, ".capstan", "canary", "search.yml"), "metrics: []\n");
    writeFileSync(join(root, ".capstan", "pipelines", "canary.yml"), PIPELINE);
    uri = pathToFileURL(join(root, ".capstan", "canary", "checkout.json")).href;
    client = new LspClient();
    await client.request("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      capabilities: {},
    });
    client.notify("initialized", {});
  }, 120_000);

  afterAll(async () => {
    await client?.close();
  });

  test("an error diagnosed at its range, a group name completed, hover, the fix", async () => {
    const opened = client.diagnostics(uri, 1);
    client.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "json", version: 1, text: CONFIG },
    });
    const range = { start: { line: 7, character: 59 }, end: { line: 7, character: 68 } };
    expect((await opened).diagnostics).toEqual([
      {
        range,
        severity: 1,
        code: "schema-enum",
        source: "capstan",
        message:
          "'direction' must be one of increase, decrease, either; found the text 'increse'. Did you mean 'increase'?",
        data: { allowed: ["increase", "decrease", "either"], replacement: "increase" },
      },
    ]);

    // A new groupWeights entry, its quotes typed: the groups without a weight.
    client.notify("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 15, character: 49 }, end: { line: 15, character: 49 } }, text: ', ""' },
      ],
    });
    const groups = await client.request<unknown[]>("textDocument/completion", {
      textDocument: { uri },
      position: { line: 15, character: 52 },
    });
    expect(groups).toEqual([
      {
        label: "errors",
        kind: 18,
        detail: "group of errors",
        filterText: '"errors"',
        textEdit: {
          range: { start: { line: 15, character: 51 }, end: { line: 15, character: 53 } },
          newText: '"errors": ',
        },
      },
    ]);

    const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", {
      textDocument: { uri },
      position: { line: 6, character: 19 },
    });
    expect(hover.contents.value).toBe(
      "**group** `latency`\n\nMetrics: `latency`.\n\nWeight: 60 (percent of the score).",
    );

    const actions = await client.request<{ title: string; edit: unknown }[]>("textDocument/codeAction", {
      textDocument: { uri },
      range,
      context: { diagnostics: [] },
    });
    expect(actions.map((a) => [a.title, a.edit])).toEqual([
      ["Change to 'increase'", { changes: { [uri]: [{ range, newText: '"increase"' }] } }],
    ]);
    // Pipeline-only features answer nothing for a canary config.
    expect(await client.request("textDocument/documentSymbol", { textDocument: { uri } })).toBeNull();
  });

  test("in a pipeline file, canaryConfig: completes the repository's canary configs", async () => {
    const pipelineUri = pathToFileURL(join(root, ".capstan", "pipelines", "canary.yml")).href;
    client.notify("textDocument/didOpen", {
      textDocument: { uri: pipelineUri, languageId: "yaml", version: 1, text: PIPELINE },
    });
    const items = await client.request<{ label: string; detail: string }[]>("textDocument/completion", {
      textDocument: { uri: pipelineUri },
      position: { line: 4, character: 18 },
    });
    expect(items.map((i) => [i.label, i.detail])).toEqual([
      ["checkout", ".capstan/canary/checkout.json"],
      ["search", ".capstan/canary/search.yml"],
    ]);
  });
});
