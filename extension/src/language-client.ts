import * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { CANARY_CONFIG_SELECTOR, PIPELINE_GLOB, PIPELINE_SELECTOR } from "./pipeline-files.js";

/** The server bin's V8 flags (its shebang line), put in by the build; see language-server/bin. */
declare const __CAPSTAN_SERVER_NODE_FLAGS__: string[];
const SERVER_NODE_FLAGS: string[] =
  typeof __CAPSTAN_SERVER_NODE_FLAGS__ === "undefined" ? [] : __CAPSTAN_SERVER_NODE_FLAGS__;

const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 3 * 60_000;

/**
 * Restarts the server when it dies, unless it died too often lately (a server that crashes on
 * start would otherwise restart forever).
 */
class RestartingErrorHandler implements ErrorHandler {
  private readonly restarts: number[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    while (this.restarts.length > 0 && now - this.restarts[0] > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length >= MAX_RESTARTS) {
      const message = `The Capstan language server stopped ${MAX_RESTARTS} times in 3 minutes; it will not be restarted. Run "Capstan: Restart Language Server" after fixing the cause (see the Capstan output).`;
      this.output.error(message);
      return { action: CloseAction.DoNotRestart, message };
    }
    this.restarts.push(now);
    this.output.warn(
      `The Capstan language server stopped; restarting it (${this.restarts.length}/${MAX_RESTARTS}).`,
    );
    return { action: CloseAction.Restart, handled: true };
  }
}

/** Starts and restarts the bundled language server over Node IPC. */
export class ServerManager implements vscode.Disposable {
  private current: LanguageClient | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  get client(): LanguageClient | undefined {
    return this.current;
  }

  /** Starts the server; a failure is logged and shown, never thrown (the other features still work). */
  async start(): Promise<void> {
    const serverModule = this.context.asAbsolutePath("dist/server.js");
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_FLAGS } },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: [...SERVER_NODE_FLAGS, "--nolazy", "--inspect=6019"] },
      },
    };
    const watcher = vscode.workspace.createFileSystemWatcher(PIPELINE_GLOB);
    this.context.subscriptions.push(watcher);
    const clientOptions: LanguageClientOptions = {
      // Pipelines, and canary configs (the server routes each to its own features).
      documentSelector: [...PIPELINE_SELECTOR, ...CANARY_CONFIG_SELECTOR],
      // Must be a LogOutputChannel: vscode-languageclient 11 calls .error()/.info() on it.
      outputChannel: this.output,
      traceOutputChannel: this.output,
      synchronize: { fileEvents: watcher },
      errorHandler: new RestartingErrorHandler(this.output),
    };
    const client = new LanguageClient("capstan", "Capstan Language Server", serverOptions, clientOptions);
    this.current = client;
    try {
      await client.start();
      this.output.info(`Language server started from ${serverModule}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`Could not start the language server: ${message}`);
      void vscode.window.showErrorMessage(`Capstan: the language server did not start (${message}).`);
    }
  }

  /** Stops the running server (if any) and starts a fresh one. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.current;
    this.current = undefined;
    if (client?.isRunning()) await client.stop().catch(() => undefined);
  }

  dispose(): void {
    void this.stop();
  }
}
