import { isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import type { Span } from "../diagnostics/diagnostic.js";
import type { CheckEnvironment } from "../expr/checker.js";
import type { Pipeline } from "../model/types.js";
import {
  type ExpressionSite,
  expressionEnvironment,
  expressionSitesIn,
  stageEnvironment,
} from "../validate/expressions.js";
import type { PipelineAnalysis } from "./analysis.js";

/**
 * The `${ }` sites (string scalars holding `${`, parsed and checked, with their references) that
 * overlap the file offsets `from`..`to` (half-open), sorted by position. Read-only features use
 * this instead of `analysis.expressions`, which would validate the whole document: once the
 * version is validated its sites are reused; before that only the scalars overlapping the range
 * are found (descending into the YAML nodes that overlap it, sequences by binary search) and
 * checked exactly as validation checks them (same stage, same environment).
 */
export function expressionSitesOverlapping(
  analysis: PipelineAnalysis,
  from = 0,
  to = analysis.text.length,
): ExpressionSite[] {
  if (analysis.validated) return overlapping(analysis.expressions.sites, from, to);
  if (from <= 0 && to >= analysis.text.length) return wholeDocument(analysis);
  const roots: { node: Node; isKey: boolean }[] = [];
  collect(analysis.document.yaml.contents as Node | null, from, to, false, roots);
  const scope = scopeOf(analysis.pipeline);
  const out: ExpressionSite[] = [];
  for (const { node, isKey } of roots) {
    for (const site of expressionSitesIn(analysis.text, node, scope).sites) {
      // A key scalar handed over alone is visited as a value: restore what it is.
      out.push(isKey && isScalar(node) ? { ...site, isKey: true } : site);
    }
  }
  return overlapping(
    out.sort((a, b) => a.span.start - b.span.start),
    from,
    to,
  );
}

/** Unvalidated sites of whole documents, computed once per analysis (references, rename, tokens). */
const whole = new WeakMap<PipelineAnalysis, ExpressionSite[]>();

function wholeDocument(analysis: PipelineAnalysis): ExpressionSite[] {
  let sites = whole.get(analysis);
  if (!sites) {
    sites = expressionSitesIn(analysis.text, analysis.document.yaml, scopeOf(analysis.pipeline)).sites;
    whole.set(analysis, sites);
  }
  return sites;
}

type Scope = (offset: number) => { stageIndex: number | undefined; env: CheckEnvironment };

/** Scopes by model: an editor asks for one version's viewport many times (scrolling, hints). */
const scopes = new WeakMap<Pipeline, Scope>();

/** Which stage holds an offset and the environment its expressions are checked against. */
function scopeOf(pipeline: Pipeline): Scope {
  const known = scopes.get(pipeline);
  if (known) return known;
  const environment = expressionEnvironment(pipeline);
  const spans = pipeline.stages.map((s) => s.source.span);
  const byStage = new Map<number | undefined, CheckEnvironment>();
  const scope: Scope = (offset) => {
    const stageIndex = stageAt(spans, offset);
    let env = byStage.get(stageIndex);
    if (!env) {
      env = stageEnvironment(environment, pipeline, stageIndex);
      byStage.set(stageIndex, env);
    }
    return { stageIndex, env };
  };
  scopes.set(pipeline, scope);
  return scope;
}

function stageAt(spans: readonly Span[], offset: number): number | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (offset < spans[mid].start) hi = mid - 1;
    else if (offset >= spans[mid].end) lo = mid + 1;
    else return mid;
  }
  return undefined;
}

const overlaps = (range: readonly number[] | null | undefined, from: number, to: number) =>
  !!range && range[0] < to && range[1] > from;

/**
 * The nodes to scan for a range: whole subtrees inside it, and the scalars (keys marked) of the
 * collections it cuts through.
 */
function collect(
  node: Node | null,
  from: number,
  to: number,
  isKey: boolean,
  out: { node: Node; isKey: boolean }[],
): void {
  if (!node || !overlaps(node.range, from, to)) return;
  const [start, end] = node.range as [number, number, number];
  if (isScalar(node) || (start >= from && end <= to)) {
    out.push({ node, isKey });
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      collect(pair.key as Node | null, from, to, true, out);
      collect(pair.value as Node | null, from, to, false, out);
    }
  } else if (isSeq(node)) {
    const items = node.items as (Node | null)[];
    for (let k = firstEndingAfter(items, from); k < items.length; k++) {
      const range = items[k]?.range;
      if (range && range[0] >= to) break;
      collect(items[k], from, to, false, out);
    }
  }
}

/** Index of the first item whose range ends after `offset` (items are in file order). */
function firstEndingAfter(items: readonly (Node | null)[], offset: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const range = items[mid]?.range;
    // An item without a range (a null entry) cannot be placed: scan from the start instead.
    if (!range) return 0;
    if (range[1] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The sites overlapping from..to, by binary search on sites sorted by position. */
function overlapping(sites: readonly ExpressionSite[], from: number, to: number): ExpressionSite[] {
  let lo = 0;
  let hi = sites.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sites[mid].span.end <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: ExpressionSite[] = [];
  for (let k = lo; k < sites.length && sites[k].span.start < to; k++) out.push(sites[k]);
  return out;
}
