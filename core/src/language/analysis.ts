import { isAlias, isScalar, type Node, visit } from "yaml";
import { type LoadedDocument, loadYaml } from "../loader/yaml-loader.js";
import { buildPipeline } from "../model/build-pipeline.js";
import type { Pipeline } from "../model/types.js";
import { type ExpressionSite, expressionSiteOf } from "../validate/expressions.js";
import type { ValidateOptions } from "../validate/validate.js";
import { spliceStageEdit } from "./incremental.js";
import {
  type IncrementalValidation,
  type ValidationState,
  validateIncrementally,
} from "./incremental-validate.js";
import type { PipelineAnalysis } from "./pipeline-analysis.js";
import { deriveModel, type ModelSnapshot, snapshotOf, stageItemsSeq } from "./stage-model.js";
import { findStageRegions, type StageRegions } from "./stage-regions.js";
import { nodeAtOffset } from "./yaml-path.js";

export type { PipelineAnalysis } from "./pipeline-analysis.js";

/** Parses and validates a whole document. */
export function analyzePipeline(
  text: string,
  version = 0,
  options: ValidateOptions = {},
  path = "<input>",
): PipelineAnalysis {
  const document = loadYaml(text, path, options);
  return build(document, version, "full", hasAnchorsOrAliases(document), options);
}

/**
 * The analysis of a new version of a document. When the edit stays inside one top-level
 * `stages` item and keeps the structure, only that item is re-parsed and spliced into the
 * previous tree; otherwise the whole text is parsed. Either way the result equals a fresh
 * `analyzePipeline(text)`. The previous analysis must not be used afterwards (its tree is reused).
 */
export function updateAnalysis(previous: PipelineAnalysis, text: string, version: number): PipelineAnalysis {
  if (text === previous.text) return Object.assign(Object.create(previous) as PipelineAnalysis, { version });
  if (!previous.hasAliases) {
    const spliced = spliceStageEdit(previous, text);
    if (spliced)
      return build(
        spliced.document,
        version,
        "stage-item",
        false,
        previous.options,
        previous,
        spliced.regions,
      );
  }
  return analyzePipeline(text, version, previous.options, previous.source.path);
}

function build(
  document: LoadedDocument,
  version: number,
  parse: PipelineAnalysis["parse"],
  hasAliases: boolean,
  options: ValidateOptions,
  previous?: PipelineAnalysis,
  knownRegions?: StageRegions,
): PipelineAnalysis {
  // Validation runs on first use (diagnostics, or a feature reading the pipeline), not on parse:
  // a burst of edits and completions only validates the versions someone asks about.
  let base = previous ? stateOf(previous) : undefined;
  // The newest model the chain has, so this version's model only builds the edited stage.
  let prior = previous ? modelOf(previous) : undefined;
  let validated: IncrementalValidation | undefined;
  const run = (): IncrementalValidation => {
    if (!validated) {
      validated = validateIncrementally(document, options, hasAliases, base);
      base = undefined;
      prior = undefined;
    }
    return validated;
  };
  let regions: StageRegions | undefined = knownRegions;
  // The model without the checks, for features that only read it (completion, hover, folding).
  let model: ModelSnapshot | undefined;
  let plainModel: Pipeline | undefined;
  const pipeline = (): Pipeline => {
    if (validated) return validated.pipeline;
    if (model) return model.pipeline;
    if (plainModel) return plainModel;
    const seq = stageItemsSeq(document, hasAliases);
    model = seq && prior ? deriveModel(document, seq, prior, options.stages) : undefined;
    prior = undefined;
    if (model) return model.pipeline;
    plainModel = buildPipeline(document, options.stages).pipeline;
    if (seq) model = snapshotOf(plainModel, seq);
    return plainModel;
  };
  let validatedModel: ModelSnapshot | undefined;
  const newestModel = (): ModelSnapshot | undefined => {
    if (validated?.state) {
      validatedModel ??= {
        pipeline: validated.pipeline,
        nodes: validated.state.items.map((item) => item.node),
        starts: validated.state.items.map((item) => item.base),
      };
      return validatedModel;
    }
    return model ?? prior;
  };
  const analysis: PipelineAnalysis & {
    [STATE]: () => ValidationState | undefined;
    [MODEL]: () => ModelSnapshot | undefined;
  } = {
    version,
    text: document.source.text,
    source: document.source,
    document,
    get pipeline() {
      return pipeline();
    },
    get diagnostics() {
      return run().diagnostics;
    },
    get expressions() {
      return run().expressions;
    },
    get regions() {
      regions ??= findStageRegions(document.source);
      return regions;
    },
    get validated() {
      return validated !== undefined;
    },
    parse,
    hasAliases,
    options,
    expressionSiteAt(offset) {
      if (validated) return siteIn(validated.expressions.sites, offset);
      const hit = nodeAtOffset({ document }, offset);
      return hit && isScalar(hit.node)
        ? expressionSiteOf(document, pipeline(), hit.node, hit.isKey)
        : undefined;
    },
    // The newest per-item results this chain has: this version's, or the one it would start from.
    [STATE]: () => validated?.state ?? base,
    [MODEL]: newestModel,
  };
  return analysis;
}

const STATE = Symbol("validation state");
const MODEL = Symbol("pipeline model");

/** Binary search of sites sorted by position; ends are inclusive (a cursor right after a scalar). */
function siteIn(sites: readonly ExpressionSite[], offset: number): ExpressionSite | undefined {
  let lo = 0;
  let hi = sites.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = sites[mid].span;
    if (offset < span.start) hi = mid - 1;
    else if (offset > span.end) lo = mid + 1;
    else return sites[mid];
  }
  return undefined;
}

function modelOf(analysis: PipelineAnalysis): ModelSnapshot | undefined {
  return (analysis as PipelineAnalysis & { [MODEL]?: () => ModelSnapshot | undefined })[MODEL]?.();
}

function stateOf(analysis: PipelineAnalysis): ValidationState | undefined {
  return (analysis as PipelineAnalysis & { [STATE]?: () => ValidationState | undefined })[STATE]?.();
}

function hasAnchorsOrAliases(document: LoadedDocument): boolean {
  let found = false;
  visit(document.yaml, (_key, node) => {
    if (isAlias(node) || (node as (Node & { anchor?: string }) | null)?.anchor) {
      found = true;
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}
