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
