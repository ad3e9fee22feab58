import { createRequire } from "node:module";
import type { Ajv as AjvClass, ValidateFunction } from "ajv";
import type { StageCatalog } from "../stages/catalog.js";
import { builtinStages } from "../stages/index.js";
import { pipelineSchema, stageDefinitionName } from "./pipeline-schema.js";

type AjvConstructor = new (options: object) => AjvClass;

const compiled = new WeakMap<StageCatalog, { ajv: AjvClass; validators: Map<string, ValidateFunction> }>();

/**
 * True when a catalog's definition of `type` is the built-in one, whose validator was generated at
 * build time (validators.generated.ts).
 */
export function hasGeneratedValidator(catalog: StageCatalog, type: string): boolean {
  const own = catalog.get(type);
  return own !== undefined && own === builtinStages().get(type);
}

/**
 * The validator of a stage type that is not built in (a catalog extended with `with`), compiled
 * with ajv from the catalog's schema on first use. Only such catalogs load ajv's compiler; the
 * built-in types use the validators generated at build time.
 */
export function catalogStageValidator(catalog: StageCatalog, type: string): ValidateFunction {
  let entry = compiled.get(catalog);
  if (!entry) {
    const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: AjvConstructor };
    // The same options as the generated validators; errors carry their (full) schema node.
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
    ajv.addSchema(pipelineSchema(catalog) as object, "pipeline");
    entry = { ajv, validators: new Map() };
    compiled.set(catalog, entry);
  }
  let fn = entry.validators.get(type);
  if (!fn) {
    const ref = `pipeline#/definitions/${stageDefinitionName(type)}`;
    fn = entry.ajv.getSchema(ref);
    if (!fn) throw new Error(`stage type ${type} has no schema definition`);
    entry.validators.set(type, fn);
  }
  return fn;
}
