// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
import { type Document, isPair, isScalar, type Node, type Scalar, visit } from "yaml";
import { type Diagnostic, diagnostic, type Span } from "../diagnostics/diagnostic.js";
import type { ExprNode } from "../expr/ast.js";
import {
  type CheckEnvironment,
  type CheckStage,
  checkAst,
  type ExprReference,
  indexReplacedStages,
} from "../expr/checker.js";
import { type ParseResult, parseExpression } from "../expr/parser.js";
import { scanTemplate } from "../expr/template.js";
import { scalarOffsets } from "../loader/scalar-offsets.js";
import type { LoadedDocument } from "../loader/yaml-loader.js";
import type { Pipeline, Stage } from "../model/types.js";

/** One `${ }` of a string scalar, with file spans. */
export interface SiteExpression {
  /** The expression source (between `${` and `}`). */
  source: string;
  /** File span of `${ ... }`, delimiters included. */
  span: Span;
  /** File span of the source. */
  sourceSpan: Span;
  /** Offset of the source inside the scalar's decoded value. */
  valueStart: number;
  ast: ExprNode;
}

/** A name an expression refers to, at its file span. */
export interface SiteReference extends ExprReference {
  /** Index in `pipeline.stages` of the stage holding the expression, if any. */
  stageIndex?: number;
}

/** A string scalar (value or map key) that contains `${`. */
export interface ExpressionSite {
  value: string;
  /** File span of the scalar, quotes included. */
  span: Span;
  style: Scalar["type"];
  isKey: boolean;
  stageIndex?: number;
  /** File offset of each character of `value`; undefined when the mapping is unknown. */
  offsets?: number[];
  expressions: SiteExpression[];
  references: SiteReference[];
}

export interface ExpressionAnalysis {
  sites: ExpressionSite[];
  diagnostics: Diagnostic[];
  environment: CheckEnvironment;
}

const memo = new WeakMap<LoadedDocument, { pipeline: Pipeline; analysis: ExpressionAnalysis }>();

/** The check the validator runs: every expression of the file against the pipeline. */
export function checkExpressions(doc: LoadedDocument, pipeline: Pipeline): Diagnostic[] {
  return analyzeExpressions(doc, pipeline).diagnostics;
}

/**
 * Finds every `${ }` in the document's string scalars (keys too), parses and checks it against
 * the pipeline's stages, parameters and secrets, and maps spans back into the file.
 * Memoized per loaded document, so the validator and the language server share the work.
 */
export function analyzeExpressions(doc: LoadedDocument, pipeline: Pipeline): ExpressionAnalysis {
  const cached = memo.get(doc);
  if (cached && cached.pipeline === pipeline) return cached.analysis;
  const analysis = computeAnalysis(doc, pipeline);
  memo.set(doc, { pipeline, analysis });
  return analysis;
}

/** The environment expressions are checked against, built from the pipeline. */
export function expressionEnvironment(pipeline: Pipeline): CheckEnvironment {
  const upstreamOf = upstreamSets(pipeline.stages);
  return environmentOf(
    pipeline,
    pipeline.stages.map((stage) => checkStage(stage, upstreamOf)),
    upstreamOf,
  );
}

/**
 * The environment of `pipeline` from the one of an earlier version (same number of stages) that
 * differs only in the stages in `changed` (by index), whose ids and dependsOn are the same (so are
 * the upstream sets): the other stages' entries, their upstream sets and the checker's index over
 * them are reused.
 */
export function deriveExpressionEnvironment(
  previous: CheckEnvironment,
  pipeline: Pipeline,
  changed: ReadonlyMap<number, Stage>,
): CheckEnvironment {
  const upstreamOf = UPSTREAM.get(previous.stages);
  // Only the changed stages are read: the others' models may not be moved to their offsets yet.
  if (!upstreamOf) return expressionEnvironment(pipeline);
  const stages = previous.stages.slice();
  const replaced: number[] = [];
  for (const [k, stage] of changed) {
    stages[k] = checkStage(stage, upstreamOf);
    replaced.push(k);
  }
  indexReplacedStages(previous.stages, stages, replaced);
  return environmentOf(pipeline, stages, upstreamOf);
}

// The upstream-set lookup each environment's stages were made with, to derive the next one.
const UPSTREAM = new WeakMap<readonly CheckStage[], (id: string) => string[]>();

function environmentOf(
  pipeline: Pipeline,
  stages: CheckStage[],
  upstreamOf: (id: string) => string[],
): CheckEnvironment {
  UPSTREAM.set(stages, upstreamOf);
  const expressions = pipeline.settings.expressions as Record<string, unknown> | undefined;
  return {
    stages,
    parameters: pipeline.parameters.map((p) => p.name),
    secrets: pipeline.secrets,
    urlFunctionsEnabled: expressions?.allowUrls === true,
  };
}

const checkStage = (stage: Stage, upstreamOf: (id: string) => string[]): CheckStage =>
  new LazyStage(
    stage.id,
    stage.name,
    stage.type,
    "inputs" in stage && Array.isArray(stage.inputs) ? (stage.inputs as string[]) : undefined,
    upstreamOf,
  );

/** Each stage's transitive upstream ids, computed on demand (a 2,000-stage chain would need 2M entries up front). */
function upstreamSets(stages: readonly Stage[]): (id: string) => string[] {
  // Only the dependsOn lists are kept, not the stages (a derived environment outlives them).
  const dependsOn = new Map<string, readonly string[]>();
  for (const stage of stages) if (!dependsOn.has(stage.id)) dependsOn.set(stage.id, stage.dependsOn);
  const transitive = new Map<string, string[]>();
  return (id) => {
    const known = transitive.get(id);
    if (known) return known;
    const seen = new Set<string>();
    const stack = [...(dependsOn.get(id) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const dep of dependsOn.get(next) ?? []) stack.push(dep);
    }
    const list = [...seen];
    transitive.set(id, list);
    return list;
  };
}

/** A checker stage whose upstream set is computed on first read (a class keeps property access fast). */
class LazyStage implements CheckStage {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly type: string,
    readonly inputs: readonly string[] | undefined,
    private readonly upstreamOf: (id: string) => string[],
  ) {}

  get dependsOnTransitive(): readonly string[] {
    return this.upstreamOf(this.id);
  }
}

function computeAnalysis(doc: LoadedDocument, pipeline: Pipeline): ExpressionAnalysis {
  const environment = expressionEnvironment(pipeline);
  const stageStarts = pipeline.stages.map((s) => s.source.span);
  const envByStage = new Map<number | undefined, CheckEnvironment>();
  const envFor = (stageIndex: number | undefined) => {
    let env = envByStage.get(stageIndex);
    if (!env) {
      env = stageEnvironment(environment, pipeline, stageIndex);
      envByStage.set(stageIndex, env);
    }
    return env;
  };
  const found = expressionSitesIn(doc.source.text, doc.yaml, (offset) => {
    const stageIndex = stageAt(stageStarts, offset);
    return { stageIndex, env: envFor(stageIndex) };
  });
  return { ...found, environment };
}

/** The environment for expressions of one stage (undefined: outside any stage). */
export function stageEnvironment(
  environment: CheckEnvironment,
  pipeline: Pipeline,
  stageIndex: number | undefined,
): CheckEnvironment {
  return withCurrentStage(environment, stageIndex === undefined ? undefined : pipeline.stages[stageIndex].id);
}

/** The environment for expressions of the stage with that id (undefined: outside any stage). */
export function withCurrentStage(environment: CheckEnvironment, id: string | undefined): CheckEnvironment {
  return { ...environment, currentStageId: id };
}

/**
 * Finds and checks every `${ }` in the string scalars under `root` (a document or one node);
 * `scope` tells, from a scalar's offset, which stage holds it and the environment to use.
 * `skip` leaves one subtree out (the language server checks `stages` items separately).
 */
export function expressionSitesIn(
  text: string,
  root: Document | Node,
  scope: (offset: number) => { stageIndex: number | undefined; env: CheckEnvironment },
  skip?: Node,
): { sites: ExpressionSite[]; diagnostics: Diagnostic[] } {
  const sites: ExpressionSite[] = [];
  const diagnostics: Diagnostic[] = [];
  visit(root, {
    Node(_key, node) {
      return node === skip ? visit.SKIP : undefined;
    },
    Scalar(key, node, path) {
      if (typeof node.value !== "string" || !node.range || !node.value.includes("${")) return;
      const parent = path[path.length - 1];
      const isKey = key === "key" && isPair(parent);
      const { stageIndex, env } = scope(node.range[0]);
      sites.push(analyzeSite(text, node, isKey, stageIndex, env, diagnostics));
    },
  });
  return { sites, diagnostics };
}

/**
 * The site of one string scalar holding `${`, checked exactly as `analyzeExpressions` checks it
 * (same stage, same environment) but without collecting diagnostics: for a feature that needs
 * the one expression under the cursor before the document has been validated.
 */
export function expressionSiteOf(
  doc: LoadedDocument,
  pipeline: Pipeline,
  node: Scalar,
  isKey: boolean,
): ExpressionSite | undefined {
  if (!isExpressionScalar(node) || !node.range) return undefined;
  const stageIndex = stageAt(
    pipeline.stages.map((s) => s.source.span),
    node.range[0],
  );
  const env = stageEnvironment(expressionEnvironment(pipeline), pipeline, stageIndex);
  return analyzeSite(doc.source.text, node, isKey, stageIndex, env, []);
}

function stageAt(spans: Span[], offset: number): number | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = spans[mid];
    if (offset < span.start) hi = mid - 1;
    else if (offset >= span.end) lo = mid + 1;
    else return mid;
  }
  return undefined;
}

function analyzeSite(
  text: string,
  node: Scalar,
  isKey: boolean,
  stageIndex: number | undefined,
  env: CheckEnvironment,
  diagnostics: Diagnostic[],
): ExpressionSite {
  const value = node.value as string;
  const range = node.range as [number, number, number];
  const offsets = scalarOffsets(text, node);
  const toFile = (span: Span): Span =>
    offsets
      ? {
          start: offsets[span.start],
          end: span.end > span.start ? offsets[span.end - 1] + 1 : offsets[span.start],
        }
      : { start: range[0], end: range[1] };
  const site: ExpressionSite = {
    value,
    span: { start: range[0], end: range[1] },
    style: node.type,
    isKey,
    stageIndex,
    offsets,
    expressions: [],
    references: [],
  };
  const scanned = scanTemplate(value);
  // In a plain scalar an unterminated `${` is YAML cutting the value short; expression-unquoted explains it.
  if (node.type !== "PLAIN") {
    for (const d of scanned.diagnostics)
      diagnostics.push(diagnostic(d.code, d.severity, d.message, toFile(d.span)));
  }
  for (const segment of scanned.segments) {
    if (segment.kind !== "expression") continue;
    const base = segment.sourceSpan.start;
    const checked = checkParsed(segment.source, env);
    site.expressions.push({
      source: segment.source,
      span: toFile(segment.span),
      sourceSpan: toFile(segment.sourceSpan),
      valueStart: base,
      ast: checked.ast,
    });
    for (const d of checked.diagnostics) {
      const valueSpan = { start: d.span.start + base, end: d.span.end + base };
      const replacement = d.data?.replacement;
      const data =
        typeof replacement === "string"
          ? fixData(value, valueSpan, replacement, node.type, toFile)
          : undefined;
      diagnostics.push(diagnostic(d.code, d.severity, d.message, toFile(valueSpan), data ? { data } : {}));
    }
    for (const r of checked.references) {
      site.references.push({
        ...r,
        span: toFile({ start: r.span.start + base, end: r.span.end + base }),
        stageIndex,
      });
    }
  }
  return site;
}

/**
 * Parse results by expression source. Trees are never mutated, and an editor session re-checks
 * the same few thousand expressions on every edit, so parsing each distinct text once pays off.
 */
const parsed = new Map<string, ParseResult>();
const MAX_PARSED = 20_000;

function checkParsed(
  source: string,
  env: CheckEnvironment,
): { ast: ExprNode; diagnostics: ParseResult["diagnostics"]; references: ExprReference[] } {
  let result = parsed.get(source);
  if (!result) {
    result = parseExpression(source);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(source, result);
  }
  const checked = checkAst(result.ast, env);
  return {
    ast: result.ast,
    diagnostics: [...result.diagnostics, ...checked.diagnostics],
    references: checked.references,
  };
}

/** Quick-fix hint for a "did you mean": replace the name only, escaped for the scalar's style. */
function fixData(
  value: string,
  span: Span,
  replacement: string,
  style: Scalar["type"],
  toFile: (span: Span) => Span,
): Record<string, unknown> | undefined {
  let { start, end } = span;
  const first = value[start];
  if (first === "#") start++;
  else if ((first === "'" || first === '"') && value[end - 1] === first && end - start >= 2) {
    start++;
    end--;
  }
  const file = toFile({ start, end });
  if (start === end) return undefined;
  return {
    name: value.slice(start, end),
    suggestion: replacement,
    fixStart: file.start,
    fixEnd: file.end,
    replacement: escapeFor(replacement, style),
  };
}

/** Text to write inside a scalar of the given style so that it decodes to `text`. */
export function escapeFor(text: string, style: Scalar["type"]): string {
  if (style === "QUOTE_SINGLE") return text.replace(/'/g, "''");
  if (style === "QUOTE_DOUBLE") return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return text;
}

/** True when a node is a string scalar holding `${` (helper for callers walking the tree). */
export function isExpressionScalar(node: unknown): node is Scalar {
  return isScalar(node) && typeof node.value === "string" && node.value.includes("${");
}
