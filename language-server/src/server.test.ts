// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the pipeline holds `${ }` expressions.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import * as rpc from "vscode-jsonrpc/node";
import lsp from "vscode-languageserver/node";
import { type ServerHooks, startServer } from "./server.js";

const PIPELINE = `name: Deploy
parameters:
  - name: env
    default: staging
stages:
  - id: compile
    type: run
    command: ./scripts/build.sh
  - id: judge
    name: Judge
    type: manualJudgment
    dependsOn: [compile]
    inputs: [continue, rollback]
  - id: deploy
    type: wait
    duration: 90s
    dependsOn: [judge]
    if: "\${ #judgment('Judge') == 'continue' and parameters.env == 'prod' }"
`;

interface Published {
  uri: string;
  version?: number;
  diagnostics: { code: string }[];
}

interface Validation {
  uri: string;
  version: number;
  by: string;
}

/** The server and a client in this process, over in-memory streams. */
function inProcess(hooks: ServerHooks) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = lsp.createConnection(
    new lsp.StreamMessageReader(toServer),
    new lsp.StreamMessageWriter(toClient),
  );
  startServer(server, hooks);
  const client = rpc.createMessageConnection(
    new rpc.StreamMessageReader(toClient),
    new rpc.StreamMessageWriter(toServer),
  );
  const published: Published[] = [];
  let waiters: ((p: Published) => void)[] = [];
  client.onNotification("textDocument/publishDiagnostics", (p: Published) => {
    published.push(p);
    const waiting = waiters;
    waiters = [];
    for (const wait of waiting) wait(p);
  });
  client.listen();
  /** Resolves when diagnostics of `version` are published. */
  const publishedAt = (version: number) =>
    new Promise<void>((resolve) => {
      const wait = (p: Published) => (p.version === version ? resolve() : waiters.push(wait));
      waiters.push(wait);
    });
  const root = mkdtempSync(join(tmpdir(), "capstan-ls-"));
  mkdirSync(join(root, ".capstan", "pipelines"), { recursive: true });
  mkdirSync(join(root, "scripts"));
  writeFileSync(join(root, "scripts", "build.sh"), "#!/bin/sh\n");
  writeFileSync(join(root, ".capstan", "pipelines", "deploy.yml"), PIPELINE);
  const uri = pathToFileURL(join(root, ".capstan", "pipelines", "deploy.yml")).href;
  const close = () => {
    client.dispose();
    server.dispose();
  };
  open.push(close);
  const initialize = () =>
    // No processId: the server would watch that process and exit this one with it.
    client.sendRequest("initialize", {
      processId: null,
      rootUri: pathToFileURL(root).href,
      capabilities: {},
    });
  /** Resolves with the response to a request written by hand (raw `id`). */
  const responseTo = (id: string) =>
    new Promise<{ result?: unknown; error?: { code: number; message: string } }>((resolve) => {
      let seen = "";
      const read = (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        for (const body of seen.split(/Content-Length: \d+\r\n\r\n/)) {
          if (!body.includes(`"id":"${id}"`)) continue;
          try {
            const message = JSON.parse(body);
            toClient.off("data", read);
            resolve(message);
          } catch {
            // Not all of it has arrived yet.
          }
        }
      };
      toClient.on("data", read);
    });
  return { client, toServer, uri, published, publishedAt, initialize, responseTo };
}

/** One JSON-RPC message as it goes over the wire (a request when `id` is given). */
function frame(method: string, params: unknown, id?: string): string {
  const body = JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, params });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const open: (() => void)[] = [];
afterEach(() => {
  for (const close of open.splice(0)) close();
});

describe("server: validation runs only when diagnostics (or a fix) need it", () => {
  test("read-only requests on an unvalidated version neither wait for nor run validation", async () => {
    const validations: Validation[] = [];
    const held: (() => void)[] = [];
    const { client, uri, published, publishedAt, initialize } = inProcess({
      onValidation: (v) => validations.push(v),
      schedulePublish: (run) => held.push(run),
    });
    await initialize();
    void client.sendNotification("initialized", {});
    void client.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "yaml", version: 1, text: PIPELINE },
    });
    const doc = { textDocument: { uri } };
    const line = (needle: string) => PIPELINE.split("\n").findIndex((l) => l.includes(needle));
    const ifLine = line("if:");
    const answers = {
      completion: await client.sendRequest("textDocument/completion", {
        ...doc,
        position: { line: ifLine, character: 24 },
      }),
      hover: await client.sendRequest("textDocument/hover", {
        ...doc,
        position: { line: ifLine, character: 24 },
      }),
      prepareRename: await client.sendRequest("textDocument/prepareRename", {
        ...doc,
        position: { line: line("name: Judge"), character: 11 },
      }),
      documentSymbol: await client.sendRequest("textDocument/documentSymbol", doc),
      documentLink: await client.sendRequest("textDocument/documentLink", doc),
      foldingRange: await client.sendRequest("textDocument/foldingRange", doc),
      semanticTokensFull: await client.sendRequest("textDocument/semanticTokens/full", doc),
      semanticTokensRange: await client.sendRequest("textDocument/semanticTokens/range", {
        ...doc,
        range: { start: { line: ifLine, character: 0 }, end: { line: ifLine, character: 40 } },
      }),
      inlayHint: await client.sendRequest("textDocument/inlayHint", {
        ...doc,
        range: { start: { line: 0, character: 0 }, end: { line: ifLine + 1, character: 0 } },
      }),
    };
    // Every feature answered something, and nothing was validated, not even by the open.
    for (const [name, answer] of Object.entries(answers)) {
      expect(JSON.stringify(answer), name).not.toMatch(/^(null|\[\]|\{"data":\[\]\})$/);
    }
    expect(validations).toEqual([]);
    expect(published).toEqual([]);

    // The held diagnostics pass validates, once.
    const first = publishedAt(1);
    for (const run of held.splice(0)) run();
    await first;
    expect(validations).toEqual([{ uri, version: 1, by: "diagnostics" }]);
    expect(published).toEqual([{ uri, version: 1, diagnostics: [] }]);

    // An edit, then quick fixes on it: code actions read the diagnostics, so they validate.
    void client.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [
        {
          range: {
            start: { line: line("duration"), character: 14 },
            end: { line: line("duration"), character: 16 },
          },
          text: "2m",
        },
      ],
    });
    await client.sendRequest("textDocument/codeAction", {
      ...doc,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    expect(validations.slice(1)).toEqual([{ uri, version: 2, by: "textDocument/codeAction" }]);
    // Its diagnostics pass then finds the version validated: published without a second run.
    const second = publishedAt(2);
    for (const run of held.splice(0)) run();
    await second;
    expect(validations).toHaveLength(2);
    expect(published.map((p) => p.version)).toEqual([1, 2]);
  });

  test("rename keeps the references inside expressions without validating", async () => {
    const validations: Validation[] = [];
    const { client, uri, initialize } = inProcess({
      onValidation: (v) => validations.push(v),
      schedulePublish: () => {},
    });
    await initialize();
    void client.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "yaml", version: 1, text: PIPELINE },
    });
    const nameLine = PIPELINE.split("\n").findIndex((l) => l.includes("name: Judge"));
    const edit = await client.sendRequest<{ changes: Record<string, { newText: string }[]> }>(
      "textDocument/rename",
      { textDocument: { uri }, position: { line: nameLine, character: 11 }, newName: "Approve" },
    );
    // The name itself and the `#judgment('Judge')` in the `if:` expression.
    expect(edit.changes[uri]).toHaveLength(2);
    expect(validations).toEqual([]);
  });

  test("a burst of edits received together is validated once, at its last version", async () => {
    const validations: Validation[] = [];
    const { toServer, uri, published, publishedAt, initialize } = inProcess({
      onValidation: (v) => validations.push(v),
    });
    await initialize();
    // Written as one chunk, so all of them are in the server's queue before it handles the first.
    let burst = frame("textDocument/didOpen", {
      textDocument: { uri, languageId: "yaml", version: 1, text: PIPELINE },
    });
    for (let version = 2; version <= 6; version++) {
      burst += frame("textDocument/didChange", {
        textDocument: { uri, version },
        contentChanges: [
          { range: { start: { line: 0, character: 12 }, end: { line: 0, character: 12 } }, text: "x" },
        ],
      });
    }
    const last = publishedAt(6);
    toServer.write(burst);
    await last;
    expect(validations).toEqual([{ uri, version: 6, by: "diagnostics" }]);
    expect(published.map((p) => p.version)).toEqual([6]);
  });

  test("a request cancelled before it runs answers RequestCancelled; the next one is served", async () => {
    const { toServer, uri, initialize, responseTo } = inProcess({ schedulePublish: () => {} });
    await initialize();
    const position = { line: PIPELINE.split("\n").findIndex((l) => l.includes("if:")), character: 24 };
    const cancelled = responseTo("hover-1");
    const served = responseTo("hover-2");
    // One chunk: the cancellation is in the queue before the server gets to the request.
    toServer.write(
      frame("textDocument/didOpen", {
        textDocument: { uri, languageId: "yaml", version: 1, text: PIPELINE },
      }) +
        frame("textDocument/hover", { textDocument: { uri }, position }, "hover-1") +
        frame("$/cancelRequest", { id: "hover-1" }) +
        frame("textDocument/hover", { textDocument: { uri }, position }, "hover-2"),
    );
    expect(await cancelled).toEqual({
      jsonrpc: "2.0",
      id: "hover-1",
      error: { code: -32800, message: "textDocument/hover cancelled" },
    });
    expect(await served).toMatchObject({
      id: "hover-2",
      result: { contents: { value: expect.stringContaining("`manualJudgment` stage") } },
    });
  });
});
