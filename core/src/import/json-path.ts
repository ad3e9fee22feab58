const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The JSON path of a child: `$.a`, `$.a[0]`, `$.message['pipeline.failed']`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return `${parent}.${key}`;
  return `${parent}['${key.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A number, or a string holding exactly a decimal number ("30", " 1.5 "); else undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** True when a string holds a Spinnaker expression. */
export function hasExpression(value: unknown): value is string {
  return typeof value === "string" && value.includes("${");
}

/** A short rendering of a JSON value for report messages. */
export function show(value: unknown, limit = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** `${ expr }` for a bare Spinnaker expression; an already wrapped one is kept as written. */
export function wrapExpression(expr: string): string {
  return expr.includes("${") ? expr : `\${ ${expr.trim()} }`;
}

/** The value at a JSON path made by `childPath` (`$.a[0]['b.c']`), or undefined when absent. */
export function valueAt(root: unknown, path: string): unknown {
  if (!path.startsWith("$")) return undefined;
  let value: unknown = root;
  let i = 1;
  while (i < path.length) {
    if (value === undefined || value === null) return undefined;
    if (path[i] === ".") {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(path.slice(i + 1));
      if (!m) return undefined;
      value = isRecord(value) && Object.hasOwn(value, m[0]) ? value[m[0]] : undefined;
      i += 1 + m[0].length;
    } else if (path.startsWith("['", i)) {
      let key = "";
      let j = i + 2;
      for (; j < path.length && path[j] !== "'"; j++) {
        if (path[j] === "\\") j++;
        key += path[j];
      }
      value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
      i = j + 2;
    } else if (path[i] === "[") {
      const m = /^\[(\d+)\]/.exec(path.slice(i));
      if (!m) return undefined;
      value = Array.isArray(value) ? value[Number(m[1])] : undefined;
      i += m[0].length;
    } else return undefined;
  }
  return value;
}

/** Holds nothing: null, "", false, or a list or object of such values only. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === "" || value === false || value === undefined) return true;
  if (Array.isArray(value)) return value.every(isBlank);
  if (isRecord(value)) return Object.values(value).every(isBlank);
  return false;
}
