import type { Span } from "./ast.js";
import { type ExprDiagnostic, exprDiagnostic } from "./diagnostic.js";

export type TokenKind =
  | "int"
  | "float"
  | "string"
  | "identifier"
  | "keyword"
  | "hash" // #name
  | "bean" // @name or &name
  | "punct"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** For punct: the operator text; keyword: its lower-case spelling; identifier/hash/bean: the name. */
  text: string;
  /** Decoded literal value for string/int/float tokens (present on all, for one object shape). */
  value: string | number | undefined;
  span: Span;
}

/** SpEL's textual operators and literal words (case-insensitive, as in SpEL). */
const KEYWORDS = new Set([
  "and",
  "or",
  "not",
  "eq",
  "ne",
  "lt",
  "gt",
  "le",
  "ge",
  "div",
  "mod",
  "matches",
  "true",
  "false",
  "null",
  "new",
  "instanceof",
  "between",
]);

// Longest first, so `?.` wins over `?` and `.?[` over `.`.
const PUNCTUATION = [
  ".?[",
  ".^[",
  ".$[",
  ".![",
  "?.",
  "?:",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  ".",
  "?",
  "!",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "=",
  "^",
];

const PUNCTUATION_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATION) {
  const list = PUNCTUATION_BY_FIRST.get(p[0]) ?? [];
  list.push(p);
  PUNCTUATION_BY_FIRST.set(p[0], list);
}

/** The longest operator at `i` (candidates are grouped by first character, longest first). */
function punctuationAt(source: string, i: number): string | undefined {
  const candidates = PUNCTUATION_BY_FIRST.get(source[i]);
  if (!candidates) return undefined;
  for (const p of candidates) if (p.length === 1 || source.startsWith(p, i)) return p;
  return undefined;
}

export interface LexResult {
  tokens: Token[];
  diagnostics: ExprDiagnostic[];
}

// Character classes by code, so the hot loops compare integers rather than strings.
const IDENT_START = new Uint8Array(128);
const IDENT_PART = new Uint8Array(128);
for (let k = 0; k < 128; k++) {
  const ch = String.fromCharCode(k);
  IDENT_START[k] = /[A-Za-z_$]/.test(ch) ? 1 : 0;
  IDENT_PART[k] = /[A-Za-z0-9_$]/.test(ch) ? 1 : 0;
}
const isIdentStart = (c: string) => c !== undefined && IDENT_START[c.charCodeAt(0)] === 1;
const isDigit = (c: string) => c >= "0" && c <= "9";
const identEnd = (source: string, from: number): number => {
  let i = from;
  while (i < source.length) {
    const code = source.charCodeAt(i);
    if (code >= 128 || IDENT_PART[code] !== 1) break;
    i++;
  }
  return i;
};

const MAX_INT = 2147483647;
/** Java's Integer.parseInt(text, 16) takes up to 0x7FFFFFFF. */
const MAX_INT_HEX = 0x7fffffff;
/** 2^63 - 1, which a double rounds to 2^63. */
const MAX_LONG = 2 ** 63;

const invalidNumber = (message: string, start: number, end: number): ExprDiagnostic =>
  exprDiagnostic("invalid-number", message, { start, end });

const tooLarge = (text: string, long: boolean, start: number, end: number): ExprDiagnostic =>
  invalidNumber(
    long
      ? `${text} does not fit in a Java long.`
      : `${text} does not fit in a Java int (at most 2147483647); write ${text}L for a long.`,
    start,
    end,
  );

/** Splits expression source into tokens; bad characters become diagnostics and are skipped. */
export function lex(source: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: ExprDiagnostic[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const code = source.charCodeAt(i);
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      i++;
      continue;
    }
    const c = source[i];
    const start = i;
    if (c === "'" || c === '"') {
      // Find the closing quote with indexOf; a doubled quote is an escaped one.
      let value = "";
      let from = i + 1;
      let closed = false;
      for (;;) {
        const q = source.indexOf(c, from);
        if (q < 0) {
          value += source.slice(from);
          i = n;
          break;
        }
        value += source.slice(from, q);
        if (source[q + 1] === c) {
          value += c;
          from = q + 2;
          continue;
        }
        i = q + 1;
        closed = true;
        break;
      }
      if (!closed) {
        diagnostics.push(
          exprDiagnostic("unterminated-string", `The string has no closing ${c}; add one.`, {
            start,
            end: n,
          }),
        );
      }
      tokens.push({ kind: "string", text: source.slice(start, i), value, span: { start, end: i } });
      continue;
    }
    if (c === "0" && (source[i + 1] === "x" || source[i + 1] === "X")) {
      // Hexadecimal, as Java writes it: 0x1F, 0xFFL.
      i += 2;
      const digitsStart = i;
      while (i < n && /[0-9a-fA-F]/.test(source[i])) i++;
      const hex = source.slice(digitsStart, i);
      const long = source[i] === "L" || source[i] === "l";
      if (long) i++;
      const value = hex ? Number.parseInt(hex, 16) : Number.NaN;
      const text = source.slice(start, i);
      if (!hex) diagnostics.push(invalidNumber(`'${text}' has no hexadecimal digits.`, start, i));
      else if (value > (long ? MAX_LONG : MAX_INT_HEX)) diagnostics.push(tooLarge(text, long, start, i));
      // An int literal is 32 bits: 0xFFFFFFFF is -1 in Java but refused by SpEL, as here.
      tokens.push({ kind: "int", text, value: hex ? value : 0, span: { start, end: i } });
      continue;
    }
    // A number starts with a digit: SpEL has no `.5` (write 0.5).
    if (isDigit(c)) {
      let float = false;
      while (i < n && isDigit(source[i])) i++;
      if (source[i] === "." && isDigit(source[i + 1] ?? "")) {
        float = true;
        i++;
        while (i < n && isDigit(source[i])) i++;
      }
      if ((source[i] === "e" || source[i] === "E") && /[0-9+-]/.test(source[i + 1] ?? "")) {
        const save = i;
        i++;
        if (source[i] === "+" || source[i] === "-") i++;
        if (isDigit(source[i] ?? "")) {
          float = true;
          while (i < n && isDigit(source[i])) i++;
        } else i = save;
      }
      const digits = source.slice(start, i);
      // Java suffixes: L (long) keeps an integer, d/f force a double.
      const suffix = source[i];
      const long = !float && (suffix === "L" || suffix === "l");
      if (suffix === "L" || suffix === "l") i++;
      else if (suffix === "d" || suffix === "D" || suffix === "f" || suffix === "F") {
        float = true;
        i++;
      }
      // SpEL parses a whole number as a Java int (or long with L): a bigger one is a syntax error.
      if (!float && Number(digits) > (long ? MAX_LONG : MAX_INT))
        diagnostics.push(tooLarge(source.slice(start, i), long, start, i));
      tokens.push({
        kind: float ? "float" : "int",
        text: source.slice(start, i),
        value: Number(digits),
        span: { start, end: i },
      });
      continue;
    }
    if (code < 128 && IDENT_START[code] === 1) {
      i = identEnd(source, i);
      const word = source.slice(start, i);
      // Keywords are at most 10 letters; skip the lower-casing for longer names.
      const lower = word.length <= 10 ? word.toLowerCase() : word;
      const keyword = KEYWORDS.has(lower);
      tokens.push({
        kind: keyword ? "keyword" : "identifier",
        text: keyword ? lower : word,
        value: undefined,
        span: { start, end: i },
      });
      continue;
    }
    if ((c === "#" || c === "@" || c === "&") && isIdentStart(source[i + 1])) {
      i = identEnd(source, i + 1);
      tokens.push({
        kind: c === "#" ? "hash" : "bean",
        text: source.slice(start + 1, i),
        value: undefined,
        span: { start, end: i },
      });
      continue;
    }
    const punct = punctuationAt(source, i);
    if (punct) {
      i += punct.length;
      tokens.push({ kind: "punct", text: punct, value: undefined, span: { start, end: i } });
      continue;
    }
    // Collapse a run of unknown characters into one diagnostic.
    while (i < n && !/[\s'"A-Za-z0-9_$#@&().[\]{},:?!<>=+\-*/%^|]/.test(source[i])) i++;
    if (i === start) i++;
    diagnostics.push(
      exprDiagnostic("unexpected-character", `Unexpected character '${source.slice(start, i)}'.`, {
        start,
        end: i,
      }),
    );
  }
  tokens.push({ kind: "eof", text: "", value: undefined, span: { start: n, end: n } });
  return { tokens, diagnostics };
}
