import { type ChildProcess, execSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as rpc from "vscode-jsonrpc/node";

const repo = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Builds the server (and core) so the test runs the real bin over its dist. Type errors elsewhere
 * in the tree (work in progress) do not stop the run as long as the build emitted the server.
 */
export function buildServer(): void {
  try {
    execSync("npx tsc -b language-server", { cwd: repo, stdio: "pipe" });
  } catch (error) {
    if (!existsSync(`${repo}/language-server/dist/index.js`) || !existsSync(`${repo}/core/dist/index.js`))
      throw error;
  }
}

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { code: string; message: string; range: { start: { line: number; character: number } } }[];
}

/** A real LSP client over the server's stdio. */
export class LspClient {
  readonly process: ChildProcess;
  readonly connection: rpc.MessageConnection;
  private waiters: ((p: PublishedDiagnostics) => void)[] = [];
  readonly latest = new Map<string, PublishedDiagnostics>();
  stderr = "";

  constructor() {
    this.process = spawn(
      process.execPath,
      [`${repo}/language-server/bin/capstan-language-server.js`, "--stdio"],
      {
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    this.process.stderr?.on("data", (d) => {
      this.stderr += String(d);
    });
    this.connection = rpc.createMessageConnection(
      new rpc.StreamMessageReader(this.process.stdout as NodeJS.ReadableStream),
      new rpc.StreamMessageWriter(this.process.stdin as NodeJS.WritableStream),
    );
    this.connection.onNotification("textDocument/publishDiagnostics", (p: PublishedDiagnostics) => {
      this.latest.set(p.uri, p);
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) w(p);
    });
    this.connection.listen();
  }

  /** Resolves with the next diagnostics published for `uri` (at `version`, when given). */
  diagnostics(uri: string, version?: number): Promise<PublishedDiagnostics> {
    return new Promise((resolve) => {
      const wait = (p: PublishedDiagnostics) => {
        if (p.uri === uri && (version === undefined || p.version === version)) resolve(p);
        else this.waiters.push(wait);
      };
      this.waiters.push(wait);
    });
  }

  request<R>(method: string, params: unknown, token?: rpc.CancellationToken): Promise<R> {
    return (
      token ? this.connection.sendRequest(method, params, token) : this.connection.sendRequest(method, params)
    ) as Promise<R>;
  }

  notify(method: string, params: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  /** Shuts the server down as a client does (shutdown, exit) and waits for the process to end. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => {
      if (this.process.exitCode !== null) resolve(undefined);
      else this.process.once("exit", resolve);
    });
    await this.request("shutdown", null);
    // Written before the connection goes away, so no write hits a closed pipe.
    await this.connection.sendNotification("exit", null);
    await exited;
    this.connection.dispose();
  }
}

export interface Position {
  line: number;
  character: number;
}

export interface TextEdit {
  range: { start: Position; end: Position };
  newText: string;
}

/** Applies LSP text edits (non-overlapping, as a server sends them) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const offset = (p: Position) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const edit of sorted) {
    out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  }
  return out;
}
