import type { Position, Range } from "../diagnostics/diagnostic.js";

/**
 * Result shapes of the language functions. They follow the Language Server Protocol's shapes
 * (same field names, numbers for kinds) so the server passes them through, but core does not
 * depend on any LSP package.
 */

/** A place in a file; `uri` is the document's own unless another file is meant. */
export interface Location {
  uri: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface WorkspaceEdit {
  changes?: Record<string, TextEdit[]>;
  /** Used when a file is created or replaced as a whole (LSP `documentChanges`). */
  documentChanges?: (TextDocumentEdit | CreateFile)[];
}

/** Edits to one document; `version: null` means "whatever is on disk or open". */
export interface TextDocumentEdit {
  textDocument: { uri: string; version: number | null };
  edits: TextEdit[];
}

export interface CreateFile {
  kind: "create";
  uri: string;
  options?: { overwrite?: boolean; ignoreIfExists?: boolean };
}

/** LSP DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint. */
export type DiagnosticSeverityNumber = 1 | 2 | 3 | 4;

export interface LanguageDiagnostic {
  range: Range;
  severity: DiagnosticSeverityNumber;
  code: string;
  source: "capstan";
  message: string;
  relatedInformation?: { location: Location; message: string }[];
  data?: Record<string, unknown>;
}

/** LSP CompletionItemKind values used here. */
export const CompletionKind = {
  Method: 2,
  Function: 3,
  Field: 5,
  Variable: 6,
  Module: 9,
  Property: 10,
  Value: 12,
  Enum: 13,
  Keyword: 14,
  Snippet: 15,
  File: 17,
  Reference: 18,
  EnumMember: 20,
  Constant: 21,
} as const;

export interface CompletionItem {
  label: string;
  kind: number;
  detail?: string;
  documentation?: { kind: "markdown"; value: string };
  /** Replaces `range` (the partly typed word) when accepted. */
  textEdit: TextEdit;
  /** 2 = snippet syntax (`$1`, `${1:default}`), 1 = plain text. */
  insertTextFormat?: 1 | 2;
  sortText?: string;
  filterText?: string;
}

export interface Hover {
  contents: { kind: "markdown"; value: string };
  range: Range;
}

/** LSP SymbolKind values used here. */
export const SymbolKind = {
  Module: 2,
  Function: 12,
  Variable: 13,
  Array: 18,
  Key: 20,
  Event: 24,
} as const;

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

export interface CodeAction {
  title: string;
  kind: "quickfix" | "refactor.rewrite";
  diagnostics?: LanguageDiagnostic[];
  isPreferred?: boolean;
  edit: WorkspaceEdit;
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
}

export interface DocumentLink {
  range: Range;
  target: string;
  tooltip?: string;
}

export interface InlayHint {
  position: Position;
  label: string;
  /** 1 = type, 2 = parameter. */
  kind?: 1 | 2;
  paddingLeft?: boolean;
}

/** Another pipeline of the repository (for `pipeline` stages and triggers). */
export interface WorkspacePipeline {
  name: string;
  uri: string;
}

/** What the language functions know beyond the document itself. */
export interface LanguageContext {
  /** The document's URI, used in locations and edits. */
  uri: string;
  /** Every pipeline in `.capstan/pipelines/` (this one included), when known. */
  pipelines?: readonly WorkspacePipeline[];
  /** Text of `.github/workflows/capstan-<name>.yml` when it exists (for the out-of-date check). */
  generatedWorkflow?: string;
  /** URI of that generated workflow (whether or not it exists yet), for "Regenerate workflow". */
  generatedWorkflowUri?: string;
  /** This file's path from the repository root (`.capstan/pipelines/x.yml`), as `capstan compile` names it. */
  pipelineFile?: string;
  /**
   * The Capstan action reference `capstan compile` would write in this repository (its
   * `.capstan/settings.yml`, else Capstan's package; see `resolveActionRefFrom`), for
   * "Regenerate workflow". Default: `DEFAULT_ACTION_REF`.
   */
  actionRef?: string;
  /**
   * The URI of a path relative to the repository root when that file or folder exists, else
   * undefined (document links to `run` stages' scripts and working directories).
   */
  resolveWorkspacePath?: (relativePath: string) => string | undefined;
}
