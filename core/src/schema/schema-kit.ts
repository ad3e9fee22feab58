/**
 * Small builders for the JSON Schema (draft-07) of the pipeline file. The schema is data written
 * in TypeScript so common stage fields can be composed into every stage type, and so the
 * validator, the language server helpers and the docs generator share one source.
 */

/** The subset of draft-07 Capstan's schemas use (plus the editor annotation `markdownDescription`). */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $comment?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: JsonType | JsonType[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  examples?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  minProperties?: number;
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  not?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
}

export type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

/** `${ ... }`: a string that is exactly one expression (it may then yield a number or boolean). */
export const EXPRESSION_PATTERN = "^\\$\\{[\\s\\S]*\\}$";
/** `30s`, `5m`, `1h30m`, `2d`, `250ms`, or an expression. Same grammar as `parseDuration`. */
export const DURATION_PATTERN = "^(?:(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+|\\$\\{[\\s\\S]*\\})$";
/** `HH:mm`, 24-hour clock. */
export const TIME_OF_DAY_PATTERN = "^(?:[01]\\d|2[0-3]):[0-5]\\d$";
/** Spinnaker refIds as Capstan writes them. */
export const STAGE_ID_PATTERN = "^[A-Za-z0-9_.-]+$";
/** Names readable as `${ name }` in later expressions; GitHub secret names follow the same rule. */
export const IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";
export const SECRET_NAME_PATTERN = IDENTIFIER_PATTERN;
/** Frigga's application and stack names: letters, digits, `.` and `_` (no hyphen), or an expression. */
export const APP_NAME_PATTERN = "^(?:[A-Za-z0-9._]+|\\$\\{[\\s\\S]*\\})$";
/** Frigga's detail: hyphens allowed. */
export const DETAIL_PATTERN = "^(?:[A-Za-z0-9._-]+|\\$\\{[\\s\\S]*\\})$";

/** Five whitespace-separated cron fields (the semantic validator checks each field). */
export const CRON_PATTERN = "^\\s*\\S+(?:\\s+\\S+){4}\\s*$";

/** What a pattern means, in words, for error messages and docs. */
export interface PatternHint {
  /** A noun phrase: "a duration". */
  what: string;
  /** How to write a good value. */
  hint: string;
}

export const PATTERN_HINTS: Record<string, PatternHint> = {
  [EXPRESSION_PATTERN]: {
    what: "an expression",
    hint: "Write a value, or an expression like ${ parameters.count }.",
  },
  [DURATION_PATTERN]: {
    what: "a duration",
    hint: "Write a duration like 30s, 5m or 1h30m (units ms, s, m, h, d), or an expression.",
  },
  [TIME_OF_DAY_PATTERN]: {
    what: "a time of day",
    hint: 'Write a 24-hour time as "HH:mm", e.g. "07:00" (quoted).',
  },
  [STAGE_ID_PATTERN]: {
    what: "a stage id",
    hint: "Use letters, digits, '_', '.' and '-' only (no spaces), e.g. deploy-prod.",
  },
  [IDENTIFIER_PATTERN]: {
    what: "a valid name",
    hint: "Use letters, digits and '_', not starting with a digit, e.g. SLACK_WEBHOOK or imageTag.",
  },
  [APP_NAME_PATTERN]: {
    what: "an application or stack name",
    hint: "Use letters, digits, '.' and '_' only; a hyphen separates application, stack and detail in cluster names.",
  },
  [CRON_PATTERN]: {
    what: "a cron expression",
    hint: 'Write five fields, minute hour day-of-month month day-of-week, e.g. "0 7 * * 1-5" (UTC).',
  },
  [DETAIL_PATTERN]: { what: "a detail", hint: "Use letters, digits, '.', '_' and '-' only." },
};

type Extra = Omit<JsonSchema, "description">;

/** A string field; any string (expressions included) is accepted. */
export function str(description: string, extra: Extra = {}): JsonSchema {
  return { type: "string", description, ...extra };
}

/** A field holding a string matching `pattern` (explained by PATTERN_HINTS). */
export function patterned(pattern: string, description: string, extra: Extra = {}): JsonSchema {
  return { type: "string", pattern, description, ...extra };
}

/** A duration string (`30s`, `1h30m`) or an expression. */
export function duration(description: string, extra: Extra = {}): JsonSchema {
  return { type: "string", pattern: DURATION_PATTERN, description, ...extra };
}

/** A number, or a string that is one expression (`pattern` only applies to strings). */
export function num(description: string, extra: Extra = {}): JsonSchema {
  return { type: ["number", "string"], pattern: EXPRESSION_PATTERN, description, ...extra };
}

/** An integer, or a string that is one expression. */
export function int(description: string, extra: Extra = {}): JsonSchema {
  return { type: ["integer", "string"], pattern: EXPRESSION_PATTERN, description, ...extra };
}

/** A boolean, or a string that is one expression. */
export function bool(description: string, extra: Extra = {}): JsonSchema {
  return { type: ["boolean", "string"], pattern: EXPRESSION_PATTERN, description, ...extra };
}

/** A plain boolean (settings read before any expression can be evaluated). */
export function flag(description: string, extra: Extra = {}): JsonSchema {
  return { type: "boolean", description, ...extra };
}

/** One of fixed string values. */
export function oneOfValues(values: readonly string[], description: string, extra: Extra = {}): JsonSchema {
  return { type: "string", enum: [...values], description, ...extra };
}

/** A list of items. */
export function list(items: JsonSchema, description: string, extra: Extra = {}): JsonSchema {
  return { type: "array", items, description, ...extra };
}

/** A map with free keys and values of one schema. */
export function map(values: JsonSchema, description: string, extra: Extra = {}): JsonSchema {
  return { type: "object", additionalProperties: values, description, ...extra };
}

/** Any JSON value. */
export function anyValue(description: string, extra: Extra = {}): JsonSchema {
  return { description, ...extra };
}

/** A closed object: unknown fields are errors. */
export function object(
  title: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required: string[] = [],
  extra: Extra = {},
): JsonSchema {
  const schema: JsonSchema = {
    title,
    description,
    type: "object",
    properties,
    additionalProperties: false,
    ...extra,
  };
  if (required.length > 0) schema.required = required;
  return schema;
}

/** A reference to a definition. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/definitions/${name}` };
}

/**
 * One branch of a discriminated list item: when `field` equals `value`, the item must match the
 * definition. The `type: object` in the condition stops non-objects from matching every branch.
 */
export function discriminated(field: string, value: string, definition: string): JsonSchema {
  return {
    if: { type: "object", properties: { [field]: { const: value } }, required: [field] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
    then: ref(definition),
  };
}

/** "a" or "an" before a word. */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}
