// Label selectors (the query string syntax and the LabelSelector object) and field selectors.
import type { KObject, LabelSelector } from "./types.js";

export type Requirement =
  | { key: string; op: "=" | "!="; values: [string] }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists"; values: [] };

export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") out.push(cur);
  return out.map((t) => t.trim()).filter(Boolean);
}

export function parseLabelSelector(s: string | undefined | null): Requirement[] {
  if (!s) return [];
  const out: Requirement[] = [];
  for (const t of terms(s)) {
    let m = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t);
    if (m) {
      out.push({
        key: m[1],
        op: m[2] as "in" | "notin",
        values: m[3]
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== ""),
      });
      continue;
    }
    m = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s,()]*)$/.exec(t);
    if (m) {
      out.push({ key: m[1], op: m[2] === "!=" ? "!=" : "=", values: [m[3]] });
      continue;
    }
    m = /^(!?)([^\s!=()]+)$/.exec(t);
    if (m) {
      out.push({ key: m[2], op: m[1] ? "!exists" : "exists", values: [] });
      continue;
    }
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(t)}`);
  }
  return out;
}

export function matchesRequirements(
  labels: Record<string, string> | undefined,
  reqs: Requirement[],
): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case "=":
        return has && l[r.key] === r.values[0];
      case "!=":
        return !has || l[r.key] !== r.values[0];
      case "in":
        return has && r.values.includes(l[r.key]);
      case "notin":
        return !has || !r.values.includes(l[r.key]);
      case "exists":
        return has;
      case "!exists":
        return !has;
    }
    return false;
  });
}

/** A LabelSelector object as requirements; an empty selector matches everything. */
export function selectorRequirements(sel: LabelSelector | undefined): Requirement[] {
  const out: Requirement[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) out.push({ key: k, op: "=", values: [v] });
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === "In") out.push({ key: e.key, op: "in", values: e.values ?? [] });
    else if (e.operator === "NotIn") out.push({ key: e.key, op: "notin", values: e.values ?? [] });
    else if (e.operator === "Exists") out.push({ key: e.key, op: "exists", values: [] });
    else out.push({ key: e.key, op: "!exists", values: [] });
  }
  return out;
}

export function matchesSelector(
  labels: Record<string, string> | undefined,
  sel: LabelSelector | undefined,
): boolean {
  return matchesRequirements(labels, selectorRequirements(sel));
}

/** The query-string form (what `kubectl get -o wide` shows in SELECTOR). */
export function selectorString(sel: LabelSelector | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === "In") parts.push(`${e.key} in (${(e.values ?? []).join(",")})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${(e.values ?? []).join(",")})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(",");
}

// ---- field selectors ----

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** The fields each kind can be selected by (the real server rejects others). */
const FIELDS: Record<string, string[]> = {
  "*": ["metadata.name", "metadata.namespace"],
  Pod: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  Secret: ["type"],
  Namespace: ["status.phase"],
  ReplicaSet: ["status.replicas"],
  Job: ["status.successful"],
};

export function parseFieldSelector(s: string | undefined | null, kind: string): FieldRequirement[] {
  if (!s) return [];
  const out: FieldRequirement[] = [];
  for (const t of terms(s)) {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(t);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${t}'`);
    const field = m[1].trim();
    if (![...FIELDS["*"], ...(FIELDS[kind] ?? [])].includes(field))
      throw new SelectorError(`field label not supported: ${field}`);
    out.push({ field, op: m[2] === "!=" ? "!=" : "=", value: m[3].trim() });
  }
  return out;
}

function fieldValue(obj: KObject, field: string): string {
  if (field === "source") {
    const src = (obj as { source?: { component?: string } }).source;
    return src?.component ?? "";
  }
  if (field === "status.successful") {
    const st = (obj as { status?: { succeeded?: number } }).status;
    return String(st?.succeeded ?? 0);
  }
  let v: unknown = obj;
  for (const p of field.split("."))
    v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined || v === null ? "" : String(v);
}

export function matchesFields(obj: KObject, reqs: FieldRequirement[]): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === "="));
}
