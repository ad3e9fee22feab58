import { isMap, isSeq, type Node } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadedDocument } from "../loader/yaml-loader.js";
import { buildPipeline } from "../model/build-pipeline.js";
import type { Pipeline, Stage } from "../model/types.js";
import type { StageCatalog } from "../stages/catalog.js";
import { shiftStage } from "./shift.js";

/** A block `stages` list whose items are all block maps with ranges. */
export type StageItemsSeq = Node & { items: Node[] };

/**
 * The `stages` list when every item is a block map with a range, the plain value has one entry
 * per item, and the file has no YAML problems or aliases; otherwise undefined (no per-item reuse).
 */
export function stageItemsSeq(document: LoadedDocument, hasAliases: boolean): StageItemsSeq | undefined {
  if (hasAliases || document.diagnostics.length > 0) return undefined;
  const root = document.yaml.contents as Node | null;
  if (!isMap(root)) return undefined;
  const seq = document.nodeAt(["stages"]);
  if (!seq || !isSeq(seq) || seq.flow || !seq.range || seq.items.length === 0) return undefined;
  for (const item of seq.items) if (!isMap(item) || !item.range) return undefined;
  const value = document.value as { stages?: unknown };
  if (!Array.isArray(value?.stages) || value.stages.length !== seq.items.length) return undefined;
  return seq as StageItemsSeq;
}

/** The pipeline model without its stages (parameters, triggers, settings...): cheap at any size. */
export function buildWithoutStages(document: LoadedDocument): {
  pipeline: Pipeline;
  diagnostics: Diagnostic[];
} {
  const root = document.value as Record<string, unknown>;
  return buildPipeline({ ...document, value: { ...root, stages: [] } });
}

/** The model of `stages` item k alone, with the index, paths and spans a full build gives it. */
export function buildStageAt(document: LoadedDocument, k: number, catalog?: StageCatalog): Stage {
  const root = document.value as Record<string, unknown>;
  // A sparse list: the builder skips holes, so only item k is built.
  const sparse: unknown[] = [];
  sparse[k] = (root.stages as unknown[])[k];
  return buildPipeline({ ...document, value: { ...root, stages: sparse } }, catalog).pipeline.stages[0];
}

/** A pipeline model with the `stages` item nodes it was built from and their start offsets then. */
export interface ModelSnapshot {
  pipeline: Pipeline;
  nodes: readonly Node[];
  starts: readonly number[];
}

/** The snapshot of a model built for `seq` as it is now. */
export function snapshotOf(pipeline: Pipeline, seq: StageItemsSeq): ModelSnapshot {
  return {
    pipeline,
    nodes: seq.items,
    starts: seq.items.map((n) => (n.range as [number, number, number])[0]),
  };
}

/**
 * The model of `document` from an earlier version's: a stage whose item node is the same object
 * (the incremental parse keeps unchanged items) is reused with its spans moved; others are built.
 * Undefined when the shapes do not match (the caller builds the whole model). Equals `buildPipeline`.
 */
export function deriveModel(
  document: LoadedDocument,
  seq: StageItemsSeq,
  prior: ModelSnapshot,
  catalog?: StageCatalog,
): ModelSnapshot | undefined {
  const n = seq.items.length;
  if (prior.nodes.length !== n || prior.pipeline.stages.length !== n) return undefined;
  const rest = buildWithoutStages(document).pipeline;
  const stages = seq.items.map((node, k) => {
    if (node !== prior.nodes[k]) return buildStageAt(document, k, catalog);
    const by = (node.range as [number, number, number])[0] - prior.starts[k];
    return by === 0 ? prior.pipeline.stages[k] : shiftStage(prior.pipeline.stages[k], by);
  });
  return snapshotOf({ ...rest, stages }, seq);
}
