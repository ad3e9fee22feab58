import type { ImportContext } from "./context.js";
import { formatSeconds } from "./duration.js";
import { hasExpression, isRecord, show, toNumber } from "./json-path.js";

/** Maps one Spinnaker stage field to Capstan stage fields (possibly none). */
export type Rule = (
  value: unknown,
  path: string,
  ctx: ImportContext,
  stage: Record<string, unknown>,
) => Record<string, unknown> | undefined;

/** How one stage type converts: its Capstan type and a rule per Spinnaker field. */
export interface StageSpec {
  /** Capstan type when it differs from Spinnaker's (kayentaCanary -> canaryAnalysis). */
  type?: string;
  /** Fields computed from several Spinnaker keys at once; those keys get `silent` rules. */
  build?: (stage: Record<string, unknown>, path: string, ctx: ImportContext) => Record<string, unknown>;
  rules: Record<string, Rule>;
}

/** A number, a numeric string (converted, reported) or an expression; undefined otherwise. */
export function numberValue(value: unknown, path: string, ctx: ImportContext): number | string | undefined {
  if (typeof value === "number") return value;
  if (hasExpression(value)) return value;
  const n = toNumber(value);
  if (n !== undefined) {
    ctx.note(path, "changed", `number stored as the string ${show(value)}, read as ${n}`);
    return n;
  }
  ctx.note(path, "dropped", `${show(value)} is not a number`);
  return undefined;
}

/** A boolean, "true"/"false" (converted, reported) or an expression; undefined otherwise. */
export function booleanValue(value: unknown, path: string, ctx: ImportContext): boolean | string | undefined {
  if (typeof value === "boolean") return value;
  if (hasExpression(value)) return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
    const b = value.trim().toLowerCase() === "true";
    ctx.note(path, "changed", `boolean stored as the string ${show(value)}, read as ${b}`);
    return b;
  }
  ctx.note(path, "dropped", `${show(value)} is not a boolean`);
  return undefined;
}

/** Seconds (number, numeric string or expression) as a Capstan duration string. */
export function secondsValue(value: unknown, path: string, ctx: ImportContext): string | undefined {
  const n = numberValue(value, path, ctx);
  if (typeof n === "number") return formatSeconds(n);
  return n;
}

/** Keep the value under `name` (default: the same key). Empty strings and nulls are left out. */
export const keep =
  (name?: string): Rule =>
  (value, path) => {
    if (value === null || value === "" || value === undefined) return {};
    return { [name ?? lastKey(path)]: value };
  };

export const asNumber =
  (name?: string): Rule =>
  (value, path, ctx) => {
    if (value === null || value === "") return {};
    const n = numberValue(value, path, ctx);
    return n === undefined ? {} : { [name ?? lastKey(path)]: n };
  };

export const asBoolean =
  (name?: string): Rule =>
  (value, path, ctx) => {
    if (value === null || value === "") return {};
    const b = booleanValue(value, path, ctx);
    return b === undefined ? {} : { [name ?? lastKey(path)]: b };
  };

/** A seconds field as a duration under a new name (delayBeforeDisableSec -> delayBeforeDisable). */
export const asSeconds =
  (name: string): Rule =>
  (value, path, ctx) => {
    if (value === null || value === "") return {};
    const d = secondsValue(value, path, ctx);
    return d === undefined ? {} : { [name]: d };
  };

/** A field Capstan has no use for, with the reason reported (only when it holds something). */
export const drop =
  (reason: string, kind: "dropped" | "unsupported" = "dropped"): Rule =>
  (value, path, ctx) => {
    if (!isEmpty(value)) ctx.note(path, kind, reason);
    return {};
  };

/** Dropped without a note: the field only repeats what the output already says. */
export const silent: Rule = () => ({});

/** {min, desired, max} with numbers stored as strings converted. */
export const capacity: Rule = (value, path, ctx) => {
  if (!isRecord(value)) return drop("capacity is not a {min, desired, max} map")(value, path, ctx, {});
  const out: Record<string, unknown> = {};
  for (const key of ["min", "desired", "max"]) {
    if (value[key] === undefined || value[key] === null || value[key] === "") continue;
    const n = numberValue(value[key], `${path}.${key}`, ctx);
    if (n !== undefined) out[key] = n;
  }
  for (const key of Object.keys(value))
    if (!["min", "desired", "max"].includes(key))
      ctx.note(`${path}.${key}`, "dropped", "not part of a capacity");
  return Object.keys(out).length ? { capacity: out } : {};
};

export function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === "" ||
    value === false ||
    (Array.isArray(value) && value.length === 0) ||
    (isRecord(value) && Object.keys(value).length === 0)
  );
}

function lastKey(path: string): string {
  const m = /(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\['((?:[^'\\]|\\.)*)'\])$/.exec(path);
  return m ? (m[1] ?? m[2].replace(/\\(.)/g, "$1")) : path;
}

/** Capstan's providers; Spinnaker's others (aws, gce, titus ...) have no Capstan counterpart. */
export const CAPSTAN_PROVIDERS = ["local", "kubernetes"];

/** `cloudProvider`/`provider` kept when Capstan has that provider, else reported. */
export const provider: Rule = (value, path, ctx) => {
  if (value === null || value === "" || value === undefined) return {};
  if (typeof value === "string" && CAPSTAN_PROVIDERS.includes(value)) return { provider: value };
  ctx.note(
    path,
    "unsupported",
    `provider ${show(value)} is not one of Capstan's (${CAPSTAN_PROVIDERS.join(", ")}); left out, so the default provider applies — set provider and account`,
  );
  return {};
};
