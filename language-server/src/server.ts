import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  analyzePipeline,
  codeActions,
  complete,
  definition,
  documentLinks,
  documentSymbols,
  foldingRanges,
  generatedWorkflowName,
  hover,
  inlayHints,
  type LanguageContext,
  type PipelineAnalysis,
  prepareRename,
  references,
  rename,
  semanticTokens,
  semanticTokensLegend,
  updateAnalysis,
  validate,
  type WorkspacePipeline,
} from "@capstan/core";
import lsp from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { scanPipelines } from "./workspace.js";

type Connection = ReturnType<typeof lsp.createConnection>;

/**
 * Wires the pure language functions of `@capstan/core` to an LSP connection. One analysis per
 * document version is shared by every feature; edits re-analyse right away (no debounce) and a
 * result is only published if its version is still the document's current one.
 */
export function startServer(connection: Connection): void {
  const documents = new lsp.TextDocuments(TextDocument);
  const analyses = new Map<string, PipelineAnalysis>();
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
      if (workflow) {
        context.generatedWorkflowUri = pathToFileURL(workflow).href;
        try {
          context.generatedWorkflow = readFileSync(workflow, "utf8");
        } catch {
          // No generated workflow yet: nothing to compare.
        }
      }
    }
    return context;
  };

  const publish = (uri: string, version: number) => {
    const document = documents.get(uri);
    // A newer edit arrived meanwhile: its own run publishes; drop this one.
    if (!document || document.version !== version) return;
    const analysis = analysisOf(document);
    void connection.sendDiagnostics({
      uri,
      version,
      diagnostics: validate(analysis, contextOf(uri, analysis)) as lsp.Diagnostic[],
    });
  };

  const withDocument = <T>(
    uri: string,
    token: lsp.CancellationToken,
    run: (a: PipelineAnalysis, d: TextDocument) => T,
  ): T | null => {
    const document = documents.get(uri);
    if (!document || token.isCancellationRequested) return null;
    return run(analysisOf(document), document);
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
        semanticTokensProvider: { legend: semanticTokensLegend, full: true, range: false },
      },
      serverInfo: { name: "capstan-language-server", version: "0.1.0" },
    };
  });

  connection.onDidChangeWatchedFiles(() => {
    pipelines = scanPipelines(roots);
    for (const document of documents.all()) publish(document.uri, document.version);
  });

  documents.onDidChangeContent((event) => {
    const { uri, version } = event.document;
    // Run after the messages already queued, so a burst of edits validates only its last version.
    setImmediate(() => publish(uri, version));
  });
  documents.onDidClose((event) => {
    analyses.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onCompletion((params, token) =>
    withDocument(
      params.textDocument.uri,
      token,
      (a) => complete(a, params.position, contextOf(params.textDocument.uri)) as lsp.CompletionItem[],
    ),
  );
  connection.onHover((params, token) =>
    withDocument(params.textDocument.uri, token, (a) => hover(a, params.position) ?? null),
  );
  connection.onDefinition((params, token) =>
    withDocument(params.textDocument.uri, token, (a) =>
      definition(a, params.position, contextOf(params.textDocument.uri)),
    ),
  );
  connection.onReferences((params, token) =>
    withDocument(params.textDocument.uri, token, (a) =>
      references(a, params.position, contextOf(params.textDocument.uri), params.context.includeDeclaration),
    ),
  );
  connection.onPrepareRename((params, token) =>
    withDocument(params.textDocument.uri, token, (a) => {
      const prepared = prepareRename(a, params.position);
      if ("error" in prepared) throw new lsp.ResponseError(lsp.ErrorCodes.InvalidRequest, prepared.error);
      return prepared;
    }),
  );
  connection.onRenameRequest((params, token) =>
    withDocument(params.textDocument.uri, token, (a) => {
      const result = rename(a, params.position, params.newName, contextOf(params.textDocument.uri));
      if ("error" in result) throw new lsp.ResponseError(lsp.ErrorCodes.InvalidRequest, result.error);
      return result;
    }),
  );
  connection.onDocumentSymbol((params, token) =>
    withDocument(params.textDocument.uri, token, (a) => documentSymbols(a) as lsp.DocumentSymbol[]),
  );
  connection.onCodeAction((params, token) =>
    withDocument(
      params.textDocument.uri,
      token,
      (a) => codeActions(a, params.range, contextOf(params.textDocument.uri, a)) as lsp.CodeAction[],
    ),
  );
  connection.onDocumentLinks((params, token) =>
    withDocument(params.textDocument.uri, token, (a) => documentLinks(a, contextOf(params.textDocument.uri))),
  );

  connection.onFoldingRanges((params, token) =>
    withDocument(params.textDocument.uri, token, (a) => foldingRanges(a)),
  );
  connection.languages.inlayHint.on((params, token) =>
    withDocument(params.textDocument.uri, token, (a) => inlayHints(a, params.range) as lsp.InlayHint[]),
  );

  connection.languages.semanticTokens.on(
    (params, token) => withDocument(params.textDocument.uri, token, (a) => semanticTokens(a)) ?? { data: [] },
  );

  documents.listen(connection);
  connection.listen();
}

/** `.github/workflows/capstan-<name>.yml` of the repository holding `.capstan/pipelines/<file>`. */
function workflowPathFor(file: string, analysis: PipelineAnalysis): string | undefined {
  const name = generatedWorkflowName(analysis);
  const pipelinesDir = dirname(file);
  if (!name || !pipelinesDir.endsWith(join(".capstan", "pipelines"))) return undefined;
  return join(dirname(dirname(pipelinesDir)), ".github", "workflows", name);
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
