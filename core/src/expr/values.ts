/**
 * The value model. Expressions see only plain data: null, booleans, numbers, strings, lists
 * (arrays) and maps (null-prototype objects holding own data properties). Java distinguishes
 * integers from doubles and users rely on it (7/2 is 3, 7.0/2 is 3.5, 2.0 prints as "2.0"): a JS
 * number that is not an integer is a double, and a double whose value is integral is boxed in
 * `JavaDouble` so it keeps its type through arithmetic and printing.
 */

export class JavaDouble {
  constructor(readonly value: number) {}
}

export type Value = null | boolean | number | string | JavaDouble | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

/** Plain JSON-like data as callers hold it. */
export type PlainData = null | boolean | number | string | PlainData[] | { [key: string]: PlainData };

/** Why an evaluation failed; `exceptionType` is stable and shown in the evaluation summary. */
export class ExprError extends Error {
  constructor(
    readonly exceptionType: string,
    message: string,
  ) {
    super(message);
  }
}

export const isMap = (v: Value): v is ValueMap =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JavaDouble);
export const isNumber = (v: Value): v is number | JavaDouble =>
  typeof v === "number" || v instanceof JavaDouble;
export const isDouble = (v: Value): boolean =>
  v instanceof JavaDouble || (typeof v === "number" && !Number.isInteger(v));
export const numberOf = (v: number | JavaDouble): number => (typeof v === "number" ? v : v.value);

/** A double result, boxed when integral so it stays a double. */
export const makeDouble = (n: number): number | JavaDouble => (Number.isInteger(n) ? new JavaDouble(n) : n);

/** A new empty map that has no prototype, so no key (`__proto__` included) is special. */
export const newMap = (): ValueMap => Object.create(null) as ValueMap;

export interface SanitizeLimits {
  maxDepth: number;
  maxNodes: number;
  /** Throw LimitExceeded instead of dropping what is over the limits (for data parsed by functions). */
  strict?: boolean;
}

/**
 * Copies caller data into the sandbox's value model: only own enumerable data properties of
 * plain objects and arrays survive; functions, getters, symbols, class instances (Map, Date, ...)
 * and anything deeper than the limit are dropped (become null). Getters are never invoked.
 */
export function toValue(
  data: unknown,
  limits: SanitizeLimits = { maxDepth: 64, maxNodes: 1_000_000 },
): Value {
  let nodes = 0;
  const seen = new Set<object>();
  const over = (what: string): null => {
    if (limits.strict)
      throw new ExprError(
        "LimitExceeded",
        `The data is too ${what} (limits: ${limits.maxNodes} values, ${limits.maxDepth} levels).`,
      );
    return null;
  };
  const walk = (v: unknown, depth: number): Value => {
    if (++nodes > limits.maxNodes) return over("large");
    try {
      return copy(v, depth);
    } catch (e) {
      // A proxy or exotic object whose traps throw is treated like any other host object.
      if (e instanceof ExprError) throw e;
      return null;
    }
  };
  const copy = (v: unknown, depth: number): Value => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        return v;
      case "object": {
        if (v === null) return null;
        if (v instanceof JavaDouble) return v;
        if (depth >= limits.maxDepth) return over("deep");
        if (seen.has(v)) return null;
        const isArray = Array.isArray(v);
        const proto = Object.getPrototypeOf(v);
        if (!isArray && proto !== Object.prototype && proto !== null) return null;
        seen.add(v);
        try {
          if (isArray) {
            const out: Value[] = [];
            const n = (v as unknown[]).length;
            for (let i = 0; i < n; i++) {
              const d = Object.getOwnPropertyDescriptor(v, i);
              out.push(d && "value" in d ? walk(d.value, depth + 1) : null);
            }
            return out;
          }
          const out = newMap();
          for (const key of Object.keys(v)) {
            const d = Object.getOwnPropertyDescriptor(v, key);
            if (!d || !("value" in d)) continue; // accessors are never called
            const t = typeof d.value;
            if (t === "function" || t === "symbol" || t === "undefined" || t === "bigint") continue;
            out[key] = walk(d.value, depth + 1);
          }
          return out;
        } finally {
          seen.delete(v);
        }
      }
      default:
        return null;
    }
  };
  return walk(data, 0);
}

/**
 * Turns a sandbox value back into ordinary plain data (doubles unboxed, maps with Object prototype).
 * Values may share parts (a projection can put one list in every element), so the copy counts what
 * it makes and fails with LimitExceeded past `maxValues` instead of expanding without bound.
 */
export function toPlain(v: Value, maxValues = 1_000_000): PlainData {
  let count = 0;
  const copy = (x: Value): PlainData => {
    if (++count > maxValues)
      throw new ExprError(
        "LimitExceeded",
        `The result would hold more than ${maxValues} values once copied out (parts of it are repeated); make it smaller.`,
      );
    if (x instanceof JavaDouble) return x.value;
    if (Array.isArray(x)) return x.map(copy);
    if (isMap(x)) {
      const out: { [key: string]: PlainData } = {};
      for (const key of Object.keys(x)) {
        // `__proto__` must become an own property, not a prototype change.
        if (key === "__proto__")
          Object.defineProperty(out, key, {
            value: copy(x[key]),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[key] = copy(x[key]);
      }
      return out;
    }
    return x;
  };
  return copy(v);
}

/** Java's Double.toString. */
export function doubleToString(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "Infinity";
  if (n === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split("e");
  const m = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace("+", "")}`;
}

/**
 * Text built with a size budget: past `max` characters it either fails with LimitExceeded (what
 * expressions need: nothing is built beyond the limit) or stops, for short renderings in messages.
 * Every value visited counts as well, so text made of empty parts is bounded too.
 */
class TextSink {
  private readonly parts: string[] = [];
  private size = 0;
  private visits = 0;
  full = false;
  constructor(
    private readonly max: number,
    private readonly truncate: boolean,
  ) {}
  push(s: string): void {
    if (this.full) return;
    if (this.size + s.length > this.max) {
      if (!this.truncate) throw textTooLong(this.max);
      this.parts.push(s.slice(0, this.max - this.size));
      this.size = this.max;
      this.full = true;
      return;
    }
    this.size += s.length;
    this.parts.push(s);
  }
  visit(): void {
    if (++this.visits <= this.max) return;
    if (!this.truncate) throw textTooLong(this.max);
    this.full = true;
  }
  text(): string {
    return this.parts.join("");
  }
}

const textTooLong = (max: number) =>
  new ExprError(
    "LimitExceeded",
    `The value is too large to turn into text: it would be over ${max} characters (the string limit).`,
  );

function writeJava(v: Value, out: TextSink): void {
  out.visit();
  if (out.full) return;
  if (v === null) out.push("null");
  else if (typeof v === "string") out.push(v);
  else if (typeof v === "boolean") out.push(v ? "true" : "false");
  else if (typeof v === "number") out.push(Number.isInteger(v) ? String(v) : doubleToString(v));
  else if (v instanceof JavaDouble) out.push(doubleToString(v.value));
  else if (Array.isArray(v)) {
    out.push("[");
    for (let i = 0; i < v.length && !out.full; i++) {
      if (i) out.push(", ");
      writeJava(v[i], out);
    }
    out.push("]");
  } else {
    out.push("{");
    let first = true;
    for (const k of Object.keys(v)) {
      if (out.full) break;
      if (!first) out.push(", ");
      first = false;
      out.push(k);
      out.push("=");
      writeJava(v[k], out);
    }
    out.push("}");
  }
}

/**
 * Java's String.valueOf, as used for concatenation and template parts. The text is counted while
 * it is built: past `maxLength` characters it fails with LimitExceeded.
 */
export function toJavaString(v: Value, maxLength: number): string {
  if (typeof v === "string") {
    if (v.length > maxLength) throw textTooLong(maxLength);
    return v;
  }
  const out = new TextSink(maxLength, false);
  writeJava(v, out);
  return out.text();
}

/**
 * A value as Spring's conversion service turns it into a String, which is what a template part and
 * the other side of a string `+` become: a list is its elements joined with `,` (`a,b`, nested
 * lists flattened the same way), anything else its Java toString. A map has no such conversion:
 * inside a list, or as a template part, it is an error, as in Orca; on one side of `+` Spring falls
 * back to toString (`{k=v}`). Past `maxLength` characters it fails with LimitExceeded.
 */
export function toSpelText(v: Value, where: "concatenation" | "template", maxLength: number): string {
  if (isMap(v) && where === "template")
    throw new ExprError(
      "TypeError",
      `A map cannot be part of a text (Spring has no conversion from a map to a String): ${describeValue(v)}; use #toJson(...).`,
    );
  if (!Array.isArray(v)) return toJavaString(v, maxLength);
  const out = new TextSink(maxLength, false);
  writeList(v, out);
  return out.text();
}

function writeList(list: Value[], out: TextSink): void {
  for (let i = 0; i < list.length; i++) {
    out.visit();
    if (i) out.push(",");
    const item = list[i];
    if (Array.isArray(item)) writeList(item, out);
    else if (isMap(item))
      throw new ExprError(
        "TypeError",
        "A list holding a map cannot be converted to text (Spring has no conversion from a map to a String); use #toJson(...).",
      );
    else writeJava(item, out);
  }
}

/** The type name users see in messages. */
export function typeName(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return "String";
  if (typeof v === "boolean") return "Boolean";
  if (isNumber(v)) return isDouble(v) ? "Double" : "Integer";
  if (Array.isArray(v)) return "List";
  return "Map";
}

/**
 * How many value pairs comparisons may still look at in one evaluation: lists can share parts, so
 * comparing two values can cost far more than their size suggests.
 */
export interface CompareBudget {
  compareWork: number;
}

/**
 * SpEL `==`: numbers by value (1 == 1.0), anything else with Java's equals (so lists and maps
 * compare their elements with equals: `{1} == {1.0}` is false, as in Java).
 */
export function valuesEqual(a: Value, b: Value, budget?: CompareBudget): boolean {
  if (isNumber(a) && isNumber(b)) return numberOf(a) === numberOf(b);
  return javaEquals(a, b, budget);
}

/**
 * Java's Object.equals: an Integer never equals a Double, doubles compare as Double.equals does
 * (NaN equals NaN, 0.0 does not equal -0.0), lists and maps element by element. With a budget,
 * each pair looked at counts, and LimitExceeded ends a comparison that would go past it.
 */
export function javaEquals(a: Value, b: Value, budget?: CompareBudget): boolean {
  if (budget && --budget.compareWork < 0)
    throw new ExprError(
      "LimitExceeded",
      "The expression compares more values than its budget allows (parts of the values are repeated); simplify it.",
    );
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isNumber(a) && isNumber(b)) {
    if (isDouble(a) !== isDouble(b)) return false;
    return isDouble(a) ? Object.is(numberOf(a), numberOf(b)) : numberOf(a) === numberOf(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!javaEquals(a[i], b[i], budget)) return false;
    return true;
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !javaEquals(a[k], b[k], budget)) return false;
    return true;
  }
  return false;
}

/** SpEL ordering: numbers, strings (by UTF-16 code unit, as Java), booleans; null sorts first. */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (isNumber(a) && isNumber(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  throw new ExprError("ComparisonError", `Cannot compare ${typeName(a)} with ${typeName(b)}.`);
}

/** Spring's String-to-Boolean conversion, used where SpEL needs a boolean. */
export function toBooleanStrict(v: Value, what: string): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true" || s === "on" || s === "yes" || s === "1") return true;
    if (s === "false" || s === "off" || s === "no" || s === "0") return false;
  }
  throw new ExprError("TypeError", `${what} must be a boolean, got ${typeName(v)} ${describeValue(v)}.`);
}

/** A short rendering of a value for error messages. */
export function describeValue(v: Value): string {
  let s: string;
  if (typeof v === "string") s = v.length > 61 ? `'${v.slice(0, 61)}` : `'${v}'`;
  else {
    // Rendered only as far as the message shows it.
    const out = new TextSink(61, true);
    writeJava(v, out);
    s = out.text();
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
