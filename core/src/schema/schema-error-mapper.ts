import type { ErrorObject } from "ajv";
import { type Diagnostic, diagnostic, type Span } from "../diagnostics/diagnostic.js";
import { closest } from "../diagnostics/did-you-mean.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import {
  article,
  DURATION_PATTERN,
  EXPRESSION_PATTERN,
  type JsonSchema,
  PATTERN_HINTS,
} from "./schema-kit.js";
import { fullSchemaNode } from "./schema-pointer.js";
import { pick, schemaAt } from "./schema-walk.js";
import { describeValue, expectedPhrase } from "./type-label.js";

/** Spinnaker field names Capstan spells differently, for unknown-field hints. */
const SPINNAKER_NAMES: Record<string, string> = {
  refId: "id",
  requisiteStageRefIds: "dependsOn",
  stageEnabled: "if",
  stageTimeoutMs: "timeout",
  restrictedExecutionWindow: "window",
  restrictExecutionDuringTimeWindow: "window",
  failPipeline: "onFailure",
  continuePipeline: "onFailure",
  completeOtherBranchesThenFail: "onFailure",
  judgmentInputs: "inputs",
  pipelineParameters: "parameters",
  parameterConfig: "parameters",
  scalePct: "percent",
  scaleNum: "amount",
  credentials: "account",
  cloudProvider: "provider",
  cronExpression: "expression",
  whitelist: "ranges",
  delayBeforeDisableSec: "delayBeforeDisable",
  delayBeforeScaleDownSec: "delayBeforeScaleDown",
};

/** Turns ajv errors into diagnostics at the right span, with messages that say how to fix them. */
export class ErrorMapper {
  constructor(
    private readonly doc: LoadedDocument,
    /** The full schema (with descriptions) the validator's stripped nodes point into. */
    private readonly rootSchema: JsonSchema,
    /** "pipeline" or "application": what the whole file is. */
    private readonly fileKind: string,
  ) {}

  map(error: ErrorObject, base: PathSegment[]): Diagnostic | undefined {
    const path = this.pathOf(base, error.instancePath);
    const parent = fullSchemaNode(this.rootSchema, error.parentSchema);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case "if":
        // "must match then/else": the real problem is reported from inside the branch.
        return undefined;
      case "type":
        return this.typeError(path, parent, error.data);
      case "additionalProperties":
        return this.unknownField(path, parent, String(params.additionalProperty));
      case "required":
        return this.missingField(path, parent, String(params.missingProperty));
      case "enum":
      case "const": {
        const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
        return this.badEnum(path, allowed, error.data);
      }
      case "pattern":
        return this.badPattern(path, parent, error.data);
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        return diagnostic(
          "schema-range",
          "error",
          `${this.label(path)} must be ${error.keyword.endsWith("inimum") ? "at least" : "at most"} ${params.limit}; found ${error.data}.`,
          this.valueSpan(path),
        );
      case "minItems":
      case "maxItems":
      case "minLength":
      case "minProperties":
        return this.sizeError(path, error.keyword, Number(params.limit));
      case "uniqueItems": {
        const j = Number(params.j);
        const item = Array.isArray(error.data) ? error.data[j] : undefined;
        return diagnostic(
          "schema-duplicate",
          "error",
          `${this.label(path)} lists ${JSON.stringify(item)} more than once.`,
          this.valueSpan([...path, Math.max(Number(params.i), j)]),
        );
      }
      default:
        return diagnostic(
          "schema-invalid",
          "error",
          `${this.label(path)} ${error.message ?? "is not valid"}.`,
          this.valueSpan(path),
        );
    }
  }

  private pathOf(base: PathSegment[], pointer: string): PathSegment[] {
    const path = [...base];
    if (!pointer) return path;
    let data: unknown = this.valueAt(base);
    for (const raw of pointer.slice(1).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      const segment: PathSegment = Array.isArray(data) ? Number(key) : key;
      path.push(segment);
      data =
        typeof data === "object" && data !== null
          ? (data as Record<PathSegment, unknown>)[segment]
          : undefined;
    }
    return path;
  }

  private valueAt(path: readonly PathSegment[]): unknown {
    let data = this.doc.value;
    for (const segment of path) {
      data =
        typeof data === "object" && data !== null
          ? (data as Record<PathSegment, unknown>)[segment]
          : undefined;
    }
    return data;
  }

  /** `'timeout'`, or `Item 2 of 'dependsOn'`, or `The pipeline file`. */
  private label(path: readonly PathSegment[]): string {
    const last = path[path.length - 1];
    if (last === undefined) return `The ${this.fileKind} file`;
    if (typeof last === "string") return `'${last}'`;
    const owner = path[path.length - 2];
    if (owner === "stages") return `Stage ${last + 1}`;
    return `Item ${last + 1} of '${String(owner ?? "list")}'`;
  }

  /** The span of a value; an empty value falls back to its key, a missing one to its parent. */
  private valueSpan(path: readonly PathSegment[]): Span {
    for (let n = path.length; n >= 0; n--) {
      const location = this.doc.locate(path.slice(0, n));
      if (!location) continue;
      if (location.value.start === location.value.end && location.key) return location.key;
      return location.value;
    }
    return { start: 0, end: 0 };
  }

  /** The key of a map entry, or the first line of a list item / the document. */
  private headSpan(path: readonly PathSegment[]): Span {
    const location = this.doc.locate(path);
    if (location?.key) return location.key;
    const span = this.valueSpan(path);
    const newline = this.doc.source.text.indexOf("\n", span.start);
    return { start: span.start, end: newline === -1 || newline > span.end ? span.end : newline };
  }

  /** Title of the object at `path` ("wait stage"), from its schema, or a quoted key. */
  private ownerTitle(path: readonly PathSegment[], schema: JsonSchema): string | undefined {
    if (schema.title) return schema.title;
    const located = schemaAt(this.rootSchema, this.doc.value, path).schemas;
    return pick(located, "title");
  }

  private typeError(path: PathSegment[], schema: JsonSchema, value: unknown): Diagnostic {
    const expected = expectedPhrase(schema);
    let message: string;
    if (path.length === 0)
      message = `${article(this.fileKind) === "an" ? "An" : "A"} ${this.fileKind} file must be a map of fields; found ${describeValue(value)}.`;
    else message = `${this.label(path)} must be ${expected}; found ${describeValue(value)}.`;
    const data: Record<string, unknown> = {};
    if (schema.pattern === DURATION_PATTERN && typeof value === "number") {
      data.replacement = `${value}s`;
      message += ` Write a unit, e.g. ${value}s.`;
    }
    return diagnostic(
      "schema-type",
      "error",
      message,
      this.valueSpan(path),
      Object.keys(data).length ? { data } : {},
    );
  }

  private unknownField(path: PathSegment[], schema: JsonSchema, field: string): Diagnostic {
    const candidates = Object.keys(schema.properties ?? {});
    const title = this.ownerTitle(path, schema);
    const where =
      path.length === 0
        ? `at the top level of the ${this.fileKind} file`
        : title
          ? `in ${article(title)} ${title}`
          : `in ${this.label(path)}`;
    const shown = field.length > 80 ? `${field.slice(0, 77)}...` : field;
    let message = `Unknown field '${shown}' ${where}.`;
    let replacement = suggest(field, candidates);
    const spinnaker = SPINNAKER_NAMES[field];
    if (replacement) message += ` Did you mean '${replacement}'?`;
    else if (spinnaker && candidates.includes(spinnaker)) {
      replacement = spinnaker;
      message += ` Spinnaker's '${field}' is '${spinnaker}' in Capstan.`;
    }
    const span = this.doc.locate([...path, field])?.key ?? this.headSpan(path);
    return diagnostic(
      "schema-unknown-field",
      "error",
      message,
      span,
      replacement ? { data: { field, replacement } } : { data: { field } },
    );
  }

  private missingField(path: PathSegment[], schema: JsonSchema, field: string): Diagnostic {
    const title = this.ownerTitle(path, schema) ?? "this map";
    // A requiredUnless branch lists the alternative next to the required field.
    const alternatives = Object.keys(schema.properties ?? {}).filter((k) => k !== field && !schema.title);
    const fieldSchema = schema.title ? schema.properties?.[field] : undefined;
    const owner = `${article(title)} ${title}`;
    let message = `${owner.charAt(0).toUpperCase()}${owner.slice(1)} needs '${field}'`;
    if (alternatives.length > 0) message += ` (or ${alternatives.map((a) => `'${a}'`).join(", ")})`;
    const about = fieldSchema?.description ?? this.fieldDescription(path, field);
    message += about ? `: ${firstSentence(about)}` : ".";
    return diagnostic("schema-required", "error", message, this.headSpan(path), { data: { field } });
  }

  private fieldDescription(path: PathSegment[], field: string): string | undefined {
    const located = schemaAt(this.rootSchema, this.doc.value, [...path, field]).schemas;
    return pick(located, "description");
  }

  private badEnum(path: PathSegment[], allowed: unknown[], value: unknown): Diagnostic {
    const values = allowed.map((v) => String(v));
    const suggestion = typeof value === "string" ? suggest(value, values) : undefined;
    let message = `${this.label(path)} must be one of ${values.join(", ")}; found ${describeValue(value)}.`;
    if (suggestion) message += ` Did you mean '${suggestion}'?`;
    return diagnostic("schema-enum", "error", message, this.valueSpan(path), {
      data: suggestion ? { allowed: values, replacement: suggestion } : { allowed: values },
    });
  }

  private badPattern(path: PathSegment[], schema: JsonSchema, value: unknown): Diagnostic {
    const pattern = schema.pattern ?? "";
    if (pattern === EXPRESSION_PATTERN) {
      // A union like ["integer", "string"]: the string must be an expression.
      let message = `${this.label(path)} must be ${expectedPhrase(schema)}; found ${describeValue(value)}.`;
      if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
        message += " Write the number without quotes.";
      }
      return diagnostic("schema-type", "error", message, this.valueSpan(path));
    }
    const hint = PATTERN_HINTS[pattern];
    const data: Record<string, unknown> = {};
    let message: string;
    if (hint) message = `${this.label(path)} is not ${hint.what}: ${describeValue(value)}. ${hint.hint}`;
    else message = `${this.label(path)} does not match the pattern ${pattern}: ${describeValue(value)}.`;
    if (pattern === DURATION_PATTERN && typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
      data.replacement = `${value.trim()}s`;
    }
    return diagnostic(
      "schema-pattern",
      "error",
      message,
      this.valueSpan(path),
      Object.keys(data).length ? { data } : {},
    );
  }

  private sizeError(path: PathSegment[], keyword: string, limit: number): Diagnostic {
    let message: string;
    if (keyword === "minLength") message = `${this.label(path)} must not be empty.`;
    else if (keyword === "minProperties")
      message = `${this.label(path)} needs at least ${limit} field${limit === 1 ? "" : "s"}.`;
    else {
      const noun = `${limit} item${limit === 1 ? "" : "s"}`;
      message = `${this.label(path)} ${keyword === "minItems" ? `needs at least ${noun}` : `may hold at most ${noun}`}.`;
    }
    return diagnostic("schema-size", "error", message, this.valueSpan(path));
  }
}

/** A typo's correction: the closest candidate, or the only one the word is a prefix of. */
function suggest(word: string, candidates: readonly string[]): string | undefined {
  const near = closest(word, candidates);
  if (near !== undefined || word.length < 3) return near;
  const lower = word.toLowerCase();
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** The first sentence of a description, for short messages ("e.g." does not end one). */
function firstSentence(text: string): string {
  const ends = /[.!?](?=\s|$)/g;
  let end = text.length;
  for (let match = ends.exec(text); match; match = ends.exec(text)) {
    if (!/\b(e\.g|i\.e)$/.test(text.slice(0, match.index))) {
      end = match.index + 1;
      break;
    }
  }
  const sentence = text.slice(0, end);
  // Lower-case "The ..." but not "GitHub ...".
  return /^[A-Z][a-z]/.test(sentence) ? sentence.charAt(0).toLowerCase() + sentence.slice(1) : sentence;
}
