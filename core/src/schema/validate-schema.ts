import type { ErrorObject, ValidateFunction } from "ajv";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import type { StageCatalog } from "../stages/catalog.js";
import { builtinStages } from "../stages/index.js";
import { applicationSchema } from "./application-schema.js";
import { catalogStageValidator, hasGeneratedValidator } from "./catalog-validators.js";
import { pipelineSchema, stageDefinitionName } from "./pipeline-schema.js";
import { validatorExportName } from "./runtime-schema.js";
import { ErrorMapper } from "./schema-error-mapper.js";
import * as generated from "./validators.generated.js";

// Compiled at build time (npm run schema:build) from runtime-schema.ts: compiling the schema with
// ajv on every start cost a cold CLI, language server or action job a few hundred milliseconds.
const validators = generated as unknown as Record<string, ValidateFunction | undefined>;

function validator(name: string): ValidateFunction {
  const fn = validators[name];
  if (!fn)
    throw new Error(`validator ${name} is missing from validators.generated.ts (npm run schema:build)`);
  return fn;
}

/** The validator of one stage's type: generated for built-in types, compiled for a catalog's own. */
function stageValidator(catalog: StageCatalog, type: string): ValidateFunction {
  if (hasGeneratedValidator(catalog, type)) return validator(validatorExportName(stageDefinitionName(type)));
  if (catalog.get(type)) return catalogStageValidator(catalog, type);
  return validator(validatorExportName("stage-other"));
}

/**
 * Checks a loaded pipeline file against the pipeline schema of a catalog's stage types (default:
 * the built-in ones); one diagnostic per problem.
 */
export function validateSchema(doc: LoadedDocument, catalog: StageCatalog = builtinStages()): Diagnostic[] {
  const data = doc.value;
  const found: { error: ErrorObject; base: PathSegment[] }[] = [];
  const run = (fn: ValidateFunction, value: unknown, base: PathSegment[]) => {
    if (!fn(value)) for (const error of fn.errors ?? []) found.push({ error, base });
  };
  run(validator("pipeline"), data, []);
  const stages = isRecord(data) ? data.stages : undefined;
  if (Array.isArray(stages)) {
    const shape = validator(validatorExportName("stage-shape"));
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i];
      const base = ["stages", i];
      if (!shape(stage)) {
        run(shape, stage, base);
        continue;
      }
      run(stageValidator(catalog, (stage as { type: string }).type), stage, base);
    }
  }
  if (found.length === 0) return [];
  return toDiagnostics(new ErrorMapper(doc, pipelineSchema(catalog), "pipeline"), found);
}

/** Checks a loaded `.capstan/application.yml` against the application schema. */
export function validateApplicationSchema(doc: LoadedDocument): Diagnostic[] {
  const fn = validator("application");
  if (fn(doc.value)) return [];
  const found = (fn.errors ?? []).map((error) => ({ error, base: [] as PathSegment[] }));
  return toDiagnostics(new ErrorMapper(doc, applicationSchema(), "application"), found);
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
