import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceText } from "../diagnostics/source-text.js";
import type { LoadedDocument } from "../loader/yaml-loader.js";
import type { Pipeline } from "../model/types.js";
import type { ExpressionAnalysis, ExpressionSite } from "../validate/expressions.js";
import type { ValidateOptions } from "../validate/validate.js";
import type { StageRegions } from "./stage-regions.js";

/**
 * Everything the language features need about one version of a document: parsed once,
 * validated once, shared by diagnostics, completion, hover and navigation.
 * Built by `analyzePipeline` / `updateAnalysis` (analysis.ts); declared here so the modules
 * analysis.ts uses (incremental.ts) can name it without importing analysis.ts back.
 */
export interface PipelineAnalysis {
  readonly version: number;
  readonly text: string;
  readonly source: SourceText;
  readonly document: LoadedDocument;
  /** The pipeline model; before validation, built on its own (no checks run). */
  readonly pipeline: Pipeline;
  /** Every problem `capstan validate` reports, sorted by position. */
  readonly diagnostics: Diagnostic[];
  /** Every `${ }` with its tree and references (from the same pass as the diagnostics). */
  readonly expressions: ExpressionAnalysis;
  /** The `stages` items by line (computed on first use). */
  readonly regions: StageRegions;
  /** How this version was parsed: all of it, or only the edited stage item. */
  readonly parse: "full" | "stage-item";
  /** Anchors or aliases anywhere: splicing one item could change other nodes, so never splice. */
  readonly hasAliases: boolean;
  readonly options: ValidateOptions;
  /** Whether this version has been validated yet (validation runs on first use). */
  readonly validated: boolean;
  /**
   * The `${ }` site at an offset (ends included). Before validation only that one scalar is
   * checked, so hover and navigation do not validate the whole document.
   */
  expressionSiteAt(offset: number): ExpressionSite | undefined;
}
