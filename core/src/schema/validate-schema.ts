import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import { applicationSchema } from "./application-schema.js";
import { pipelineSchema, STAGE_TYPE_NAMES, stageDefinitionName } from "./pipeline-schema.js";
import { ErrorMapper } from "./schema-error-mapper.js";
import type { JsonSchema } from "./schema-kit.js";

/**
 * Runtime copy of the schema: annotations stripped (they cost compile time), and `stages` items
 * left to per-stage validators so only the stage types a file uses get compiled.
 */
interface Compiled {
  root: ValidateFunction;
  shape: ValidateFunction;
  stage(definition: string): ValidateFunction;
  /** Stripped node -> the full node it came from (descriptions for messages). */
  fullOf: WeakMap<object, JsonSchema>;
}

const ANNOTATIONS = new Set(["description", "markdownDescription", "examples", "$comment", "default"]);
const SCHEMA_MAPS = new Set(["properties", "definitions"]);

function strip(node: JsonSchema, fullOf: WeakMap<object, JsonSchema>): JsonSchema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) continue;
    if (SCHEMA_MAPS.has(key)) {
      const entries = Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [
        k,
        strip(v, fullOf),
      ]);
      out[key] = Object.fromEntries(entries);
    } else if (key === "allOf") {
      out[key] = (value as JsonSchema[]).map((v) => strip(v, fullOf));
    } else if (
      ["items", "if", "then", "else", "not"].includes(key) ||
      (key === "additionalProperties" && typeof value === "object")
    ) {
      out[key] = strip(value as JsonSchema, fullOf);
    } else {
      out[key] = value;
    }
  }
  fullOf.set(out, node);
  return out as JsonSchema;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const full = pipelineSchema();
  const fullOf = new WeakMap<object, JsonSchema>();
  const runtime = strip(full, fullOf);
  const fullStages = full.properties?.stages as JsonSchema;
  const stages: JsonSchema = { type: "array", minItems: 1 };
  fullOf.set(stages, fullStages);
  runtime.properties = { ...runtime.properties, stages };
  const shape: JsonSchema = {
    title: "stage",
    type: "object",
    required: ["type"],
    properties: { type: { type: "string" } },
  };
  fullOf.set(shape, full.definitions?.stage as JsonSchema);
  runtime.definitions = { ...runtime.definitions, "stage-shape": shape };
  // The schema itself is checked by a strict-mode test; skipping the meta-schema saves startup time.
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    inlineRefs: false,
    validateSchema: false,
  });
  ajv.addSchema(runtime as object, "pipeline");
  const cache = new Map<string, ValidateFunction>();
  const get = (definition: string): ValidateFunction => {
    let fn = cache.get(definition);
    if (!fn) {
      fn = ajv.getSchema(`pipeline#/definitions/${definition}`);
      if (!fn) throw new Error(`schema definition ${definition} is missing`);
      cache.set(definition, fn);
    }
    return fn;
  };
  return {
    root: ajv.getSchema("pipeline") as ValidateFunction,
    shape: get("stage-shape"),
    stage: get,
    fullOf,
  };
}

const KNOWN_STAGE_TYPES = new Set(STAGE_TYPE_NAMES);

/** Checks a loaded pipeline file against the pipeline schema; one diagnostic per problem. */
export function validateSchema(doc: LoadedDocument): Diagnostic[] {
  compiled ??= compile();
  const c = compiled;
  const data = doc.value;
  const found: { error: ErrorObject; base: PathSegment[] }[] = [];
  const run = (fn: ValidateFunction, value: unknown, base: PathSegment[]) => {
    if (!fn(value)) for (const error of fn.errors ?? []) found.push({ error, base });
  };
  run(c.root, data, []);
  const stages = isRecord(data) ? data.stages : undefined;
  if (Array.isArray(stages)) {
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i];
      const base = ["stages", i];
      if (!c.shape(stage)) {
        run(c.shape, stage, base);
        continue;
      }
      const type = (stage as { type: string }).type;
      run(c.stage(KNOWN_STAGE_TYPES.has(type) ? stageDefinitionName(type) : "stage-other"), stage, base);
    }
  }
  return toDiagnostics(new ErrorMapper(doc, c.fullOf, pipelineSchema(), "pipeline"), found);
}

let applicationValidator: { fn: ValidateFunction; fullOf: WeakMap<object, JsonSchema> } | undefined;

/** Checks a loaded `.capstan/application.yml` against the application schema. */
export function validateApplicationSchema(doc: LoadedDocument): Diagnostic[] {
  if (!applicationValidator) {
    const fullOf = new WeakMap<object, JsonSchema>();
    const runtime = strip(applicationSchema(), fullOf);
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
    applicationValidator = { fn: ajv.compile(runtime as object), fullOf };
  }
  const { fn, fullOf } = applicationValidator;
  const found = fn(doc.value) ? [] : (fn.errors ?? []).map((error) => ({ error, base: [] as PathSegment[] }));
  return toDiagnostics(new ErrorMapper(doc, fullOf, applicationSchema(), "application"), found);
}

function toDiagnostics(
  mapper: ErrorMapper,
  found: { error: ErrorObject; base: PathSegment[] }[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const { error, base } of found) {
    const d = mapper.map(error, base);
    if (!d) continue;
    const key = `${d.code}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
