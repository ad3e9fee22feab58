import { DURATION_PATTERN, EXPRESSION_PATTERN, type JsonSchema, PATTERN_HINTS } from "./schema-kit.js";

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  object: "a map of fields",
  array: "a list",
  null: "nothing",
};

/** A short type label for docs and hovers: `duration`, `integer | ${expr}`, `list of string`. */
export function typeLabel(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema = (s) => s): string {
  const s = resolve(schema);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => String(v)).join(" | ");
  if (s.pattern === DURATION_PATTERN) return "duration";
  const hint = s.pattern && s.type === "string" ? PATTERN_HINTS[s.pattern] : undefined;
  if (hint) return hint.what.replace(/^an? /, "");
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (types.length === 0) return s.title && s.properties ? s.title : "any";
  const labels = types.map((t) => {
    if (t === "string" && s.pattern === EXPRESSION_PATTERN && types.length > 1) return "${expr}";
    if (t === "array") return s.items ? `list of ${typeLabel(s.items, resolve)}` : "list";
    if (t === "object") {
      if (s.title && s.properties) return s.title;
      if (typeof s.additionalProperties === "object")
        return `map of ${typeLabel(s.additionalProperties, resolve)}`;
      return "map";
    }
    return t;
  });
  return labels.join(" | ");
}

/** What a value should be, in words, for error messages: "a duration like 30s, 5m or 1h30m". */
export function expectedPhrase(schema: JsonSchema): string {
  if (schema.pattern === DURATION_PATTERN) return "a duration like 30s, 5m or 1h30m";
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const words = types
    .filter((t) => !(t === "string" && schema.pattern === EXPRESSION_PATTERN))
    .map((t) =>
      t === "object" && schema.title ? `${TYPE_WORDS.object} (${schema.title})` : (TYPE_WORDS[t] ?? t),
    );
  if (types.includes("string") && schema.pattern === EXPRESSION_PATTERN)
    words.push("an expression like ${ parameters.count }");
  else if (schema.pattern && PATTERN_HINTS[schema.pattern] && words[0] === "text")
    words[0] = PATTERN_HINTS[schema.pattern].what;
  if (words.length <= 1) return words[0] ?? "a value";
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** A value described in a few words, for "found ..." in messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing (an empty value)";
  if (Array.isArray(value)) return "a list";
  // YAML tags that make something other than text, a list or a map.
  if (value instanceof Uint8Array) return "binary data (!!binary)";
  if (value instanceof Date) return "a date (!!timestamp)";
  if (typeof value === "object") return "a map of fields";
  if (typeof value === "string") return `the text '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === "boolean") return String(value);
  return `the number ${value}`;
}
