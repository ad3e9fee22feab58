// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
import {
  type EvalState,
  type EvaluationContext,
  maxResultValues,
  newState,
  type UrlResponse,
} from "./context.js";
import { type CompiledExpression, compileExpression, evaluateValue } from "./evaluator.js";
import { javaTrim } from "./methods.js";
import { type ExpressionSegment, hasExpression, scanTemplate } from "./template.js";
import { checkUrlAllowed, type UrlPolicy } from "./url-policy.js";
import { ExprError, type PlainData, toPlain, toSpelText, type Value } from "./values.js";

/** One entry of Orca's `expressionEvaluationSummary`. */
export interface SummaryEntry {
  description: string;
  exceptionType?: string;
  level: "ERROR" | "INFO";
  timestamp?: number;
}

/** Keyed by the expression text (between `${` and `}`, trimmed), as Orca keys it. */
export type EvaluationSummary = Record<string, SummaryEntry[]>;

export interface TemplateResult {
  value: PlainData;
  summary: EvaluationSummary;
  /** URLs that URL functions asked for and that were not in the prefetched responses. */
  pendingUrls: string[];
}

type ExpressionPart = { segment: ExpressionSegment; compiled: CompiledExpression };
type Part = { text: string } | ExpressionPart;

/** A string compiled once: its literal parts and compiled expressions. */
export interface CompiledTemplate {
  text: string;
  parts: Part[];
  /** Set when the `${ }` structure itself is broken (unterminated); the text is then kept as is. */
  scanError?: string;
}

/** Scans and compiles every expression of a string. */
export function compileTemplate(text: string): CompiledTemplate {
  const scanned = scanTemplate(text);
  if (scanned.diagnostics.length) return { text, parts: [], scanError: scanned.diagnostics[0].message };
  return {
    text,
    parts: scanned.segments.map((s) =>
      s.kind === "literal" ? { text: s.text } : { segment: s, compiled: compileExpression(s.source) },
    ),
  };
}

function addEntry(summary: EvaluationSummary, key: string, entry: SummaryEntry): void {
  if (!Object.hasOwn(summary, key))
    Object.defineProperty(summary, key, { value: [], enumerable: true, writable: true, configurable: true });
  summary[key].push(entry);
}

function entry(
  st: EvalState,
  level: "ERROR" | "INFO",
  description: string,
  exceptionType?: string,
): SummaryEntry {
  const e: SummaryEntry = { description, level };
  if (exceptionType) e.exceptionType = exceptionType;
  const now = st.ctx.now?.();
  if (now !== undefined) e.timestamp = now;
  return e;
}

/**
 * Orca's summary key for a string it could not parse: the text between the first `${` and the
 * last `}` when the string is one such span, else the string without its `$` signs (kork's
 * escapeSimpleExpression).
 */
function escapeSimple(text: string): string {
  const m = /^\$\{(.*)\}$/.exec(text);
  return m ? javaTrim(m[1]) : text.replaceAll("$", "");
}

type PartOutcome = { ok: true; value: Value } | { ok: false; error: ExprError };

function evaluatePart(st: EvalState, part: ExpressionPart): PartOutcome {
  try {
    return { ok: true, value: evaluateValue(part.compiled, st) };
  } catch (e) {
    return { ok: false, error: asExprError(e) };
  }
}

/** Only a bug or an exhausted host (stack, memory) throws something else; it is still reported, never thrown. */
function asExprError(e: unknown): ExprError {
  if (e instanceof ExprError) return e;
  return new ExprError("InternalError", `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * Evaluates one string as Orca does (kork's ExpressionTransform): a string that is exactly one
 * expression keeps the expression's value; a string with text around or several expressions
 * converts each part to a String (a list prints as `a,b`, a map is an error). Anything that fails
 * (a syntax error anywhere, an error in any part) leaves the whole string as it was with one ERROR
 * entry; a part that is null is put back as `${expr}` and the string gets one INFO entry. The
 * summary key is the string without its `${ }` delimiters, one key per string.
 */
function evaluateCompiled(template: CompiledTemplate, st: EvalState, summary: EvaluationSummary): PlainData {
  const { text, parts } = template;
  const syntax = template.scanError ?? syntaxErrorOf(parts);
  if (syntax !== undefined) {
    const key = escapeSimple(text);
    addEntry(
      summary,
      key,
      entry(st, "ERROR", `Failed to evaluate [${key}]: ${syntax}`, "ExpressionSyntaxError"),
    );
    return text;
  }
  const key = parts.map((p) => ("text" in p ? p.text : javaTrim(p.segment.source))).join("");
  const failed = (error: ExprError): PlainData => {
    addEntry(
      summary,
      key,
      entry(st, "ERROR", `Failed to evaluate [${key}]: ${error.message}`, error.exceptionType),
    );
    return text;
  };
  const unresolved = () =>
    addEntry(
      summary,
      key,
      entry(st, "INFO", `Failed to evaluate [${key}]: it resolved to null, so the text was kept.`),
    );
  // Exactly one expression and nothing around it keeps its native type.
  if (parts.length === 1 && "compiled" in parts[0]) {
    const outcome = evaluatePart(st, parts[0]);
    if (!outcome.ok) return failed(outcome.error);
    if (outcome.value === null) {
      unresolved();
      return text;
    }
    try {
      return toPlain(outcome.value, maxResultValues(st));
    } catch (e) {
      return failed(asExprError(e));
    }
  }
  const max = st.ctx.limits.maxStringLength;
  const tooLong = () =>
    failed(new ExprError("LimitExceeded", `The result would be over ${max} characters (the string limit).`));
  let out = "";
  let hasNull = false;
  for (const part of parts) {
    if ("text" in part) {
      if (out.length + part.text.length > max) return tooLong();
      out += part.text;
    } else {
      const outcome = evaluatePart(st, part);
      if (!outcome.ok) return failed(outcome.error);
      let piece: string;
      if (outcome.value === null) {
        hasNull = true;
        piece = `\${${javaTrim(part.segment.source)}}`;
      } else {
        try {
          // Counted while it is built: a list is not turned into more text than is left.
          piece = toSpelText(outcome.value, "template", max - out.length);
        } catch (e) {
          return failed(asExprError(e));
        }
      }
      if (out.length + piece.length > max) return tooLong();
      out += piece;
    }
  }
  if (hasNull) unresolved();
  return out;
}

/** The message of the first syntax error among the parts (SpEL parses the whole string first). */
function syntaxErrorOf(parts: Part[]): string | undefined {
  for (const part of parts) {
    if ("text" in part) continue;
    const error = part.compiled.diagnostics.find((d) => d.severity === "error");
    if (error) return `${error.message} (at ${error.span.start})`;
  }
  return undefined;
}

/** Evaluates a string with `${ }` parts; never throws. */
export function evaluateTemplate(
  template: string | CompiledTemplate,
  ctx: EvaluationContext,
): TemplateResult {
  const text = typeof template === "string" ? template : template.text;
  const st = newState(ctx);
  const summary: EvaluationSummary = {};
  try {
    const compiled = typeof template === "string" ? compileTemplate(template) : template;
    const value = evaluateCompiled(compiled, st, summary);
    return { value, summary, pendingUrls: [...(st.pendingUrls ?? [])] };
  } catch (e) {
    // Nothing is thrown to the caller: the text is kept, with the reason in the summary.
    const err = asExprError(e);
    const key = escapeSimple(text);
    addEntry(
      summary,
      key,
      entry(st, "ERROR", `Failed to evaluate [${key}]: ${err.message}`, err.exceptionType),
    );
    return { value: text, summary, pendingUrls: [...(st.pendingUrls ?? [])] };
  }
}

/**
 * Evaluates every string (and map key) containing `${` in a tree of plain data, returning a new
 * tree; other values are copied as they are. Each expression gets its own step budget.
 */
export function evaluateTree(tree: unknown, ctx: EvaluationContext): TemplateResult {
  const summary: EvaluationSummary = {};
  const pending = new Set<string>();
  const evalString = (s: string): PlainData => {
    const result = evaluateTemplate(s, ctx);
    for (const [k, entries] of Object.entries(result.summary))
      for (const e of entries) addEntry(summary, k, e);
    for (const u of result.pendingUrls) pending.add(u);
    return result.value;
  };
  /** A key that is an expression becomes its text; one that cannot (too long) stays as written. */
  const evalKey = (key: string): string => {
    const v = evalString(key);
    if (typeof v === "string") return v;
    try {
      return keyText(v, ctx.limits.maxStringLength);
    } catch (e) {
      const err = asExprError(e);
      const k = escapeSimple(key);
      addEntry(summary, k, {
        description: `Failed to evaluate [${k}]: ${err.message}`,
        exceptionType: err.exceptionType,
        level: "ERROR",
        ...(ctx.now ? { timestamp: ctx.now() } : {}),
      });
      return key;
    }
  };
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return hasExpression(v) ? evalString(v) : v;
    if (typeof v !== "object" || v === null || seen.has(v)) return v;
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map(walk);
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return v;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const d = Object.getOwnPropertyDescriptor(v, key);
        if (!d || !("value" in d)) continue;
        const newKey = hasExpression(key) ? evalKey(key) : key;
        Object.defineProperty(out, newKey, {
          value: walk(d.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  let value: PlainData;
  try {
    value = walk(tree) as PlainData;
  } catch (e) {
    // Only exotic input (a proxy whose traps throw) gets here; the tree is returned as given.
    addEntry(summary, "", {
      description: `The value could not be walked: ${e instanceof Error ? e.message : String(e)}`,
      exceptionType: "InternalError",
      level: "ERROR",
    });
    value = tree as PlainData;
  }
  return { value, summary, pendingUrls: [...pending] };
}

/** The JSON text of a key's non-string value, counted while it is built. */
function keyText(v: PlainData, maxLength: number): string {
  let size = 0;
  const parts: string[] = [];
  const push = (s: string) => {
    size += s.length;
    if (size > maxLength)
      throw new ExprError(
        "LimitExceeded",
        `The key's value is too large to turn into text: it would be over ${maxLength} characters (the string limit).`,
      );
    parts.push(s);
  };
  const walk = (x: PlainData) => {
    if (x === null || typeof x !== "object") push(JSON.stringify(x) ?? "null");
    else if (Array.isArray(x)) {
      push("[");
      x.forEach((item, i) => {
        if (i) push(",");
        walk(item);
      });
      push("]");
    } else {
      push("{");
      Object.keys(x).forEach((k, i) => {
        push(`${i ? "," : ""}${JSON.stringify(k)}:`);
        walk(x[k]);
      });
      push("}");
    }
  };
  walk(v);
  return parts.join("");
}

/** Fetches what URL functions need; the engine implements it with its HTTP client and resolver. */
export interface UrlFetcher {
  /** The addresses `hostname` resolves to. */
  resolve(hostname: string): Promise<readonly string[]>;
  /** GETs the URL connecting only to `addresses` (so DNS cannot change between check and use). */
  get(url: URL, addresses: readonly string[]): Promise<UrlResponse>;
}

/**
 * `evaluateTree`, then fetches the URLs the expressions asked for (after the full URL policy,
 * including the resolved addresses) and evaluates again, up to `maxRounds` times and `maxUrls`
 * URLs in all.
 */
export async function evaluateTreeWithUrls(
  tree: unknown,
  ctx: EvaluationContext,
  fetcher: UrlFetcher,
  options: { maxRounds?: number; maxUrls?: number } = {},
): Promise<TemplateResult> {
  const responses = new Map<string, UrlResponse>(ctx.urls?.responses ?? []);
  const maxRounds = options.maxRounds ?? 3;
  const maxUrls = options.maxUrls ?? 20;
  let current = ctx;
  let result = evaluateTree(tree, current);
  for (let round = 0; round < maxRounds && result.pendingUrls.length && ctx.urls?.enabled; round++) {
    for (const url of result.pendingUrls) {
      if (responses.size >= maxUrls) {
        responses.set(url, { ok: false, error: `more than ${maxUrls} URLs were requested` });
        continue;
      }
      responses.set(url, await fetchUrlChecked(url, ctx.urls?.policy, fetcher));
    }
    current = { ...current, urls: { ...ctx.urls, responses } };
    result = evaluateTree(tree, current);
  }
  return result;
}

/**
 * Orca's URL restrictions on the name, then on the addresses it resolves to, then the GET through
 * `fetcher`, which must connect to those checked addresses only. Never throws.
 */
export async function fetchUrlChecked(
  url: string,
  policy: UrlPolicy | undefined,
  fetcher: UrlFetcher,
): Promise<UrlResponse> {
  try {
    const first = checkUrlAllowed(url, [], policy);
    if (!first.allowed) return { ok: false, error: first.reason };
    const addresses = await fetcher.resolve(first.url.hostname.replace(/^\[|\]$/g, ""));
    if (addresses.length === 0) return { ok: false, error: `${first.url.hostname} does not resolve` };
    const verdict = checkUrlAllowed(url, addresses, policy);
    if (!verdict.allowed) return { ok: false, error: verdict.reason };
    return await fetcher.get(verdict.url, addresses);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
