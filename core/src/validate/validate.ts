import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { StageRegistry } from "../engine/handler.js";
import { holdBackIndentationCascade } from "../loader/indentation.js";
import { type LoadedDocument, type LoadOptions, loadYaml } from "../loader/yaml-loader.js";
import { buildPipeline } from "../model/build-pipeline.js";
import type { Pipeline } from "../model/types.js";
import { validateSchema } from "../schema/index.js";
import type { StageCatalog } from "../stages/catalog.js";
import { builtinStages, checkStageHandlers } from "../stages/index.js";
import { checkExpressions } from "./expressions.js";
import { checkFields } from "./field-checks.js";
import { checkGraph } from "./graph-checks.js";
import { checkUnquotedExpressions } from "./unquoted-expressions.js";

export interface ValidateOptions extends LoadOptions {
  /** The stage types the file may use (default: the built-in ones); their own checks run too. */
  stages?: StageCatalog;
  /**
   * Stage types the engine can run; known types outside it get a warning. Defaults to the
   * catalog's types that have a handler.
   */
  runnableTypes?: ReadonlySet<string>;
  /**
   * Extra checks run after the built-in ones (the expression checker plugs in here, and
   * front ends may add their own, e.g. "generated workflow out of date").
   */
  extraChecks?: readonly PipelineCheck[];
}

/** A check over a loaded, built pipeline. */
export type PipelineCheck = (doc: LoadedDocument, pipeline: Pipeline) => Diagnostic[];

export interface ValidationResult {
  document: LoadedDocument;
  pipeline: Pipeline;
  /** Sorted by position. */
  diagnostics: Diagnostic[];
}

/** Loads and validates a pipeline text: YAML, schema, graph, fields and expressions. */
export function validatePipelineText(
  text: string,
  path = "<input>",
  options: ValidateOptions = {},
): ValidationResult {
  return validateDocument(loadYaml(text, path, options), options);
}

/** Validates an already loaded document (the language server keeps documents loaded). */
export function validateDocument(document: LoadedDocument, options: ValidateOptions = {}): ValidationResult {
  const parts = validateParts(document, options);
  return {
    document,
    pipeline: parts.pipeline,
    diagnostics: assembleDiagnostics(parts, document.source.text.length),
  };
}

/**
 * The validator's findings by check, before merging: the language server keeps the per-stage
 * ones between edits and recomputes only the edited stage's.
 */
export interface ValidationParts {
  pipeline: Pipeline;
  /** YAML's own problems (minus lines where an unquoted expression was cut). */
  yaml: Diagnostic[];
  unquoted: Diagnostic[];
  root: Diagnostic[];
  schema: Diagnostic[];
  build: Diagnostic[];
  graph: Diagnostic[];
  fields: Diagnostic[];
  /** Each stage type handler's own static checks (they may read the whole pipeline). */
  handlers: Diagnostic[];
  expressions: Diagnostic[];
  extra: Diagnostic[];
}

/** Runs every check and returns the findings grouped by check (see `assembleDiagnostics`). */
export function validateParts(document: LoadedDocument, options: ValidateOptions = {}): ValidationParts {
  const types = stageTypesOf(options);
  const { pipeline, diagnostics: build } = buildPipeline(document, types.catalog);
  const unquoted = checkUnquotedExpressions(document);
  const notCut = cutLineFilter(document, unquoted);
  const extra: Diagnostic[] = [];
  for (const check of options.extraChecks ?? []) extra.push(...check(document, pipeline));
  // A document over the size limit was not parsed: its one diagnostic says so, nothing else.
  const unparsed = document.diagnostics.some((d) => d.code === "file-too-large");
  return {
    pipeline,
    // YAML's own errors on a line where an unquoted expression was cut are symptoms of that one problem.
    yaml: document.diagnostics.filter(notCut),
    unquoted,
    root:
      !unparsed && (document.value === null || typeof document.value !== "object")
        ? rootProblem(document)
        : [],
    schema: unparsed ? [] : validateSchema(document, types.catalog).filter(notCut),
    build,
    graph: checkGraph(pipeline),
    fields: checkFields(pipeline, types.runnable, types.catalog),
    handlers: checkStageHandlers(pipeline, types.registry),
    // Expressions that YAML cut short are reported once, as expression-unquoted.
    expressions: checkExpressions(document, pipeline).filter(notCut),
    extra,
  };
}

/** A filter dropping diagnostics on the lines of `unquoted` (expression-unquoted findings). */
export function cutLineFilter(
  document: Pick<LoadedDocument, "source">,
  unquoted: readonly Diagnostic[],
): (d: Diagnostic) => boolean {
  if (unquoted.length === 0) return () => true;
  const cutLines = new Set(unquoted.map((d) => document.source.position(d.span.start).line));
  return (d) => !cutLines.has(document.source.position(d.span.start).line);
}

/** The sorted, de-duplicated diagnostics of a validation, in the order `validateDocument` gives. */
export function assembleDiagnostics(parts: ValidationParts, textLength: number): Diagnostic[] {
  const diagnostics = [
    ...parts.yaml,
    ...parts.unquoted,
    ...parts.root,
    ...parts.schema,
    ...parts.build,
    ...parts.graph,
    ...parts.fields,
    ...parts.handlers,
    ...parts.expressions,
    ...parts.extra,
  ];
  // What an indentation mistake's misparse causes in the block it broke goes away with the fix.
  return sortDiagnostics(clampSpans(holdBackIndentationCascade(diagnostics), textLength));
}

/** What validation reads of a catalog: the catalog, its handlers' registry and its runnable types. */
export interface ValidationStageTypes {
  catalog: StageCatalog;
  registry: StageRegistry;
  runnable: ReadonlySet<string>;
}

const registries = new WeakMap<StageCatalog, StageRegistry>();

/** The stage types validation uses for these options, with the catalog's registry built once. */
export function stageTypesOf(
  options: Pick<ValidateOptions, "stages" | "runnableTypes">,
): ValidationStageTypes {
  const catalog = options.stages ?? builtinStages();
  let registry = registries.get(catalog);
  if (!registry) {
    registry = catalog.registry();
    registries.set(catalog, registry);
  }
  return { catalog, registry, runnable: options.runnableTypes ?? catalog.runnableTypes() };
}

/** The built-in stage types as validation reads them. */
export function defaultStageTypes(): ValidationStageTypes {
  return stageTypesOf({});
}

function rootProblem(document: LoadedDocument): Diagnostic[] {
  if (document.diagnostics.some((d) => d.severity === "error")) return [];
  return [
    {
      code: "not-a-pipeline",
      severity: "error",
      message: "A pipeline file is a YAML map with at least `name` and `stages`.",
      span: { start: 0, end: Math.min(document.source.text.length, 1) },
    },
  ];
}

/** Keeps every span inside the text (YAML reports some errors one past its end). */
function clampSpans(diagnostics: Diagnostic[], length: number): Diagnostic[] {
  const clamp = (n: number) => Math.max(0, Math.min(n, length));
  return diagnostics.map((d) =>
    d.span.start <= length && d.span.end <= length && d.span.start <= d.span.end
      ? d
      : {
          ...d,
          span: {
            start: clamp(Math.min(d.span.start, d.span.end)),
            end: clamp(Math.max(d.span.start, d.span.end)),
          },
        },
  );
}

/** Orders diagnostics by position, then code, and drops exact duplicates. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics
    .filter((d) => {
      const key = `${d.span.start}:${d.span.end}:${d.code}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}
