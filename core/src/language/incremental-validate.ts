import { type Document, isMap, isSeq, type Node } from "yaml";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import { buildPipeline } from "../model/build-pipeline.js";
import type { NodeSource, Pipeline, Stage } from "../model/types.js";
import { validateSchema } from "../schema/index.js";
import { checkStageHandlers } from "../stages/index.js";
import {
  analyzeExpressions,
  type ExpressionAnalysis,
  type ExpressionSite,
  expressionEnvironment,
  expressionSitesIn,
  stageEnvironment,
} from "../validate/expressions.js";
import { checkFields } from "../validate/field-checks.js";
import { checkGraph } from "../validate/graph-checks.js";
import { checkUnquotedExpressions } from "../validate/unquoted-expressions.js";
import {
  assembleDiagnostics,
  cutLineFilter,
  defaultStageTypes,
  type ValidateOptions,
  type ValidationParts,
  validateParts,
} from "../validate/validate.js";

/** What one `stages` item contributed, at the offsets it had when computed (`base`). */
interface ItemState {
  node: Node;
  base: number;
  stage: Stage;
  unquoted: Diagnostic[];
  schema: Diagnostic[];
  fields: Diagnostic[];
  sites: ExpressionSite[];
  /** Unfiltered expression diagnostics of the item's sites. */
  expressions: Diagnostic[];
}

/** Findings outside the `stages` items (before them, or after them at `afterBase`). */
interface OutsideState {
  unquoted: Diagnostic[];
  schema: Diagnostic[];
  fields: Diagnostic[];
}

/** Per-item validation results kept between versions of one document. */
export interface ValidationState {
  seq: Node;
  items: ItemState[];
  before: OutsideState;
  after: OutsideState;
  afterBase: number;
}

export interface IncrementalValidation {
  pipeline: Pipeline;
  diagnostics: Diagnostic[];
  expressions: ExpressionAnalysis;
  /** Undefined when the document's shape does not allow per-item reuse. */
  state?: ValidationState;
}

/**
 * Validates a document, reusing what `previous` computed for `stages` items whose YAML node is
 * unchanged (the incremental parse keeps their node objects and shifts their ranges). Only new
 * items get schema, field and expression checks; expressions in other items are re-checked when
 * the edit renamed or retyped a stage they name, changed an id or dependsOn, or they had problems.
 * Graph checks, expressions outside `stages` and extra checks always run. The result equals
 * `validateDocument` on the same document.
 */
export function validateIncrementally(
  document: LoadedDocument,
  options: ValidateOptions,
  hasAliases: boolean,
  previous: ValidationState | undefined,
): IncrementalValidation {
  const seq = itemsSeq(document, hasAliases);
  if (!seq) return full(document, options, undefined);
  if (!previous || previous.seq !== seq || previous.items.length !== seq.items.length)
    return full(document, options, seq);
  return incremental(document, options, seq, previous);
}

/** The `stages` list when every item is a block map with a range and the file is clean; else undefined. */
function itemsSeq(document: LoadedDocument, hasAliases: boolean): (Node & { items: unknown[] }) | undefined {
  if (hasAliases || document.diagnostics.length > 0) return undefined;
  const root = document.yaml.contents as Node | null;
  if (!isMap(root)) return undefined;
  const seq = document.nodeAt(["stages"]);
  if (!seq || !isSeq(seq) || seq.flow || !seq.range || seq.items.length === 0) return undefined;
  for (const item of seq.items) if (!isMap(item) || !item.range) return undefined;
  const value = document.value as { stages?: unknown };
  if (!Array.isArray(value?.stages) || value.stages.length !== seq.items.length) return undefined;
  return seq as Node & { items: unknown[] };
}

/** Ownership: -1 before the items, k inside item k's window, n after. */
function ownerOf(starts: number[], end: number): (offset: number) => number {
  return (offset) => {
    if (offset < starts[0]) return -1;
    if (offset >= end) return starts.length;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

function full(
  document: LoadedDocument,
  options: ValidateOptions,
  seq: (Node & { items: unknown[] }) | undefined,
): IncrementalValidation {
  const parts = validateParts(document, options);
  const diagnostics = assembleDiagnostics(parts, document.source.text.length);
  // analyzeExpressions is memoized per document and pipeline: this reuses the validator's pass.
  const expressions = analyzeExpressions(document, parts.pipeline);
  if (!seq || parts.pipeline.stages.length !== seq.items.length) {
    return { pipeline: parts.pipeline, diagnostics, expressions };
  }
  const nodes = seq.items as Node[];
  const starts = nodes.map((n) => (n.range as [number, number, number])[0]);
  const afterBase = (seq.range as [number, number, number])[2];
  const owner = ownerOf(starts, afterBase);
  const n = nodes.length;
  const items: ItemState[] = nodes.map((node, k) => ({
    node,
    base: starts[k],
    stage: parts.pipeline.stages[k],
    unquoted: [],
    schema: [],
    fields: [],
    sites: [],
    expressions: [],
  }));
  const before: OutsideState = { unquoted: [], schema: [], fields: [] };
  const after: OutsideState = { unquoted: [], schema: [], fields: [] };
  for (const key of ["unquoted", "schema", "fields"] as const) {
    // Unfiltered schema findings would need the cut filter again; parts hold the filtered ones,
    // and per-item recomputation filters the same way.
    for (const d of parts[key]) {
      const k = owner(d.span.start);
      (k < 0 ? before : k >= n ? after : items[k])[key].push(d);
    }
  }
  for (const site of expressions.sites) {
    if (site.stageIndex !== undefined) items[site.stageIndex].sites.push(site);
  }
  for (const d of expressions.diagnostics) {
    const k = owner(d.span.start);
    if (k >= 0 && k < n) items[k].expressions.push(d);
  }
  return {
    pipeline: parts.pipeline,
    diagnostics,
    expressions,
    state: { seq, items, before, after, afterBase },
  };
}

function incremental(
  document: LoadedDocument,
  options: ValidateOptions,
  seq: Node & { items: unknown[] },
  previous: ValidationState,
): IncrementalValidation {
  const nodes = seq.items as Node[];
  const root = document.value as Record<string, unknown>;
  const raws = root.stages as unknown[];
  const { pipeline: rest, diagnostics: build } = buildPipeline({
    ...document,
    value: { ...root, stages: [] },
  });
  const afterBase = (seq.range as [number, number, number])[2];
  const afterDelta = afterBase - previous.afterBase;
  const n = nodes.length;
  const starts = nodes.map((node) => (node.range as [number, number, number])[0]);
  const owner = ownerOf(starts, afterBase);

  const items: ItemState[] = [];
  const fresh = new Set<number>();
  const changedNames = new Set<string>();
  let recheckAll = false;
  for (let k = 0; k < n; k++) {
    const node = nodes[k];
    const old = previous.items[k];
    if (old.node === node) {
      items.push(shiftItem(old, starts[k] - old.base));
      continue;
    }
    const item = computeItem(document, root, raws, k, node, rest, options, owner);
    items.push(item);
    fresh.add(k);
    const a = old.stage;
    const b = item.stage;
    if (a.id !== b.id || a.dependsOn.join("\n") !== b.dependsOn.join("\n")) recheckAll = true;
    else if (a.name !== b.name || a.type !== b.type || inputsOf(a) !== inputsOf(b)) {
      for (const name of [a.id, a.name, b.name]) changedNames.add(name);
    }
  }
  const pipeline: Pipeline = { ...rest, stages: items.map((item) => item.stage) };
  const environment = expressionEnvironment(pipeline);
  for (let k = 0; k < n; k++) {
    const item = items[k];
    const recheck =
      recheckAll ||
      fresh.has(k) ||
      item.expressions.length > 0 ||
      item.sites.some((site) => site.references.some((r) => !r.resolved || changedNames.has(r.name)));
    if (!recheck || (item.sites.length === 0 && !fresh.has(k))) continue;
    const env = stageEnvironment(environment, pipeline, k);
    const found = expressionSitesIn(document.source.text, item.node, () => ({ stageIndex: k, env }));
    item.sites = found.sites;
    item.expressions = found.diagnostics;
  }
  const stagesNode = seq;
  const outsideEnv = stageEnvironment(environment, pipeline, undefined);
  const outside = expressionSitesIn(
    document.source.text,
    document.yaml,
    () => ({ stageIndex: undefined, env: outsideEnv }),
    stagesNode,
  );
  const before = previous.before;
  const after = shiftOutside(previous.after, afterDelta);
  const outsideUnquoted = [...before.unquoted, ...after.unquoted];
  const notCutOutside = cutLineFilter(document, outsideUnquoted);
  const itemExpressions = items.flatMap((item) =>
    item.expressions.filter(cutLineFilter(document, item.unquoted)),
  );
  const beforeSites = outside.sites.filter((s) => s.span.start < starts[0]);
  const afterSites = outside.sites.filter((s) => s.span.start >= starts[0]);
  const outsideExpressions = outside.diagnostics.filter(notCutOutside);
  const extra: Diagnostic[] = [];
  for (const check of options.extraChecks ?? []) extra.push(...check(document, pipeline));
  const gather = (key: keyof OutsideState) => [
    ...before[key],
    ...items.flatMap((item) => item[key]),
    ...after[key],
  ];
  const parts: ValidationParts = {
    pipeline,
    yaml: [],
    unquoted: gather("unquoted"),
    root: [],
    schema: gather("schema"),
    build,
    graph: checkGraph(pipeline),
    fields: gather("fields"),
    handlers: checkStageHandlers(pipeline, defaultStageTypes().registry),
    expressions: [
      ...outsideExpressions.filter((d) => d.span.start < starts[0]),
      ...itemExpressions,
      ...outsideExpressions.filter((d) => d.span.start >= starts[0]),
    ],
    extra,
  };
  const expressions: ExpressionAnalysis = {
    sites: [...beforeSites, ...items.flatMap((item) => item.sites), ...afterSites],
    diagnostics: [
      ...outside.diagnostics.filter((d) => d.span.start < starts[0]),
      ...items.flatMap((item) => item.expressions),
      ...outside.diagnostics.filter((d) => d.span.start >= starts[0]),
    ],
    environment,
  };
  return {
    pipeline,
    diagnostics: assembleDiagnostics(parts, document.source.text.length),
    expressions,
    state: { seq, items, before, after, afterBase },
  };
}

const inputsOf = (stage: Stage): string =>
  "inputs" in stage && Array.isArray(stage.inputs) ? stage.inputs.join("\n") : "";

/** Builds and checks one `stages` item against views of the document limited to it. */
function computeItem(
  document: LoadedDocument,
  root: Record<string, unknown>,
  raws: unknown[],
  k: number,
  node: Node,
  rest: Pipeline,
  options: ValidateOptions,
  owner: (offset: number) => number,
): ItemState {
  // A sparse list: the builder skips holes, so only item k is built, with its real index and paths.
  const sparse: unknown[] = [];
  sparse[k] = raws[k];
  const stage = buildPipeline({ ...document, value: { ...root, stages: sparse } }).pipeline.stages[0];
  const unquoted = checkUnquotedExpressions({ ...document, yaml: node as unknown as Document.Parsed });
  const notCut = cutLineFilter(document, unquoted);
  // The schema sees a one-item list whose paths are mapped back to item k.
  const remap = (path: readonly PathSegment[]): readonly PathSegment[] =>
    path[0] === "stages" && path[1] === 0 ? ["stages", k, ...path.slice(2)] : path;
  const schema = validateSchema({
    ...document,
    value: { ...root, stages: [raws[k]] },
    nodeAt: (path) => document.nodeAt(remap(path)),
    locate: (path) => document.locate(remap(path)),
  }).filter((d) => owner(d.span.start) === k && notCut(d));
  const fields = checkFields(
    { ...rest, stages: [stage], triggers: [], parameters: [] },
    options.runnableTypes,
  );
  return {
    node,
    base: (node.range as [number, number, number])[0],
    stage,
    unquoted,
    schema,
    fields,
    sites: [],
    expressions: [],
  };
}

const shiftSpan = (span: Span, by: number): Span => ({ start: span.start + by, end: span.end + by });

function shiftDiagnostic(d: Diagnostic, by: number): Diagnostic {
  const out: Diagnostic = { ...d, span: shiftSpan(d.span, by) };
  if (d.related) out.related = d.related.map((r) => ({ ...r, span: shiftSpan(r.span, by) }));
  if (d.data && (typeof d.data.fixStart === "number" || typeof d.data.fixEnd === "number")) {
    const data = { ...d.data };
    if (typeof data.fixStart === "number") data.fixStart += by;
    if (typeof data.fixEnd === "number") data.fixEnd += by;
    out.data = data;
  }
  return out;
}

function shiftSource(source: NodeSource, by: number): NodeSource {
  const fields: NodeSource["fields"] = {};
  for (const [key, field] of Object.entries(source.fields)) {
    Object.defineProperty(fields, key, {
      value: { key: shiftSpan(field.key, by), value: shiftSpan(field.value, by) },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { span: shiftSpan(source.span, by), fields };
}

function shiftStage(stage: Stage, by: number): Stage {
  const out = {
    ...stage,
    source: shiftSource(stage.source, by),
    dependsOnSpans: stage.dependsOnSpans.map((s) => shiftSpan(s, by)),
    window: stage.window && { ...stage.window, source: shiftSource(stage.window.source, by) },
    notifications: stage.notifications.map((n) => ({ ...n, source: shiftSource(n.source, by) })),
  } as Stage;
  if ("preconditions" in stage && Array.isArray(stage.preconditions)) {
    (out as { preconditions: unknown }).preconditions = stage.preconditions.map((p) => ({
      ...p,
      source: shiftSource(p.source, by),
    }));
  }
  return out;
}

function shiftSite(site: ExpressionSite, by: number): ExpressionSite {
  return {
    ...site,
    span: shiftSpan(site.span, by),
    offsets: site.offsets?.map((o) => o + by),
    expressions: site.expressions.map((e) => ({
      ...e,
      span: shiftSpan(e.span, by),
      sourceSpan: shiftSpan(e.sourceSpan, by),
    })),
    references: site.references.map((r) => ({ ...r, span: shiftSpan(r.span, by) })),
  };
}

function shiftItem(item: ItemState, by: number): ItemState {
  if (by === 0) return { ...item };
  const shift = (list: Diagnostic[]) => list.map((d) => shiftDiagnostic(d, by));
  return {
    node: item.node,
    base: item.base + by,
    stage: shiftStage(item.stage, by),
    unquoted: shift(item.unquoted),
    schema: shift(item.schema),
    fields: shift(item.fields),
    sites: item.sites.map((s) => shiftSite(s, by)),
    expressions: shift(item.expressions),
  };
}

function shiftOutside(state: OutsideState, by: number): OutsideState {
  if (by === 0) return state;
  const shift = (list: Diagnostic[]) => list.map((d) => shiftDiagnostic(d, by));
  return { unquoted: shift(state.unquoted), schema: shift(state.schema), fields: shift(state.fields) };
}
