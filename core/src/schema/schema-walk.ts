import type { PathSegment } from "../loader/yaml-loader.js";
import type { JsonSchema, JsonType } from "./schema-kit.js";

/** Follows `#/definitions/...` references within `root`. */
export function resolveRef(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 32; hops++) {
    const name = current.$ref.replace(/^#\/definitions\//, "");
    const target = root.definitions?.[name];
    if (!target) break;
    current = target;
  }
  return current;
}

function typeOf(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as JsonType;
}

/**
 * Whether `data` satisfies a condition schema. Handles the keywords Capstan's `if` clauses use
 * (type, const, enum, required, properties, not, allOf); other keywords are taken as satisfied.
 */
export function matchesCondition(root: JsonSchema, condition: JsonSchema, data: unknown): boolean {
  const schema = resolveRef(root, condition);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(data);
    if (!types.includes(actual) && !(actual === "integer" && types.includes("number"))) return false;
  }
  if (schema.const !== undefined && schema.const !== data) return false;
  if (schema.enum && !schema.enum.includes(data)) return false;
  const isObject = typeof data === "object" && data !== null && !Array.isArray(data);
  if (isObject) {
    const record = data as Record<string, unknown>;
    if (schema.required?.some((key) => !Object.hasOwn(record, key))) return false;
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (Object.hasOwn(record, key) && !matchesCondition(root, sub, record[key])) return false;
    }
  }
  if (schema.not && matchesCondition(root, schema.not, data)) return false;
  if (schema.allOf && !schema.allOf.every((sub) => matchesCondition(root, sub, data))) return false;
  return true;
}

/**
 * The schemas that apply to `data` at one node: the node itself, its `allOf` members, and the
 * `then`/`else` branch chosen by each `if` — most general first, most specific last.
 */
export function applicableSchemas(root: JsonSchema, schema: JsonSchema, data: unknown): JsonSchema[] {
  const out: JsonSchema[] = [];
  const visit = (node: JsonSchema, depth: number) => {
    const resolved = resolveRef(root, node);
    if (depth > 16) return;
    out.push(resolved);
    for (const sub of resolved.allOf ?? []) visit(sub, depth + 1);
    if (resolved.if) {
      const branch = matchesCondition(root, resolved.if, data) ? resolved.then : resolved.else;
      if (branch) visit(branch, depth + 1);
    }
  };
  visit(schema, 0);
  return out;
}

/** The child schemas for one path segment, from each applicable parent schema. */
function childSchemas(parents: JsonSchema[], segment: PathSegment): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const parent of parents) {
    if (typeof segment === "number") {
      if (parent.items) out.push(parent.items);
    } else if (parent.properties && Object.hasOwn(parent.properties, segment)) {
      // `{}` entries only declare names for conditional `required` lists; they say nothing.
      const schema = parent.properties[segment];
      if (Object.keys(schema).length > 0) out.push(schema);
    } else if (typeof parent.additionalProperties === "object") {
      out.push(parent.additionalProperties);
    }
  }
  return out;
}

function child(data: unknown, segment: PathSegment): unknown {
  if (data === null || typeof data !== "object") return undefined;
  return (data as Record<string | number, unknown>)[segment];
}

/** Where a path leads in the schema: the applicable schemas there and in its parent object. */
export interface SchemaLocation {
  /** Schemas applying at the path, most specific last. Empty when the path is not in the schema. */
  schemas: JsonSchema[];
  /** Schemas applying to the parent node. */
  parents: JsonSchema[];
}

/** Resolves the schemas at a data path, choosing `if`/`then` branches by the data (e.g. a stage's `type`). */
export function schemaAt(root: JsonSchema, data: unknown, path: readonly PathSegment[]): SchemaLocation {
  let schemas = applicableSchemas(root, root, data);
  let parents: JsonSchema[] = [];
  let current = data;
  for (const segment of path) {
    const next = child(current, segment);
    parents = schemas;
    schemas = childSchemas(schemas, segment).flatMap((s) => applicableSchemas(root, s, next));
    current = next;
    if (schemas.length === 0) break;
  }
  return { schemas, parents };
}

/** The first value of a keyword among schemas, most specific first. */
export function pick<K extends keyof JsonSchema>(
  schemas: readonly JsonSchema[],
  key: K,
): JsonSchema[K] | undefined {
  for (let i = schemas.length - 1; i >= 0; i--) {
    const value = schemas[i][key];
    if (value !== undefined) return value;
  }
  return undefined;
}
