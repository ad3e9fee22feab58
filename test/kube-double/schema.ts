// The published OpenAPI v3 documents (openapi/, Kubernetes' own api/openapi-spec/v3 files): served
// to kubectl as they are, compiled to ajv validators for every object the double stores, and read
// for the structural metadata (x-kubernetes-patch-strategy, -patch-merge-key, -list-type,
// -list-map-keys, -map-type) that strategic merge patch and server-side apply follow.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { GROUP_VERSIONS, groupVersion, type ResourceType } from "./resources.js";

// KUBE_DOUBLE_OPENAPI_DIR: set by bin.mjs, whose bundled copy of this module lives elsewhere.
export const OPENAPI_DIR =
  process.env.KUBE_DOUBLE_OPENAPI_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "openapi");

/** One node of an OpenAPI v3 schema (only the keys the double reads). */
export interface SchemaNode {
  $ref?: string;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  type?: string;
  format?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[];
  "x-kubernetes-unions"?: unknown[];
}

interface Document {
  openapi: string;
  info: unknown;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaNode> };
}

interface Loaded {
  path: string;
  text: string;
  doc: Document;
}

let loaded: Map<string, Loaded> | undefined;

/** The documents by their served path ("api/v1", "apis/apps/v1", ...), read once per process. */
export function documents(): Map<string, Loaded> {
  if (!loaded) {
    loaded = new Map();
    for (const gv of GROUP_VERSIONS) {
      const text = readFileSync(join(OPENAPI_DIR, gv.file), "utf8");
      loaded.set(gv.path, { path: gv.path, text, doc: JSON.parse(text) as Document });
    }
  }
  return loaded;
}

function docPathFor(r: { group: string; version: string }): string {
  return r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
}

/** A schema by component name in the document of a group-version. */
export function component(r: { group: string; version: string }, name: string): SchemaNode | undefined {
  return documents().get(docPathFor(r))?.doc.components.schemas[name];
}

/**
 * Resolves references and single-element allOf wrappers (how the documents point at a named schema
 * while adding a default or description) to the node that has the type, properties and items.
 */
export function resolve(
  r: { group: string; version: string },
  node: SchemaNode | undefined,
): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n && i < 20; i++) {
    if (n.$ref) {
      n = component(r, n.$ref.replace("#/components/schemas/", ""));
    } else if (n.allOf && n.allOf.length === 1 && !n.properties && !n.type) {
      n = n.allOf[0];
    } else break;
  }
  return n;
}

/** The schema of a field of an object node, unresolved (it carries the field's x-kubernetes-* keys). */
export function fieldSchema(
  r: { group: string; version: string },
  node: SchemaNode | undefined,
  key: string,
): SchemaNode | undefined {
  const n = resolve(r, node);
  if (!n) return undefined;
  if (n.properties?.[key]) return n.properties[key];
  if (n.additionalProperties && typeof n.additionalProperties === "object") return n.additionalProperties;
  return undefined;
}

export function itemSchema(
  r: { group: string; version: string },
  node: SchemaNode | undefined,
): SchemaNode | undefined {
  return resolve(r, node)?.items;
}

/** True for a node that takes any JSON (raw extensions, FieldsV1, preserve-unknown-fields). */
export function isFreeForm(r: { group: string; version: string }, node: SchemaNode | undefined): boolean {
  const n = resolve(r, node);
  if (!n) return true;
  if (n["x-kubernetes-preserve-unknown-fields"]) return true;
  return n.type === "object" && !n.properties && !n.additionalProperties;
}

export function rootSchema(r: ResourceType): SchemaNode | undefined {
  return component(r, r.schema);
}

/** Field paths the way the API server reports them: spec.template.spec.containers[0].name */
export function fieldPath(parts: (string | number)[]): string {
  let out = "";
  for (const p of parts) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

/** Every field of `value` that its schema does not declare (what strict field validation rejects). */
export function unknownFields(r: ResourceType, value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, node: SchemaNode | undefined, path: (string | number)[]) => {
    if (v === null || typeof v !== "object" || isFreeForm(r, node)) return;
    const n = resolve(r, node);
    if (!n) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], n.items, [...path, i]);
      return;
    }
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      if (n.properties?.[key]) walk(child, n.properties[key], [...path, key]);
      else if (n.additionalProperties && typeof n.additionalProperties === "object")
        walk(child, n.additionalProperties, [...path, key]);
      else if (n.properties || n.additionalProperties === false) out.push(fieldPath([...path, key]));
    }
  };
  walk(value, rootSchema(r), []);
  return out;
}

/** Removes the fields unknownFields reports (what the server does with fieldValidation Ignore/Warn). */
export function dropUnknownFields(r: ResourceType, value: unknown): void {
  const walk = (v: unknown, node: SchemaNode | undefined) => {
    if (v === null || typeof v !== "object" || isFreeForm(r, node)) return;
    const n = resolve(r, node);
    if (!n) return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, n.items);
      return;
    }
    const obj = v as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (n.properties?.[key]) walk(obj[key], n.properties[key]);
      else if (n.additionalProperties && typeof n.additionalProperties === "object")
        walk(obj[key], n.additionalProperties);
      else if (n.properties) delete obj[key];
    }
  };
  walk(value, rootSchema(r));
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function theAjv(): Ajv {
  if (!ajv) {
    ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateSchema: false }));
    ajv.addFormat("int32", {
      type: "number",
      validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647,
    });
    ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
    ajv.addFormat("double", { type: "number", validate: () => true });
    ajv.addFormat("int-or-string", true);
    ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    for (const [path, d] of documents()) ajv.addSchema(d.doc as unknown as object, path);
  }
  return ajv;
}

/** The compiled validator of a kind (compiled on first use, kept for the process). */
export function validatorFor(r: ResourceType): ValidateFunction {
  const key = `${groupVersion(r)}/${r.kind}`;
  let v = validators.get(key);
  if (!v) {
    v = theAjv().compile({ $ref: `${docPathFor(r)}#/components/schemas/${r.schema}` });
    validators.set(key, v);
  }
  return v;
}

/** A component schema validator by name (Scale, DeleteOptions...). */
export function validatorForComponent(r: { group: string; version: string }, name: string): ValidateFunction {
  const key = `${docPathFor(r)}#${name}`;
  let v = validators.get(key);
  if (!v) {
    v = theAjv().compile({ $ref: `${docPathFor(r)}#/components/schemas/${name}` });
    validators.set(key, v);
  }
  return v;
}

/** The Go type a schema node decodes into, as encoding/json names it in its errors. */
function goType(r: ResourceType, node: SchemaNode | undefined): string {
  const ref = node?.$ref ?? node?.allOf?.[0]?.$ref;
  const n = resolve(r, node);
  if (!n) return "interface {}";
  if (n.format === "int-or-string") return "intstr.IntOrString";
  if (ref?.endsWith(".Quantity")) return "resource.Quantity";
  if (ref?.endsWith(".Time") || ref?.endsWith(".MicroTime")) return "v1.Time";
  if (n.type === "integer") return n.format === "int64" ? "int64" : "int32";
  if (n.type === "number") return "float64";
  if (n.type === "boolean") return "bool";
  if (n.type === "string") return n.format === "byte" ? "[]uint8" : "string";
  if (n.type === "array") return `[]${goType(r, n.items)}`;
  if (ref) return `v1.${ref.split(".").pop()}`;
  if (n.additionalProperties && typeof n.additionalProperties === "object")
    return `map[string]${goType(r, n.additionalProperties)}`;
  return "struct";
}

/**
 * encoding/json's message for a value of the wrong JSON type, as the API server passes it on:
 * "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32".
 */
function goDecodeError(r: ResourceType, parts: (string | number)[], got: unknown): string {
  let node: SchemaNode | undefined = rootSchema(r);
  let struct = r.kind;
  const fields: string[] = [];
  let target: SchemaNode | undefined = node;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const n = resolve(r, node);
    if (typeof p === "number") {
      node = n?.items;
      target = node;
      continue;
    }
    if (n?.properties?.[p]) {
      const name = (node?.$ref ?? node?.allOf?.[0]?.$ref)?.split(".").pop();
      if (name) struct = name;
      fields.push(p);
      node = n.properties[p];
      target = node;
    } else if (n?.additionalProperties && typeof n.additionalProperties === "object") {
      // A map's entries are reported against the map field itself.
      target = n.additionalProperties;
      node = n.additionalProperties;
    }
  }
  const kinds: Record<string, string> = {
    string: "string",
    number: "number",
    boolean: "bool",
    object: "object",
    array: "array",
  };
  const j = Array.isArray(got) ? "array" : (kinds[typeof got] ?? "value");
  return `cannot unmarshal ${j} into Go struct field ${struct}.${fields.join(".")} of type ${goType(r, target)}`;
}

export interface SchemaProblem {
  /** 400 (the Go decoder would fail: wrong JSON type) or 422 (a field is invalid). */
  code: 400 | 422;
  field: string;
  message: string;
  reason: "FieldValueRequired" | "FieldValueInvalid" | "FieldValueNotSupported" | "FieldValueTypeInvalid";
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function pointerParts(pointer: string): (string | number)[] {
  return pointer
    .split("/")
    .slice(1)
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Checks an object against its kind's published schema; problems in the API server's terms. */
export function schemaProblems(r: ResourceType, value: unknown): SchemaProblem[] {
  const v = validatorFor(r);
  if (v(value)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const errors = (v.errors ?? []) as ErrorObject[];
  // oneOf (int-or-string, quantity) reports each branch: keep one problem per field.
  for (const e of errors) {
    // JSON null is "unset" to the Go decoder, whatever the field's type.
    if (valueAt(value, e.instancePath) === null) continue;
    const parts = pointerParts(e.instancePath);
    let problem: SchemaProblem | undefined;
    if (e.keyword === "required") {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      problem = {
        code: 422,
        field: fieldPath([...parts, missing]),
        message: "Required value",
        reason: "FieldValueRequired",
      };
    } else if (e.keyword === "type" || e.keyword === "oneOf") {
      const got = valueAt(value, e.instancePath);
      problem = {
        code: 400,
        field: fieldPath(parts),
        message: goDecodeError(r, parts, got),
        reason: "FieldValueTypeInvalid",
      };
    } else if (e.keyword === "format") {
      const got = valueAt(value, e.instancePath);
      problem = {
        code: 400,
        field: fieldPath(parts),
        message: `cannot unmarshal ${JSON.stringify(got)} into field ${fieldPath(parts)} (format ${(e.params as { format: string }).format})`,
        reason: "FieldValueTypeInvalid",
      };
    } else if (e.keyword === "enum") {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      problem = {
        code: 422,
        field: fieldPath(parts),
        message: `Unsupported value: ${JSON.stringify(valueAt(value, e.instancePath))}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
        reason: "FieldValueNotSupported",
      };
    } else if (e.keyword === "if" || e.keyword === "anyOf") {
      continue;
    } else {
      problem = {
        code: 422,
        field: fieldPath(parts),
        message: `Invalid value: ${e.message ?? e.keyword}`,
        reason: "FieldValueInvalid",
      };
    }
    const key = `${problem.field}|${problem.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
