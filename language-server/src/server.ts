import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  ActionRefError,
  analyzePipeline,
  type CanaryConfigAnalysis,
  type CapstanPackage,
  canaryCodeActions,
  capstanPackageRef,
  codeActions,
  complete,
  completeCanaryConfig,
  completeCanaryConfigReference,
  definition,
  documentLinks,
  documentSymbols,
  foldingRanges,
  generatedWorkflowName,
  hover,
  hoverCanaryConfig,
  inlayHints,
  type LanguageContext,
  type PipelineAnalysis,
  prepareRename,
  references,
  rename,
  resolveActionRefFrom,
  SETTINGS_FILE,
  semanticTokens,
  semanticTokensLegend,
  updateAnalysis,
  validate,
  validateCanaryConfig,
  type WorkspacePipeline,
} from "@capstan/core";
import lsp from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { CanaryAnalyses, canaryConfigsIn, isCanaryDocument } from "./canary.js";
import { scanPipelines } from "./workspace.js";

type Connection = ReturnType<typeof lsp.createConnection>;

function readPackage(require: NodeJS.Require, path: string): CapstanPackage | undefined {
  try {
    return require(path) as CapstanPackage;
  } catch {
    return undefined;
  }
}

/**
 * The action reference `capstan compile` writes in the repository at `root`: `.capstan/settings.yml`,
 * else Capstan's package (the clone's root package.json when the server runs from a clone of
 * Capstan, else the package it was installed or bundled with). Undefined when the settings file is
 * broken: `capstan compile` refuses it, so there is no workflow to regenerate.
 */
export function repositoryActionRef(root: string): string | undefined {
  const file = join(root, SETTINGS_FILE);
  const text = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  const require = createRequire(import.meta.url);
  try {
    return resolveActionRefFrom(undefined, text, () =>
      capstanPackageRef(readPackage(require, "../../package.json"), readPackage(require, "../package.json")),
    ).ref;
  } catch (error) {
    if (error instanceof ActionRefError) return undefined;
    throw error;
  }
}

/** What tests and tools can observe or steer in a running server (none of it is needed to run one). */
export interface ServerHooks {
  /**
   * Called when a document version gets validated, with what asked for it: `diagnostics` (the
   * publishing pass) or the LSP method of the request whose feature needed it (code actions).
   */
  onValidation?: (event: { uri: string; version: number; by: string }) => void;
  /**
   * How the diagnostics pass after an edit is deferred. Default: after the messages already
   * received (see `afterQueuedMessages`); a test can hold it to query an unvalidated version.
   */
  schedulePublish?: (run: () => void) => void;
}

/**
 * Wires the pure language functions of `@capstan/core` to an LSP connection. One analysis per
 * document version is shared by every feature; edits re-analyse right away (no debounce) and a
 * result is only published if its version is still the document's current one. Read-only
 * features (navigation, hover, completion, symbols, links, folding, tokens, hints) never wait
 * for or run validation: they read the parsed model and the expressions they look at.
 */
export function startServer(connection: Connection, hooks: ServerHooks = {}): void {
  const documents = new lsp.TextDocuments(TextDocument);
  const analyses = new Map<string, PipelineAnalysis>();
  // Canary configs (.capstan/canary/) have their own features; pipeline files never take this path.
  const canaryAnalyses = new CanaryAnalyses();
  let roots: string[] = [];
  let pipelines: WorkspacePipeline[] = [];

  const analysisOf = (document: TextDocument): PipelineAnalysis => {
    const cached = analyses.get(document.uri);
    if (cached?.version === document.version) return cached;
    const path = document.uri.startsWith("file:") ? fileURLToPath(document.uri) : document.uri;
    const next = cached
      ? updateAnalysis(cached, document.getText(), document.version)
      : analyzePipeline(document.getText(), document.version, {}, path);
    analyses.set(document.uri, next);
    return next;
  };

  const contextOf = (uri: string, analysis?: PipelineAnalysis): LanguageContext => {
    const context: LanguageContext = { uri, pipelines };
    if (!uri.startsWith("file:")) return context;
    const file = fileURLToPath(uri);
    const root = repositoryRoot(file, roots);
    if (root) {
      context.pipelineFile = relative(root, file).split("\\").join("/");
      context.resolveWorkspacePath = (path) => {
        const target = join(root, path);
        return existsSync(target) ? pathToFileURL(target).href : undefined;
      };
    }
    if (analysis) {
      const workflow = workflowPathFor(file, analysis);
      // The reference `capstan compile` writes; with a broken .capstan/settings.yml it refuses to
      // compile, so "Regenerate workflow" (which needs the URI) is not offered either.
      const actionRef = root ? repositoryActionRef(root) : undefined;
      if (actionRef !== undefined) context.actionRef = actionRef;
      if (workflow) {
        if (!root || actionRef !== undefined) context.generatedWorkflowUri = pathToFileURL(workflow).href;
        try {
          context.generatedWorkflow = readFileSync(workflow, "utf8");
        } catch {
          // No generated workflow yet: nothing to compare.
        }
      }
    }
    return context;
  };

  /** Runs a feature on an analysis, reporting to `onValidation` if the feature validated it. */
  const observed = <T>(analysis: PipelineAnalysis, uri: string, by: string, run: () => T): T => {
    const before = analysis.validated;
    const result = run();
    if (!before && analysis.validated) hooks.onValidation?.({ uri, version: analysis.version, by });
    return result;
  };

  const publish = (uri: string, version: number) => {
    const document = documents.get(uri);
    // A newer edit arrived meanwhile: its own run publishes; drop this one.
    if (!document || document.version !== version) return;
    if (isCanaryDocument(uri)) {
      const diagnostics = validateCanaryConfig(canaryAnalyses.of(document), uri);
      void connection.sendDiagnostics({ uri, version, diagnostics: diagnostics as lsp.Diagnostic[] });
      return;
    }
    const analysis = analysisOf(document);
    const diagnostics = observed(analysis, uri, "diagnostics", () =>
      validate(analysis, contextOf(uri, analysis)),
    );
    void connection.sendDiagnostics({ uri, version, diagnostics: diagnostics as lsp.Diagnostic[] });
  };

  /**
   * A request on an open document. A request cancelled before it runs answers with the
   * RequestCancelled error (the features are synchronous: once started, one runs to the end).
   * A canary config goes to `canary` (no answer when the feature has none for canary configs).
   */
  const withDocument = <T>(
    method: string,
    uri: string,
    token: lsp.CancellationToken,
    run: (a: PipelineAnalysis, d: TextDocument) => T,
    canary?: (a: CanaryConfigAnalysis) => T,
  ): T | null => {
    if (token.isCancellationRequested) {
      throw new lsp.ResponseError(lsp.LSPErrorCodes.RequestCancelled, `${method} cancelled`);
    }
    const document = documents.get(uri);
    if (!document) return null;
    if (isCanaryDocument(uri)) return canary ? canary(canaryAnalyses.of(document)) : null;
    const analysis = analysisOf(document);
    return observed(analysis, uri, method, () => run(analysis, document));
  };

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.filter((u) => u.startsWith("file:")).map((u) => fileURLToPath(u));
    pipelines = scanPipelines(roots);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: lsp.TextDocumentSyncKind.Incremental, save: false },
        completionProvider: {
          triggerCharacters: [".", "#", "'", '"', "[", " ", "-"],
          resolveProvider: false,
        },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
        documentLinkProvider: { resolveProvider: false },
        foldingRangeProvider: true,
        inlayHintProvider: true,
        semanticTokensProvider: { legend: semanticTokensLegend, full: true, range: true },
      },
      serverInfo: { name: "capstan-language-server", version: "0.1.0" },
    };
  });

  connection.onDidChangeWatchedFiles(() => {
    pipelines = scanPipelines(roots);
    for (const document of documents.all()) publish(document.uri, document.version);
  });

  const schedulePublish = hooks.schedulePublish ?? afterQueuedMessages;
  documents.onDidChangeContent((event) => {
    const { uri, version } = event.document;
    schedulePublish(() => publish(uri, version));
  });
  documents.onDidClose((event) => {
    analyses.delete(event.document.uri);
    canaryAnalyses.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onCompletion((params, token) =>
    withDocument(
      "textDocument/completion",
      params.textDocument.uri,
      token,
      (a) =>
        (completeCanaryConfigReference(a, params.position, () =>
          canaryConfigsOf(params.textDocument.uri, roots),
        ) ?? complete(a, params.position, contextOf(params.textDocument.uri))) as lsp.CompletionItem[],
      (c) => completeCanaryConfig(c, params.position) as lsp.CompletionItem[],
    ),
  );
  connection.onHover((params, token) =>
    withDocument(
      "textDocument/hover",
      params.textDocument.uri,
      token,
      (a) => hover(a, params.position) ?? null,
      (c) => hoverCanaryConfig(c, params.position) ?? null,
    ),
  );
  connection.onDefinition((params, token) =>
    withDocument("textDocument/definition", params.textDocument.uri, token, (a) =>
      definition(a, params.position, contextOf(params.textDocument.uri)),
    ),
  );
  connection.onReferences((params, token) =>
    withDocument("textDocument/references", params.textDocument.uri, token, (a) =>
      references(a, params.position, contextOf(params.textDocument.uri), params.context.includeDeclaration),
    ),
  );
  connection.onPrepareRename((params, token) =>
    withDocument("textDocument/prepareRename", params.textDocument.uri, token, (a) => {
      const prepared = prepareRename(a, params.position);
      if ("error" in prepared) throw new lsp.ResponseError(lsp.ErrorCodes.InvalidRequest, prepared.error);
      return prepared;
    }),
  );
  connection.onRenameRequest((params, token) =>
    withDocument("textDocument/rename", params.textDocument.uri, token, (a) => {
      const result = rename(a, params.position, params.newName, contextOf(params.textDocument.uri));
      if ("error" in result) throw new lsp.ResponseError(lsp.ErrorCodes.InvalidRequest, result.error);
      return result;
    }),
  );
  connection.onDocumentSymbol((params, token) =>
    withDocument(
      "textDocument/documentSymbol",
      params.textDocument.uri,
      token,
      (a) => documentSymbols(a) as lsp.DocumentSymbol[],
    ),
  );
  connection.onCodeAction((params, token) =>
    withDocument(
      "textDocument/codeAction",
      params.textDocument.uri,
      token,
      (a) => codeActions(a, params.range, contextOf(params.textDocument.uri, a)) as lsp.CodeAction[],
      (c) => canaryCodeActions(c, params.range, params.textDocument.uri) as lsp.CodeAction[],
    ),
  );
  connection.onDocumentLinks((params, token) =>
    withDocument("textDocument/documentLink", params.textDocument.uri, token, (a) =>
      documentLinks(a, contextOf(params.textDocument.uri)),
    ),
  );

  connection.onFoldingRanges((params, token) =>
    withDocument("textDocument/foldingRange", params.textDocument.uri, token, (a) => foldingRanges(a)),
  );
  connection.languages.inlayHint.on((params, token) =>
    withDocument(
      "textDocument/inlayHint",
      params.textDocument.uri,
      token,
      (a) => inlayHints(a, params.range) as lsp.InlayHint[],
    ),
  );

  connection.languages.semanticTokens.on(
    (params, token) =>
      withDocument("textDocument/semanticTokens/full", params.textDocument.uri, token, (a) =>
        semanticTokens(a),
      ) ?? { data: [] },
  );
  connection.languages.semanticTokens.onRange(
    (params, token) =>
      withDocument("textDocument/semanticTokens/range", params.textDocument.uri, token, (a) =>
        semanticTokens(a, params.range),
      ) ?? { data: [] },
  );

  documents.listen(connection);
  connection.listen();
}

/**
 * Runs `task` once the messages already received have been handled. The connection handles one
 * message per event-loop turn and schedules the next after the current handler; a single
 * `setImmediate` from a handler would run before it. Two turns let the next queued edit land
 * first, so a burst of edits validates only its last version (the stale runs find a newer
 * version and return), while an edit on its own is validated right away.
 */
function afterQueuedMessages(task: () => void): void {
  setImmediate(() => setImmediate(task));
}

/** `.github/workflows/capstan-<name>.yml` of the repository holding `.capstan/pipelines/<file>`. */
function workflowPathFor(file: string, analysis: PipelineAnalysis): string | undefined {
  const name = generatedWorkflowName(analysis);
  const pipelinesDir = dirname(file);
  if (!name || !pipelinesDir.endsWith(join(".capstan", "pipelines"))) return undefined;
  return join(dirname(dirname(pipelinesDir)), ".github", "workflows", name);
}

/** The canary configs a pipeline file's `canaryConfig: NAME` can name (its repository's `.capstan/canary/`). */
function canaryConfigsOf(uri: string, roots: readonly string[]) {
  if (!uri.startsWith("file:")) return roots.flatMap(canaryConfigsIn);
  const root = repositoryRoot(fileURLToPath(uri), roots);
  return root ? canaryConfigsIn(root) : [];
}

/**
 * The repository a file belongs to: above `.capstan/pipelines/` for pipeline files, else the
 * workspace folder holding it.
 */
function repositoryRoot(file: string, roots: readonly string[]): string | undefined {
  const pipelinesDir = dirname(file);
  if (pipelinesDir.endsWith(join(".capstan", "pipelines"))) return dirname(dirname(pipelinesDir));
  return roots.find((root) => !relative(root, file).startsWith(".."));
}
