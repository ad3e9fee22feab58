// Field ownership (metadata.managedFields, FieldsV1) and server-side apply, after the documented
// semantics of structured merge: each manager owns the field paths it set; an apply merges the
// applied configuration (lists by x-kubernetes-list-type: map items by their keys, sets by value,
// atomic lists whole), removes what the same manager applied before and no longer applies, and
// fails with a conflict when it would change a field another manager owns (unless forced).
import { clone, deepEqual } from "./patch.js";
import type { ResourceType } from "./resources.js";
import { fieldSchema, isFreeForm, itemSchema, resolve, rootSchema, type SchemaNode } from "./schema.js";
import type { JsonObject, KObject, ManagedFieldsEntry } from "./types.js";
import { now } from "./util.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** A path: FieldsV1 elements ("f:spec", "k:{\"name\":\"web\"}", "v:\"a\"", "i:0"). */
type Path = string[];

function listInfo(r: ResourceType, node: SchemaNode | undefined): { type: string; keys: string[] } {
  const type =
    node?.["x-kubernetes-list-type"] ??
    (node?.["x-kubernetes-patch-merge-key"] ? "map" : undefined) ??
    "atomic";
  const keys =
    node?.["x-kubernetes-list-map-keys"] ??
    (node?.["x-kubernetes-patch-merge-key"] ? [node["x-kubernetes-patch-merge-key"]] : []);
  void r;
  return { type, keys };
}

/** A map-list item's key ("k:{...}"); a key field the item leaves out takes its schema default. */
function itemKey(r: ResourceType, item: unknown, keys: string[], node?: SchemaNode): string {
  const k: Obj = {};
  const props = resolve(r, node)?.properties;
  for (const key of keys) {
    const v = isObj(item) ? item[key] : undefined;
    const d = (props?.[key] as { default?: unknown } | undefined)?.default;
    if (v !== undefined) k[key] = v;
    else if (d !== undefined) k[key] = d;
  }
  return `k:${JSON.stringify(k)}`;
}

/** Leaf paths of a value, with "." markers for maps and list items (as FieldsV1 has them). */
export function leafPaths(
  r: ResourceType,
  value: unknown,
  node: SchemaNode | undefined = rootSchema(r),
  prefix: Path = [],
): Path[] {
  const out: Path[] = [];
  const n = resolve(r, node);
  if (isObj(value) && !isFreeForm(r, node) && n?.["x-kubernetes-map-type"] !== "atomic") {
    if (prefix.length > 0 && (n?.additionalProperties || prefix[prefix.length - 1].startsWith("k:")))
      out.push([...prefix, "."]);
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (prefix.length === 0 && (k === "apiVersion" || k === "kind")) continue;
      if (
        prefix.length === 1 &&
        prefix[0] === "f:metadata" &&
        [
          "managedFields",
          "resourceVersion",
          "uid",
          "creationTimestamp",
          "generation",
          "name",
          "namespace",
        ].includes(k)
      )
        continue;
      out.push(...leafPaths(r, v, fieldSchema(r, node, k), [...prefix, `f:${k}`]));
    }
    if (Object.keys(value).length === 0 && prefix.length > 0) out.push(prefix);
    return out;
  }
  if (Array.isArray(value)) {
    const info = listInfo(r, node);
    if (info.type === "map" && info.keys.length > 0) {
      for (const item of value)
        out.push(
          ...leafPaths(r, item, itemSchema(r, node), [
            ...prefix,
            itemKey(r, item, info.keys, itemSchema(r, node)),
          ]),
        );
      return out;
    }
    if (info.type === "set") {
      for (const item of value) out.push([...prefix, `v:${JSON.stringify(item)}`]);
      return out;
    }
  }
  out.push(prefix);
  return out;
}

const pathKey = (p: Path) => JSON.stringify(p);

/** FieldsV1 (a trie of path elements) from paths. */
export function toFieldsV1(paths: Path[]): JsonObject {
  const root: JsonObject = {};
  for (const p of paths) {
    let cur = root;
    for (const el of p) {
      cur[el] ??= {};
      cur = cur[el] as JsonObject;
    }
  }
  return root;
}

export function fromFieldsV1(f: JsonObject | undefined, prefix: Path = []): Path[] {
  if (!f) return [];
  const out: Path[] = [];
  const keys = Object.keys(f);
  if (keys.length === 0 && prefix.length > 0) return [prefix];
  for (const k of keys) out.push(...fromFieldsV1(f[k] as JsonObject, [...prefix, k]));
  return out;
}

/** The list item a "k:{...}" element names (a key field the item leaves out matches its default). */
function findItem(list: unknown[], want: Obj): number {
  const exact = list.findIndex((x) => isObj(x) && Object.entries(want).every(([k, v]) => deepEqual(x[k], v)));
  if (exact >= 0) return exact;
  return list.findIndex(
    (x) => isObj(x) && Object.entries(want).every(([k, v]) => x[k] === undefined || deepEqual(x[k], v)),
  );
}

/** The value at a path (undefined when absent). */
function valueAt(r: ResourceType, obj: unknown, path: Path): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (el === ".") return cur;
    if (el.startsWith("f:")) cur = isObj(cur) ? cur[el.slice(2)] : undefined;
    else if (el.startsWith("k:")) {
      const want = JSON.parse(el.slice(2)) as Obj;
      cur = Array.isArray(cur) ? cur[findItem(cur, want)] : undefined;
    } else if (el.startsWith("v:")) {
      const want = JSON.parse(el.slice(2));
      cur = Array.isArray(cur) && cur.some((x) => deepEqual(x, want)) ? want : undefined;
    } else if (el.startsWith("i:")) cur = Array.isArray(cur) ? cur[Number(el.slice(2))] : undefined;
    if (cur === undefined) return undefined;
  }
  void r;
  return cur;
}

function removeAt(obj: unknown, path: Path): void {
  if (path.length === 0) return;
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  if (last === ".") return;
  let parent: unknown = obj;
  for (const el of parentPath) {
    if (el.startsWith("f:")) parent = isObj(parent) ? parent[el.slice(2)] : undefined;
    else if (el.startsWith("k:")) {
      const want = JSON.parse(el.slice(2)) as Obj;
      parent = Array.isArray(parent) ? parent[findItem(parent, want)] : undefined;
    } else return;
    if (parent === undefined) return;
  }
  if (last.startsWith("f:") && isObj(parent)) delete parent[last.slice(2)];
  else if (last.startsWith("k:") && Array.isArray(parent)) {
    const i = findItem(parent, JSON.parse(last.slice(2)) as Obj);
    if (i >= 0) parent.splice(i, 1);
  } else if (last.startsWith("v:") && Array.isArray(parent)) {
    const want = JSON.parse(last.slice(2));
    const i = parent.findIndex((x) => deepEqual(x, want));
    if (i >= 0) parent.splice(i, 1);
  }
}

/** Structural merge of an applied configuration into the live object. */
function merge(r: ResourceType, live: unknown, applied: unknown, node: SchemaNode | undefined): unknown {
  const n = resolve(r, node);
  if (isObj(applied) && isObj(live) && !isFreeForm(r, node) && n?.["x-kubernetes-map-type"] !== "atomic") {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(applied)) out[k] = merge(r, live[k], v, fieldSchema(r, node, k));
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const info = listInfo(r, node);
    if (info.type === "map" && info.keys.length > 0) {
      const out = [...live];
      for (const item of applied) {
        const items = itemSchema(r, node);
        const key = itemKey(r, item, info.keys, items);
        const i = out.findIndex((x) => itemKey(r, x, info.keys, items) === key);
        if (i >= 0) out[i] = merge(r, out[i], item, itemSchema(r, node));
        else out.push(clone(item));
      }
      return out;
    }
    if (info.type === "set") {
      const out = [...live];
      for (const item of applied) if (!out.some((x) => deepEqual(x, item))) out.push(clone(item));
      return out;
    }
  }
  return clone(applied);
}

function entryPaths(e: ManagedFieldsEntry): Path[] {
  return fromFieldsV1(e.fieldsV1 as JsonObject | undefined);
}

export interface Conflict {
  manager: string;
  apiVersion: string;
  field: string;
}

/** ".spec.replicas" and ".spec.template.spec.containers[name=\"web\"].image" as conflicts name them. */
function conflictField(path: Path): string {
  let out = "";
  for (const el of path) {
    if (el === ".") continue;
    if (el.startsWith("f:")) out += `.${el.slice(2)}`;
    else if (el.startsWith("k:")) {
      const k = JSON.parse(el.slice(2)) as Obj;
      out += `[${Object.entries(k)
        .map(([a, b]) => `${a}=${JSON.stringify(b)}`)
        .join(",")}]`;
    } else if (el.startsWith("v:")) out += `[${el.slice(2)}]`;
  }
  return out;
}

export class ApplyConflict extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(
      `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}: ${conflicts
        .map(
          (c) =>
            `conflict with ${JSON.stringify(c.manager)}${c.apiVersion ? ` using ${c.apiVersion}` : ""}: ${c.field}`,
        )
        .join("\n")}`,
    );
  }
}

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined: the object is created).
 * Returns the new object with its managedFields.
 */
export function serverSideApply(
  r: ResourceType,
  live: KObject | undefined,
  applied: KObject,
  manager: string,
  force: boolean,
  apiVersion: string,
  lastApplied?: KObject,
): KObject {
  // Upgrading from client-side apply: the fields of the last-applied configuration still holding
  // its values are taken over by the applier instead of conflicting (for kubectl's own manager).
  const transferable = new Set<string>();
  if (live && lastApplied)
    for (const p of leafPaths(r, lastApplied))
      if (deepEqual(valueAt(r, live, p), valueAt(r, lastApplied, p))) transferable.add(pathKey(p));
  const appliedPaths = leafPaths(r, applied);
  const entries = clone(live?.metadata.managedFields ?? []);
  const mine = entries.find((e) => e.manager === manager && e.operation === "Apply" && !e.subresource);
  const previous = mine ? entryPaths(mine) : [];
  const conflicts: Conflict[] = [];
  const appliedKeys = new Set(appliedPaths.map(pathKey));
  if (live) {
    for (const e of entries) {
      if (e === mine || e.subresource) continue;
      const theirs = entryPaths(e);
      const lost: string[] = [];
      for (const p of theirs) {
        if (!appliedKeys.has(pathKey(p)) || p[p.length - 1] === ".") continue;
        if (!deepEqual(valueAt(r, live, p), valueAt(r, applied, p))) {
          if (force || transferable.has(pathKey(p))) lost.push(pathKey(p));
          else
            conflicts.push({
              manager: e.manager ?? "",
              apiVersion: e.apiVersion ?? "",
              field: conflictField(p),
            });
        } else if (force) {
          // Shared ownership of equal values stays shared.
        }
      }
      if (lost.length > 0) {
        const drop = new Set(lost);
        e.fieldsV1 = toFieldsV1(theirs.filter((p) => !drop.has(pathKey(p))));
      }
    }
  }
  if (conflicts.length > 0) throw new ApplyConflict(conflicts);
  const base = live
    ? clone(live)
    : ({ apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} } as KObject);
  const body = clone(applied) as Obj;
  delete body.status;
  let result = merge(r, base, body, rootSchema(r)) as KObject;
  // Fields this manager applied before and applies no more: removed unless someone else owns them.
  const ownedByOthers = new Set(
    entries.filter((e) => e !== mine && !e.subresource).flatMap((e) => entryPaths(e).map(pathKey)),
  );
  for (const p of previous) {
    if (appliedKeys.has(pathKey(p)) || ownedByOthers.has(pathKey(p))) continue;
    if (p[p.length - 1] === ".") continue;
    result = clone(result);
    removeAt(result, p);
  }
  const others = entries.filter((e) => e !== mine && fromFieldsV1(e.fieldsV1 as JsonObject).length > 0);
  result.metadata.managedFields = [
    ...others,
    {
      manager,
      operation: "Apply",
      apiVersion,
      time: now(),
      fieldsType: "FieldsV1",
      fieldsV1: toFieldsV1(appliedPaths),
    },
  ];
  return result;
}

/**
 * Ownership after a non-apply write: the writer owns what it changed or added; others lose those
 * fields; fields that disappeared are no longer owned by anyone.
 */
export function trackUpdate(
  r: ResourceType,
  before: KObject | undefined,
  after: KObject,
  manager: string,
  apiVersion: string,
  subresource?: string,
): void {
  const entries = clone(before?.metadata.managedFields ?? after.metadata.managedFields ?? []);
  const afterPaths = leafPaths(r, after);
  const afterKeys = new Set(afterPaths.map(pathKey));
  const changed = afterPaths.filter(
    (p) => !before || !deepEqual(valueAt(r, before, p), valueAt(r, after, p)),
  );
  const changedKeys = new Set(changed.map(pathKey));
  for (const e of entries) {
    const kept = entryPaths(e).filter(
      (p) => afterKeys.has(pathKey(p)) && !(changedKeys.has(pathKey(p)) && e.manager !== manager),
    );
    e.fieldsV1 = toFieldsV1(kept);
  }
  if (changed.length > 0) {
    let mine = entries.find(
      (e) =>
        e.manager === manager && e.operation === "Update" && (e.subresource ?? "") === (subresource ?? ""),
    );
    if (!mine) {
      mine = { manager, operation: "Update", apiVersion, time: now(), fieldsType: "FieldsV1", fieldsV1: {} };
      if (subresource) mine.subresource = subresource;
      entries.push(mine);
    }
    const merged = new Map<string, Path>();
    for (const p of [...entryPaths(mine), ...changed]) merged.set(pathKey(p), p);
    mine.fieldsV1 = toFieldsV1([...merged.values()]);
    mine.time = now();
    mine.apiVersion = apiVersion;
  }
  after.metadata.managedFields = entries.filter((e) => fromFieldsV1(e.fieldsV1 as JsonObject).length > 0);
}
