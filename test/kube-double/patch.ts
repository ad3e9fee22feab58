// The three patch kinds of PATCH requests, implemented from their specifications: JSON Patch
// (RFC 6902), JSON Merge Patch (RFC 7386) and Kubernetes' strategic merge patch (its documented
// directives $patch, $retainKeys, $setElementOrder/<list>, $deleteFromPrimitiveList/<list>, with list
// merge keys and strategies read from the published OpenAPI schema).
import type { ResourceType } from "./resources.js";
import { fieldSchema, itemSchema, resolve, rootSchema, type SchemaNode } from "./schema.js";

export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 422 | 409 = 422,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as Obj).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b as Obj).filter((k) => (b as Obj)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]));
}

// ---- RFC 7386 ----

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// ---- RFC 6902 ----

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`, 400);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parentOf(doc: unknown, parts: string[], pointer: string): { parent: unknown; key: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined) throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  }
  return { parent: cur, key: parts[parts.length - 1] };
}

function getAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const p of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = cur[p];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function arrayIndex(arr: unknown[], key: string, forAdd: boolean, pointer: string): number {
  if (forAdd && key === "-") return arr.length;
  if (!/^\d+$/.test(key)) throw new PatchError(`invalid index ${JSON.stringify(key)} in "${pointer}"`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length))
    throw new PatchError(`Unable to access invalid index: ${i}: "${pointer}"`);
  return i;
}

function addAt(doc: unknown, pointer: string, value: unknown): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, parts, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, pointer), 0, clone(value));
  else if (isObj(parent)) parent[key] = clone(value);
  else throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  return doc;
}

function removeAt(doc: unknown, pointer: string): unknown {
  const parts = parsePointer(pointer);
  const { parent, key } = parentOf(doc, parts, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, pointer), 1);
  else if (isObj(parent) && key in parent) delete parent[key];
  else throw new PatchError(`Unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError("json patch must be a list of operations", 400);
  let doc = clone(target);
  for (const raw of ops as Operation[]) {
    if (!isObj(raw) || typeof raw.op !== "string" || typeof raw.path !== "string")
      throw new PatchError("json patch operation needs op and path", 400);
    switch (raw.op) {
      case "add":
        doc = addAt(doc, raw.path, raw.value);
        break;
      case "remove":
        doc = removeAt(doc, raw.path);
        break;
      case "replace": {
        if (getAt(doc, raw.path) === undefined)
          throw new PatchError(
            `replace operation does not apply: doc is missing key: ${raw.path}: missing value`,
          );
        doc = removeAt(doc, raw.path);
        doc = addAt(doc, raw.path, raw.value);
        break;
      }
      case "move": {
        const v = getAt(doc, raw.from ?? "");
        if (v === undefined)
          throw new PatchError(`move operation does not apply: doc is missing from path: ${raw.from}`);
        doc = removeAt(doc, raw.from ?? "");
        doc = addAt(doc, raw.path, v);
        break;
      }
      case "copy": {
        const v = getAt(doc, raw.from ?? "");
        if (v === undefined)
          throw new PatchError(`copy operation does not apply: doc is missing from path: ${raw.from}`);
        doc = addAt(doc, raw.path, v);
        break;
      }
      case "test":
        if (!deepEqual(getAt(doc, raw.path), raw.value))
          throw new PatchError(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${raw.op}`, 400);
    }
  }
  return doc;
}

// ---- Strategic merge patch ----

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER = "$setElementOrder/";
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

interface ListMeta {
  strategy: string[];
  mergeKey?: string;
}

function listMeta(node: SchemaNode | undefined): ListMeta {
  return {
    strategy: (node?.["x-kubernetes-patch-strategy"] ?? "").split(",").filter(Boolean),
    mergeKey: node?.["x-kubernetes-patch-merge-key"],
  };
}

/** Applies a strategic merge patch to an object of a built-in kind. */
export function strategicMergePatch(r: ResourceType, target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) throw new PatchError("strategic merge patch must be a JSON object", 400);
  return mergeMap(r, isObj(target) ? clone(target) : {}, patch, rootSchema(r));
}

function mergeMap(r: ResourceType, original: Obj, patch: Obj, node: SchemaNode | undefined): Obj {
  const directive = patch[DIRECTIVE];
  if (directive === "replace") {
    const out = clone(patch);
    delete out[DIRECTIVE];
    return out;
  }
  if (directive === "delete") return {};
  if (directive !== undefined && directive !== "merge")
    throw new PatchError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`, 400);

  let out: Obj = { ...original };
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  // Primitive-list deletions and element orders apply after the lists are merged.
  const orders: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS) continue;
    if (k.startsWith(SET_ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) {
        out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => deepEqual(d, x)));
      }
      continue;
    }
    const child = fieldSchema(r, node, k);
    if (v === null) {
      delete out[k];
      continue;
    }
    const resolved = resolve(r, child);
    if (isObj(v)) {
      if (resolved?.["x-kubernetes-map-type"] === "atomic" && v[DIRECTIVE] === undefined) {
        out[k] = clone(v);
        continue;
      }
      if (v[DIRECTIVE] === "delete") {
        delete out[k];
        continue;
      }
      out[k] = mergeMap(r, isObj(out[k]) ? (out[k] as Obj) : {}, v, child);
    } else if (Array.isArray(v)) {
      out[k] = mergeList(r, Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, child);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders) {
    if (Array.isArray(out[field]))
      out[field] = applyOrder(out[field] as unknown[], order, listMeta(fieldSchema(r, node, field)).mergeKey);
  }
  return out;
}

function mergeList(
  r: ResourceType,
  original: unknown[],
  patch: unknown[],
  node: SchemaNode | undefined,
): unknown[] {
  const meta = listMeta(node);
  if (!meta.strategy.includes("merge")) {
    // Replace: directives inside a replaced list are dropped.
    return clone(
      patch.filter((x) => !(isObj(x) && x[DIRECTIVE] !== undefined && Object.keys(x).length === 1)),
    );
  }
  if (patch.some((x) => isObj(x) && x[DIRECTIVE] === "replace")) {
    return clone(patch.filter((x) => !(isObj(x) && x[DIRECTIVE] === "replace")));
  }
  const items = itemSchema(r, node);
  const out = clone(original);
  if (!meta.mergeKey) {
    // A set of primitives: union, keeping order.
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(clone(v));
    return out;
  }
  const key = meta.mergeKey;
  for (const p of patch) {
    if (!isObj(p)) {
      if (!out.some((x) => deepEqual(x, p))) out.push(clone(p));
      continue;
    }
    const idx = out.findIndex((x) => isObj(x) && deepEqual(x[key], p[key]));
    if (p[DIRECTIVE] === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (p[key] === undefined)
      throw new PatchError(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    if (idx >= 0) out[idx] = mergeMap(r, out[idx] as Obj, p, items);
    else out.push(mergeMap(r, {}, p, items));
  }
  return out;
}

function applyOrder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (x: unknown) => (mergeKey && isObj(x) ? JSON.stringify(x[mergeKey]) : JSON.stringify(x));
  const wanted = order.map(keyOf);
  const ordered: unknown[] = [];
  for (const k of wanted) {
    const item = list.find((x) => keyOf(x) === k);
    if (item !== undefined) ordered.push(item);
  }
  for (const x of list) if (!wanted.includes(keyOf(x))) ordered.push(x);
  return ordered;
}
