// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
import type { BinaryOperator, ExprNode, SelectionMode, Span } from "./ast.js";
import { type ExprDiagnostic, exprDiagnostic } from "./diagnostic.js";
import { lex, type Token } from "./lexer.js";

/** Spring's own cap on expression length, kept by Orca. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** Nesting cap: deep enough for any real expression, shallow enough for every recursive pass. */
export const MAX_NESTING_DEPTH = 100;
const MAX_DIAGNOSTICS = 50;

export interface ParseResult {
  /** The (possibly partial) tree; parts that could not be parsed are `error` nodes. */
  ast: ExprNode;
  diagnostics: ExprDiagnostic[];
}

/** Parses one expression (the text between `${` and `}`); never throws. */
export function parseExpression(source: string): ParseResult {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    const span = { start: 0, end: source.length };
    return {
      ast: { kind: "error", span },
      diagnostics: [
        exprDiagnostic(
          "expression-too-long",
          `The expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}. Split it or move data into parameters.`,
          span,
        ),
      ],
    };
  }
  const { tokens, diagnostics } = lex(source);
  return new Parser(tokens, diagnostics).parseAll(source);
}

const BINARY: Record<string, { op: BinaryOperator; prec: number }> = {
  or: { op: "or", prec: 1 },
  "||": { op: "or", prec: 1 },
  and: { op: "and", prec: 2 },
  "&&": { op: "and", prec: 2 },
  "==": { op: "==", prec: 3 },
  eq: { op: "==", prec: 3 },
  "!=": { op: "!=", prec: 3 },
  ne: { op: "!=", prec: 3 },
  "<": { op: "<", prec: 3 },
  lt: { op: "<", prec: 3 },
  "<=": { op: "<=", prec: 3 },
  le: { op: "<=", prec: 3 },
  ">": { op: ">", prec: 3 },
  gt: { op: ">", prec: 3 },
  ">=": { op: ">=", prec: 3 },
  ge: { op: ">=", prec: 3 },
  matches: { op: "matches", prec: 3 },
  between: { op: "between", prec: 3 },
  instanceof: { op: "instanceof", prec: 3 },
  "+": { op: "+", prec: 4 },
  "-": { op: "-", prec: 4 },
  "*": { op: "*", prec: 5 },
  "/": { op: "/", prec: 5 },
  div: { op: "/", prec: 5 },
  "%": { op: "%", prec: 5 },
  mod: { op: "%", prec: 5 },
  "^": { op: "^", prec: 6 },
};

/** Comparisons, `matches`, `between` and `instanceof` do not chain in SpEL (`1 < 2 < 3` is an error). */
const RELATIONAL = 3;
const POWER = 6;

const BINARY_BY_TEXT = new Map(Object.entries(BINARY));

const CLOSERS = new Set([")", "]", "}", ",", ":"]);

const describe = (t: Token) => (t.kind === "eof" ? "the end of the expression" : `'${t.text}'`);

class Parser {
  private pos = 0;
  private depth = 0;
  private tooDeep = false;
  /** The position of an operator refused because it would chain; no level may take it. */
  private refusedAt = -1;

  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: ExprDiagnostic[],
  ) {}

  parseAll(source: string): ParseResult {
    if (this.peek().kind === "eof") {
      const span = { start: 0, end: source.length };
      this.report(
        "empty-expression",
        "The expression is empty; write an expression between `${` and `}`.",
        span,
      );
      return { ast: { kind: "error", span }, diagnostics: this.diagnostics };
    }
    const ast = this.parseExpression();
    let reported = false;
    // Keep going after a stray token so one run reports every problem, not just the first.
    while (this.peek().kind !== "eof" && !this.tooDeep) {
      const t = this.peek();
      if (!reported) {
        const chained = BINARY_BY_TEXT.get(t.text);
        const hint =
          t.text === "="
            ? " To compare, write '=='."
            : chained?.prec === RELATIONAL
              ? " Comparisons do not chain: add parentheses."
              : chained?.prec === POWER
                ? " '^' does not chain: add parentheses, (a ^ b) ^ c."
                : "";
        this.report(
          "unexpected-token",
          `Unexpected ${describe(t)}; expected an operator or the end of the expression.${hint}`,
          t.span,
        );
        reported = true;
        this.pos++; // the stray token itself, so it is not reported twice
        continue;
      }
      if (CLOSERS.has(t.text) && t.kind === "punct") this.pos++;
      else this.parseExpression();
    }
    return { ast, diagnostics: this.diagnostics };
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }
  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "punct" && t.text === text;
  }
  private prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1].span.end : 0;
  }
  private report(code: string, message: string, span: Span): void {
    if (this.diagnostics.length < MAX_DIAGNOSTICS) this.diagnostics.push(exprDiagnostic(code, message, span));
  }

  /** Consumes the closer of `opener`, or reports it missing at the opener. */
  private close(text: string, opener: Token): void {
    if (this.isPunct(text)) {
      this.next();
      return;
    }
    if (this.tooDeep) return; // the depth diagnostic already covers the rest
    this.report(
      "missing-closer",
      `'${opener.text}' is not closed: expected '${text}' but found ${describe(this.peek())}.`,
      opener.span,
    );
  }

  parseExpression(): ExprNode {
    if (this.depth >= MAX_NESTING_DEPTH) {
      if (!this.tooDeep) {
        this.tooDeep = true;
        this.report(
          "expression-too-deep",
          `The expression nests more than ${MAX_NESTING_DEPTH} levels deep; simplify it.`,
          this.peek().span,
        );
      }
      // Skip everything: a tree this deep is refused whole.
      const start = this.peek().span.start;
      this.pos = this.tokens.length - 1;
      return { kind: "error", span: { start, end: this.peek().span.end } };
    }
    this.depth++;
    try {
      return this.parseTernary();
    } finally {
      this.depth--;
    }
  }

  private parseTernary(): ExprNode {
    const test = this.parseBinary(1);
    if (this.isPunct("?")) {
      this.next();
      const consequent = this.parseExpression();
      if (this.isPunct(":")) this.next();
      else
        this.report(
          "missing-colon",
          `The ternary needs ':' and an else-branch, found ${describe(this.peek())}.`,
          this.peek().span,
        );
      const alternate = this.parseExpression();
      return {
        kind: "ternary",
        test,
        consequent,
        alternate,
        span: { start: test.span.start, end: alternate.span.end },
      };
    }
    if (this.isPunct("?:")) {
      this.next();
      const right = this.parseExpression();
      return { kind: "elvis", left: test, right, span: { start: test.span.start, end: right.span.end } };
    }
    return test;
  }

  private binaryOperator(): { op: BinaryOperator; prec: number } | undefined {
    const t = this.peek();
    if (t.kind !== "punct" && t.kind !== "keyword") return undefined;
    return BINARY_BY_TEXT.get(t.text);
  }

  private parseBinary(minPrec: number): ExprNode {
    let left = this.parseUnary();
    // As in SpEL: '^' takes a unary operand on its left (so `2 ^ 3 ^ 2` is an error), and a
    // comparison cannot be the left operand of another comparison.
    let unaryLeft = true;
    let lastPrec = 0;
    for (;;) {
      const info = this.binaryOperator();
      if (!info || info.prec < minPrec || this.pos === this.refusedAt) return left;
      if ((info.prec === POWER && !unaryLeft) || (info.prec === RELATIONAL && lastPrec === RELATIONAL)) {
        this.refusedAt = this.pos;
        return left;
      }
      unaryLeft = false;
      lastPrec = info.prec;
      const opToken = this.next();
      const right = this.parseBinaryOperand(info.prec + 1);
      left = {
        kind: "binary",
        operator: info.op,
        operatorSpan: opToken.span,
        left,
        right,
        span: { start: left.span.start, end: right.span.end },
      };
    }
  }

  private parseBinaryOperand(minPrec: number): ExprNode {
    if (this.depth >= MAX_NESTING_DEPTH) return this.parseExpression();
    this.depth++;
    try {
      return this.parseBinary(minPrec);
    } finally {
      this.depth--;
    }
  }

  private parseUnary(): ExprNode {
    const t = this.peek();
    let operator: "-" | "+" | "!" | undefined;
    if (t.kind === "punct" && (t.text === "-" || t.text === "+" || t.text === "!")) operator = t.text;
    else if (t.kind === "keyword" && t.text === "not") operator = "!";
    if (!operator) return this.parsePostfix(this.parsePrimary());
    this.next();
    if (this.depth >= MAX_NESTING_DEPTH) return this.parseExpression();
    this.depth++;
    try {
      const operand = this.parseUnary();
      return { kind: "unary", operator, operand, span: { start: t.span.start, end: operand.span.end } };
    } finally {
      this.depth--;
    }
  }

  private parseArgs(open: Token): ExprNode[] {
    const args: ExprNode[] = [];
    if (this.isPunct(")")) {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseExpression());
      if (this.isPunct(",")) {
        this.next();
        continue;
      }
      break;
    }
    this.close(")", open);
    return args;
  }

  private name(): Token | undefined {
    const t = this.peek();
    if (t.kind === "identifier" || t.kind === "keyword") return this.next();
    return undefined;
  }

  private parsePostfix(first: ExprNode): ExprNode {
    let node = first;
    for (;;) {
      const t = this.peek();
      if (t.kind !== "punct" || this.tooDeep) return node;
      const start = node.span.start;
      if (t.text === "." || t.text === "?.") {
        const safe = t.text === "?.";
        this.next();
        if (safe && this.isPunct("[")) {
          const open = this.next();
          const index = this.parseExpression();
          this.close("]", open);
          node = { kind: "index", object: node, index, safe, span: { start, end: this.prevEnd() } };
          continue;
        }
        if (safe && (this.isPunct("?") || this.isPunct("!")) && this.isPunct("[", 1)) {
          const projection = this.peek().text === "!";
          node = this.parseSelectionBody(node, projection ? "project" : "all", safe);
          continue;
        }
        const name = this.name();
        if (!name) {
          this.report(
            "expected-property",
            `Expected a property or method name after '${t.text}', found ${describe(this.peek())}.`,
            this.peek().kind === "eof" ? t.span : this.peek().span,
          );
          return { kind: "error", span: { start, end: t.span.end } };
        }
        if (this.isPunct("(")) {
          const args = this.parseArgs(this.next());
          node = {
            kind: "method",
            object: node,
            name: name.text,
            nameSpan: name.span,
            args,
            safe,
            span: { start, end: this.prevEnd() },
          };
        } else {
          node = {
            kind: "property",
            object: node,
            name: name.text,
            nameSpan: name.span,
            safe,
            span: { start, end: name.span.end },
          };
        }
        continue;
      }
      if (t.text === "[") {
        const open = this.next();
        const index = this.parseExpression();
        this.close("]", open);
        node = { kind: "index", object: node, index, safe: false, span: { start, end: this.prevEnd() } };
        continue;
      }
      if (t.text === ".?[" || t.text === ".^[" || t.text === ".$[" || t.text === ".![") {
        const mode: SelectionMode | "project" =
          t.text === ".![" ? "project" : t.text === ".^[" ? "first" : t.text === ".$[" ? "last" : "all";
        node = this.parseSelectionBody(node, mode, false, true);
        continue;
      }
      return node;
    }
  }

  /** Parses `[expr]` of a selection or projection; the cursor is at its `[` or at the fused `.?[` token. */
  private parseSelectionBody(
    object: ExprNode,
    mode: SelectionMode | "project",
    safe: boolean,
    fused = false,
  ): ExprNode {
    const open = this.next();
    if (!fused) this.next(); // the separate '[' after `?.?`
    const inner = this.parseExpression();
    this.close("]", open);
    const span = { start: object.span.start, end: this.prevEnd() };
    if (mode === "project") return { kind: "projection", object, expression: inner, safe, span };
    return { kind: "selection", object, mode, predicate: inner, safe, span };
  }

  private parsePrimary(): ExprNode {
    const t = this.peek();
    switch (t.kind) {
      case "int":
      case "float":
        this.next();
        return t.kind === "float"
          ? { kind: "literal", value: t.value as number, float: true, span: t.span }
          : { kind: "literal", value: t.value as number, span: t.span };
      case "string":
        this.next();
        return { kind: "literal", value: t.value as string, span: t.span };
      case "keyword":
        if (t.text === "true" || t.text === "false" || t.text === "null") {
          this.next();
          return { kind: "literal", value: t.text === "null" ? null : t.text === "true", span: t.span };
        }
        if (t.text === "new") return this.parseConstructor();
        break;
      case "identifier":
        this.next();
        if (t.text === "T" && this.isPunct("(")) return this.parseTypeReference(t);
        if (this.isPunct("(")) {
          const args = this.parseArgs(this.next());
          return {
            kind: "method",
            object: null,
            name: t.text,
            nameSpan: t.span,
            args,
            safe: false,
            span: { start: t.span.start, end: this.prevEnd() },
          };
        }
        return { kind: "identifier", name: t.text, span: t.span };
      case "hash":
        this.next();
        if (this.isPunct("(")) {
          const args = this.parseArgs(this.next());
          return {
            kind: "function",
            name: t.text,
            nameSpan: { start: t.span.start + 1, end: t.span.end },
            args,
            span: { start: t.span.start, end: this.prevEnd() },
          };
        }
        return { kind: "variable", name: t.text, span: t.span };
      case "bean":
        this.next();
        return { kind: "beanReference", name: t.text, span: t.span };
      case "punct":
        if (t.text === "(") {
          this.next();
          const inner = this.parseExpression();
          this.close(")", t);
          // Keep the parentheses in the span so diagnostics on the group cover them.
          return { ...inner, span: { start: t.span.start, end: this.prevEnd() } };
        }
        if (t.text === "{") return this.parseInline();
        if (t.text === "[") {
          // An indexer with nothing before it applies to the active object, as in SpEL: `['a b']`.
          const open = this.next();
          const index = this.parseExpression();
          this.close("]", open);
          const here = { start: t.span.start, end: t.span.start };
          return {
            kind: "index",
            object: { kind: "variable", name: "this", span: here },
            index,
            safe: false,
            span: { start: t.span.start, end: this.prevEnd() },
          };
        }
        break;
    }
    // At the end, point at the last token (the dangling operator) rather than at nothing.
    const where = t.kind === "eof" && this.pos > 0 ? this.tokens[this.pos - 1].span : t.span;
    this.report("expected-expression", `Expected an expression but found ${describe(t)}.`, where);
    if (t.kind !== "eof" && !(t.kind === "punct" && CLOSERS.has(t.text))) this.next();
    return { kind: "error", span: t.span };
  }

  private parseTypeReference(t: Token): ExprNode {
    const open = this.next();
    let typeName = "";
    while (!this.isPunct(")") && this.peek().kind !== "eof") typeName += this.next().text;
    this.close(")", open);
    return { kind: "typeReference", typeName, span: { start: t.span.start, end: this.prevEnd() } };
  }

  private parseConstructor(): ExprNode {
    const t = this.next();
    let typeName = "";
    for (;;) {
      const part = this.name();
      if (!part) break;
      typeName += part.text;
      if (!this.isPunct(".")) break;
      this.next();
      typeName += ".";
    }
    let args: ExprNode[] = [];
    if (this.isPunct("(")) args = this.parseArgs(this.next());
    return { kind: "constructor", typeName, args, span: { start: t.span.start, end: this.prevEnd() } };
  }

  /** `{1, 2}` is a list, `{a: 1, 'b': 2}` a map, `{}` an empty list and `{:}` an empty map. */
  private parseInline(): ExprNode {
    const open = this.next();
    if (this.isPunct("}")) {
      this.next();
      return { kind: "list", items: [], span: { start: open.span.start, end: this.prevEnd() } };
    }
    if (this.isPunct(":") && this.isPunct("}", 1)) {
      this.next();
      this.next();
      return { kind: "map", entries: [], span: { start: open.span.start, end: this.prevEnd() } };
    }
    const first = this.parseExpression();
    if (!this.isPunct(":")) {
      const items = [first];
      while (this.isPunct(",")) {
        this.next();
        items.push(this.parseExpression());
      }
      this.close("}", open);
      return { kind: "list", items, span: { start: open.span.start, end: this.prevEnd() } };
    }
    const entries = [];
    let keyNode = first;
    for (;;) {
      this.next(); // ':'
      const value = this.parseExpression();
      entries.push({ key: this.mapKey(keyNode), keySpan: keyNode.span, value });
      if (!this.isPunct(",")) break;
      this.next();
      keyNode = this.parseExpression();
      if (!this.isPunct(":")) {
        this.report(
          "expected-map-entry",
          `Expected ':' after a map key, found ${describe(this.peek())}.`,
          this.peek().span,
        );
        break;
      }
    }
    this.close("}", open);
    return { kind: "map", entries, span: { start: open.span.start, end: this.prevEnd() } };
  }

  private mapKey(node: ExprNode): string {
    if (node.kind === "identifier") return node.name;
    if (node.kind === "literal" && node.value !== null) return String(node.value);
    if (node.kind !== "error")
      this.report("invalid-map-key", "A map key must be a name, a quoted string or a number.", node.span);
    return "";
  }
}
