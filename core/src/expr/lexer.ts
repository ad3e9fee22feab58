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
  /** Decoded literal value for string/int/float tokens. */
  value?: string | number;
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

export interface LexResult {
  tokens: Token[];
  diagnostics: ExprDiagnostic[];
}

const isIdentStart = (c: string) =>
  (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === "$";
const isDigit = (c: string) => c >= "0" && c <= "9";
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);

/** Splits expression source into tokens; bad characters become diagnostics and are skipped. */
export function lex(source: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: ExprDiagnostic[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let value = "";
      i++;
      let closed = false;
      while (i < n) {
        if (source[i] === c) {
          if (source[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        value += source[i++];
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
    if (isDigit(c) || (c === "." && isDigit(source[i + 1] ?? ""))) {
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
      if (suffix === "L" || suffix === "l") i++;
      else if (suffix === "d" || suffix === "D" || suffix === "f" || suffix === "F") {
        float = true;
        i++;
      }
      tokens.push({
        kind: float ? "float" : "int",
        text: source.slice(start, i),
        value: Number(digits),
        span: { start, end: i },
      });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(source[i])) i++;
      const word = source.slice(start, i);
      const lower = word.toLowerCase();
      const keyword = KEYWORDS.has(lower);
      tokens.push({
        kind: keyword ? "keyword" : "identifier",
        text: keyword ? lower : word,
        span: { start, end: i },
      });
      continue;
    }
    if ((c === "#" || c === "@" || c === "&") && isIdentStart(source[i + 1] ?? "")) {
      i++;
      while (i < n && isIdentPart(source[i])) i++;
      tokens.push({
        kind: c === "#" ? "hash" : "bean",
        text: source.slice(start + 1, i),
        span: { start, end: i },
      });
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct) {
      i += punct.length;
      tokens.push({ kind: "punct", text: punct, span: { start, end: i } });
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
  tokens.push({ kind: "eof", text: "", span: { start: n, end: n } });
  return { tokens, diagnostics };
}
