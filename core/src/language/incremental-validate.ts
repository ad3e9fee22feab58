import type { Document, Node } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { CheckEnvironment } from "../expr/checker.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import type { Pipeline, Stage } from "../model/types.js";
import { validateSchema } from "../schema/index.js";
import {
  analyzeExpressions,
  deriveExpressionEnvironment,
  type ExpressionAnalysis,
  type ExpressionSite,
  expressionEnvironment,
  expressionSitesIn,
  stageEnvironment,
  withCurrentStage,
} from "../validate/expressions.js";
import { checkFields } from "../validate/field-checks.js";
import { checkDuplicateNames, checkStageGraph } from "../validate/graph-checks.js";
import { checkUnquotedExpressions } from "../validate/unquoted-expressions.js";
import {
  assembleDiagnostics,
  cutLineFilter,
  stageTypesOf,
  type ValidateOptions,
  type ValidationParts,
  validateParts,
} from "../validate/validate.js";
import { moveDiagnostic, shiftDiagnostic, shiftSite, shiftStage } from "./shift.js";
import { buildStageAt, buildWithoutStages, stageItemsSeq } from "./stage-model.js";

/** What one `stages` item contributed, at the offsets it had when computed (`base`). */
interface ItemState {
  node: Node;
  base: number;
  /** The stage's model, at offsets `stageBy` characters before where it is now (moved when read). */
  stage: Stage;
  stageBy: number;
  unquoted: Diagnostic[];
  schema: Diagnostic[];
  fields: Diagnostic[];
  /** The stage type's own checks (`check` of its handler). */
  handlers: Diagnostic[];
  /** The item's `${ }` sites, at offsets `sitesBy` characters before where they are now. */
  sites: ExpressionSite[];
  /**
   * How far the sites moved since they were computed. They are moved when someone reads them (the
   * language features), not on every edit: diagnostics do not need them, and typing before a
   * thousand stages would otherwise copy a thousand sites per keystroke.
   */
  sitesBy: number;
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
  /** `checkStageGraph` of this version (ids and dependsOn only), reused while those stay. */
  graph: Diagnostic[];
  /** What expressions were checked against, derived for the next version while ids and dependsOn stay. */
  environment: CheckEnvironment;
  /** Stages per `name:` value, to run the duplicate-name check only while some name is shared. */
  names: NameCounts;
  /** Which items' expressions must be checked again when a stage changes. */
  watch: Watchers;
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
  const seq = stageItemsSeq(document, hasAliases);
  if (!seq) return full(document, options, undefined);
  if (!previous || previous.seq !== seq || previous.items.length !== seq.items.length)
    return full(document, options, seq);
  return incremental(document, options, seq, previous);
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
    stageBy: 0,
    unquoted: [],
    schema: [],
    fields: [],
    handlers: [],
    sites: [],
    sitesBy: 0,
    expressions: [],
  }));
  for (const d of parts.handlers) {
    const k = owner(d.span.start);
    // A handler finding outside its stage cannot be kept per item: no state, no reuse.
    if (k < 0 || k >= n) return { pipeline: parts.pipeline, diagnostics, expressions };
    items[k].handlers.push(d);
  }
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
    state: {
      seq,
      items,
      before,
      after,
      afterBase,
      graph: checkStageGraph(parts.pipeline),
      environment: expressions.environment,
      names: countNames(parts.pipeline.stages),
      watch: watchersOf(items),
    },
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
  const { pipeline: rest, diagnostics: build } = buildWithoutStages(document);
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
  // The stages' models are moved to their offsets when someone reads them (the language features,
  // or a check over every stage), not on every edit.
  const pipeline = { ...rest } as Pipeline;
  let stages: Stage[] | undefined;
  Object.defineProperty(pipeline, "stages", {
    get: () => {
      stages ??= items.map(settledStage);
      return stages;
    },
    enumerable: true,
    configurable: true,
  });
  const names = previous.names;
  for (const k of fresh) recount(names, previous.items[k].stage, items[k].stage);
  const { registry } = stageTypesOf(options);
  for (const k of fresh)
    items[k].handlers = registry.get(items[k].stage.type)?.check?.(items[k].stage, pipeline) ?? [];
  const graph =
    (recheckAll || (changedNames.size > 0 && previous.graph.some((d) => d.code === "duplicate-stage-id"))
      ? undefined
      : moveGraph(previous, starts, afterDelta, fresh)) ?? checkStageGraph(pipeline);
  const environment = recheckAll
    ? expressionEnvironment(pipeline)
    : deriveExpressionEnvironment(
        previous.environment,
        pipeline,
        new Map([...fresh].map((k) => [k, items[k].stage])),
      );
  const watch = previous.watch;
  for (const k of fresh) unwatch(watch, k, previous.items[k]);
  for (const k of recheckAll ? items.keys() : toRecheck(watch, fresh, changedNames)) {
    const item = items[k];
    if (item.sites.length === 0 && !fresh.has(k)) continue;
    const env = withCurrentStage(environment, items[k].stage.id);
    const found = expressionSitesIn(document.source.text, item.node, () => ({ stageIndex: k, env }));
    unwatch(watch, k, item);
    item.sites = found.sites;
    item.sitesBy = 0;
    item.expressions = found.diagnostics;
    watchItem(watch, k, item);
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
  const itemExpressions: Diagnostic[] = [];
  for (const item of items) {
    if (item.expressions.length === 0) continue;
    const notCut = cutLineFilter(document, item.unquoted);
    for (const d of item.expressions) if (notCut(d)) itemExpressions.push(d);
  }
  const beforeSites = outside.sites.filter((s) => s.span.start < starts[0]);
  const afterSites = outside.sites.filter((s) => s.span.start >= starts[0]);
  const outsideExpressions = outside.diagnostics.filter(notCutOutside);
  const extra: Diagnostic[] = [];
  for (const check of options.extraChecks ?? []) extra.push(...check(document, pipeline));
  // One pass over the items collects what each kept or recomputed (most lists are empty).
  const unquoted = [...before.unquoted];
  const schema = [...before.schema];
  const fields = [...before.fields];
  const handlers: Diagnostic[] = [];
  let sites: ExpressionSite[] | undefined;
  const itemFindings: Diagnostic[] = [];
  for (const item of items) {
    if (item.unquoted.length > 0) unquoted.push(...item.unquoted);
    if (item.schema.length > 0) schema.push(...item.schema);
    if (item.fields.length > 0) fields.push(...item.fields);
    if (item.handlers.length > 0) handlers.push(...item.handlers);
    if (item.expressions.length > 0) itemFindings.push(...item.expressions);
  }
  unquoted.push(...after.unquoted);
  schema.push(...after.schema);
  fields.push(...after.fields);
  const parts: ValidationParts = {
    pipeline,
    yaml: [],
    unquoted,
    root: [],
    schema,
    build,
    graph: names.shared > 0 ? [...graph, ...checkDuplicateNames(pipeline)] : graph,
    fields,
    handlers,
    expressions: [
      ...outsideExpressions.filter((d) => d.span.start < starts[0]),
      ...itemExpressions,
      ...outsideExpressions.filter((d) => d.span.start >= starts[0]),
    ],
    extra,
  };
  const expressions: ExpressionAnalysis = {
    get sites() {
      sites ??= [...beforeSites, ...settledSites(items), ...afterSites];
      return sites;
    },
    diagnostics: [
      ...outside.diagnostics.filter((d) => d.span.start < starts[0]),
      ...itemFindings,
      ...outside.diagnostics.filter((d) => d.span.start >= starts[0]),
    ],
    environment,
  };
  return {
    pipeline,
    diagnostics: assembleDiagnostics(parts, document.source.text.length),
    expressions,
    state: { seq, items, before, after, afterBase, graph, environment, names, watch },
  };
}

/**
 * The previous version's graph findings at this version's offsets, or undefined when one of
 * them points into a re-parsed item (its spans there are unknown: check again).
 */
function moveGraph(
  previous: ValidationState,
  starts: number[],
  afterDelta: number,
  fresh: ReadonlySet<number>,
): Diagnostic[] | undefined {
  const n = previous.items.length;
  const owner = ownerOf(
    previous.items.map((item) => item.base),
    previous.afterBase,
  );
  const move = (offset: number): number | undefined => {
    const k = owner(offset);
    if (k < 0) return offset;
    if (k >= n) return offset + afterDelta;
    return fresh.has(k) ? undefined : offset + starts[k] - previous.items[k].base;
  };
  const out: Diagnostic[] = [];
  for (const d of previous.graph) {
    const moved = moveDiagnostic(d, move);
    if (!moved) return undefined;
    out.push(moved);
  }
  return out;
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
  const stage = buildStageAt(document, k, options.stages);
  const unquoted = checkUnquotedExpressions({ ...document, yaml: node as unknown as Document.Parsed });
  const notCut = cutLineFilter(document, unquoted);
  // The schema sees a one-item list whose paths are mapped back to item k.
  const remap = (path: readonly PathSegment[]): readonly PathSegment[] =>
    path[0] === "stages" && path[1] === 0 ? ["stages", k, ...path.slice(2)] : path;
  const schema = validateSchema(
    {
      ...document,
      value: { ...root, stages: [raws[k]] },
      nodeAt: (path) => document.nodeAt(remap(path)),
      locate: (path) => document.locate(remap(path)),
    },
    options.stages,
  ).filter((d) => owner(d.span.start) === k && notCut(d));
  const fields = checkFields(
    { ...rest, stages: [stage], triggers: [], parameters: [] },
    options.runnableTypes,
    options.stages,
  );
  return {
    node,
    base: (node.range as [number, number, number])[0],
    stage,
    stageBy: 0,
    unquoted,
    schema,
    fields,
    handlers: [],
    sites: [],
    sitesBy: 0,
    expressions: [],
  };
}

function shiftItem(item: ItemState, by: number): ItemState {
  // Unmoved: the same object (the previous version's state is not used again).
  if (by === 0) return item;
  const shift = (list: Diagnostic[]) => list.map((d) => shiftDiagnostic(d, by));
  return {
    node: item.node,
    base: item.base + by,
    stage: item.stage,
    stageBy: item.stageBy + by,
    unquoted: shift(item.unquoted),
    schema: shift(item.schema),
    fields: shift(item.fields),
    handlers: shift(item.handlers),
    sites: item.sites,
    sitesBy: item.sitesBy + by,
    expressions: shift(item.expressions),
  };
}

function shiftOutside(state: OutsideState, by: number): OutsideState {
  if (by === 0) return state;
  const shift = (list: Diagnostic[]) => list.map((d) => shiftDiagnostic(d, by));
  return { unquoted: shift(state.unquoted), schema: shift(state.schema), fields: shift(state.fields) };
}

/** How many stages have each `name:` value, and how many values more than one has. */
interface NameCounts {
  counts: Map<string, number>;
  shared: number;
}

/** Only stages with a `name:` field count, as in `checkDuplicateNames`. */
const namedAs = (stage: Stage): string | undefined => (stage.source.fields.name ? stage.name : undefined);

function countNames(stages: readonly Stage[]): NameCounts {
  const names: NameCounts = { counts: new Map(), shared: 0 };
  for (const stage of stages) add(names, namedAs(stage), 1);
  return names;
}

/** Moves the counts from `before` to `after` (in place: the previous version is not used again). */
function recount(names: NameCounts, before: Stage, after: Stage): void {
  add(names, namedAs(before), -1);
  add(names, namedAs(after), 1);
}

function add(names: NameCounts, name: string | undefined, by: 1 | -1): void {
  if (name === undefined) return;
  const was = names.counts.get(name) ?? 0;
  const now = was + by;
  if (now > 0) names.counts.set(name, now);
  else names.counts.delete(name);
  if (was < 2 && now >= 2) names.shared++;
  if (was >= 2 && now < 2) names.shared--;
}

/**
 * The items whose expressions a change can affect, kept up to date as items are checked again: by
 * the names their `${ }` references use, those with an unresolved reference (a new stage may
 * resolve it) and those with findings (which may name other stages).
 */
interface Watchers {
  byName: Map<string, Set<number>>;
  unresolved: Set<number>;
  withFindings: Set<number>;
}

function watchersOf(items: readonly ItemState[]): Watchers {
  const watch: Watchers = { byName: new Map(), unresolved: new Set(), withFindings: new Set() };
  for (let k = 0; k < items.length; k++) watchItem(watch, k, items[k]);
  return watch;
}

function watchItem(watch: Watchers, k: number, item: ItemState): void {
  if (item.expressions.length > 0) watch.withFindings.add(k);
  for (const site of item.sites)
    for (const reference of site.references) {
      if (!reference.resolved) watch.unresolved.add(k);
      const list = watch.byName.get(reference.name);
      if (list) list.add(k);
      else watch.byName.set(reference.name, new Set([k]));
    }
}

function unwatch(watch: Watchers, k: number, item: ItemState): void {
  watch.withFindings.delete(k);
  watch.unresolved.delete(k);
  for (const site of item.sites)
    for (const reference of site.references) {
      const list = watch.byName.get(reference.name);
      list?.delete(k);
      if (list?.size === 0) watch.byName.delete(reference.name);
    }
}

/** The items to check again, in order: new ones, and those watching a changed name. */
function toRecheck(watch: Watchers, fresh: ReadonlySet<number>, changedNames: ReadonlySet<string>): number[] {
  const out = new Set<number>([...fresh, ...watch.withFindings, ...watch.unresolved]);
  for (const name of changedNames) for (const k of watch.byName.get(name) ?? []) out.add(k);
  return [...out].sort((a, b) => a - b);
}

/** Every item's sites in order, moved to where they are now (each item's are moved once). */
function settledSites(items: readonly ItemState[]): ExpressionSite[] {
  const out: ExpressionSite[] = [];
  for (const item of items) {
    if (item.sitesBy !== 0) {
      const by = item.sitesBy;
      item.sites = item.sites.map((site) => shiftSite(site, by));
      item.sitesBy = 0;
    }
    for (const site of item.sites) out.push(site);
  }
  return out;
}

/** An item's stage model moved to where it is now (once: the item keeps the moved one). */
function settledStage(item: ItemState): Stage {
  if (item.stageBy !== 0) {
    item.stage = shiftStage(item.stage, item.stageBy);
    item.stageBy = 0;
  }
  return item.stage;
}
