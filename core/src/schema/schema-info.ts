import type { PathSegment } from "../loader/yaml-loader.js";
import type { StageCatalog } from "../stages/catalog.js";
import { pipelineSchema, stageDefinitionName, stageTypeSpecs } from "./pipeline-schema.js";
import type { JsonSchema } from "./schema-kit.js";
import { pick, resolveRef, schemaAt } from "./schema-walk.js";
import { typeLabel } from "./type-label.js";

/** What the schema says about one field (hover text, completion details). */
export interface FieldInfo {
  /** The field's key, or undefined for list items and the root. */
  name?: string;
  description?: string;
  markdownDescription?: string;
  /** Short type label: `duration`, `integer | ${expr}`, `list of string`, `deploy cluster`. */
  type: string;
  enum?: string[];
  examples?: unknown[];
  default?: unknown;
  /** Required in its parent object. */
  required: boolean;
  /** Title of an object-valued field, e.g. "wait stage". */
  title?: string;
}

/** A stage type Capstan knows. */
export interface StageTypeInfo {
  name: string;
  /** Spinnaker's display name. */
  label: string;
  description: string;
  example: Record<string, unknown>;
}

/** One field of a stage type or object. */
export interface FieldSummary {
  name: string;
  description?: string;
  type: string;
  required: boolean;
  enum?: string[];
  default?: unknown;
}

function infoOf(
  root: JsonSchema,
  schemas: JsonSchema[],
  parents: JsonSchema[],
  name: string | undefined,
): FieldInfo | undefined {
  if (schemas.length === 0) return undefined;
  const specific = schemas[schemas.length - 1];
  const enumValues = pick(schemas, "enum");
  const constValue = pick(schemas, "const");
  const info: FieldInfo = {
    type: typeLabel(specific, (s) => resolveRef(root, s)),
    required: name !== undefined && parents.some((p) => p.required?.includes(name)),
  };
  if (name !== undefined) info.name = name;
  const fields: [keyof FieldInfo, unknown][] = [
    ["description", pick(schemas, "description")],
    ["markdownDescription", pick(schemas, "markdownDescription")],
    ["examples", pick(schemas, "examples")],
    ["default", pick(schemas, "default")],
    ["title", pick(schemas, "title")],
    ["enum", enumValues?.map(String) ?? (constValue !== undefined ? [String(constValue)] : undefined)],
  ];
  for (const [key, value] of fields) {
    if (value !== undefined) (info as unknown as Record<string, unknown>)[key] = value;
  }
  return info;
}

/**
 * The schema's description of the node at `path` in a pipeline file; `document` (the file's
 * plain data) chooses stage, trigger and precondition types along the way.
 */
export function describeField(
  path: readonly PathSegment[],
  document: unknown = {},
  root: JsonSchema = pipelineSchema(),
): FieldInfo | undefined {
  const { schemas, parents } = schemaAt(root, document, path);
  const last = path[path.length - 1];
  return infoOf(root, schemas, parents, typeof last === "string" ? last : undefined);
}

/** The allowed values of the field at `path` (enum or const), or an empty list. */
export function enumValues(
  path: readonly PathSegment[],
  document: unknown = {},
  root: JsonSchema = pipelineSchema(),
): string[] {
  return describeField(path, document, root)?.enum ?? [];
}

/** The fields an object at `path` may have (for completion), with descriptions. */
export function fieldsAt(
  path: readonly PathSegment[],
  document: unknown = {},
  root: JsonSchema = pipelineSchema(),
): FieldSummary[] {
  const { schemas } = schemaAt(root, document, path);
  return summarize(root, schemas);
}

function summarize(root: JsonSchema, schemas: JsonSchema[]): FieldSummary[] {
  const byName = new Map<string, FieldSummary>();
  const required = new Set(schemas.flatMap((s) => s.required ?? []));
  for (const schema of schemas) {
    for (const [name, raw] of Object.entries(schema.properties ?? {})) {
      const prop = resolveRef(root, raw);
      // Empty entries only declare names for conditional `required` lists.
      if (Object.keys(prop).length === 0 && byName.has(name)) continue;
      if (Object.keys(prop).length === 0) continue;
      const summary: FieldSummary = {
        name,
        type: typeLabel(prop, (s) => resolveRef(root, s)),
        required: required.has(name),
      };
      if (prop.description) summary.description = prop.description;
      const values = prop.enum ?? (prop.const !== undefined ? [prop.const] : undefined);
      if (values) summary.enum = values.map(String);
      if (prop.default !== undefined) summary.default = prop.default;
      byName.set(name, summary);
    }
  }
  return [...byName.values()];
}

/** The stage types of a catalog (default: the built-in ones), in documentation order. */
export function stageTypes(catalog?: StageCatalog): StageTypeInfo[] {
  return stageTypeSpecs(catalog).map((spec) => ({
    name: spec.type,
    label: spec.label,
    description: spec.description,
    example: spec.example,
  }));
}

/** The fields of a stage type, common ones included; undefined for a type Capstan does not know. */
export function fieldsOfStageType(
  type: string,
  root: JsonSchema = pipelineSchema(),
): FieldSummary[] | undefined {
  const definition = root.definitions?.[stageDefinitionName(type)];
  if (!definition) return undefined;
  return summarize(root, [definition]);
}
