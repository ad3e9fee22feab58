import type { Span } from "../diagnostics/diagnostic.js";
import type { ExprNode } from "../expr/ast.js";
import { forEachChild } from "../expr/ast.js";
import { FUNCTIONS } from "../expr/catalog.js";
import { lex } from "../expr/lexer.js";
import type { SemanticTokenType } from "./semantic-token-legend.js";

const ROOTS = new Set(["parameters", "trigger", "execution", "secrets"]);
const BUILTIN_FUNCTIONS = new Set(FUNCTIONS.map((f) => f.name));
const STAGE_ARGUMENT_FUNCTIONS = new Set(["stage", "stageByRefId", "stageExists", "judgment", "judgement"]);
const SYMBOL_OPERATORS = new Set([
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "!",
  "&&",
  "||",
  "?:",
  "?",
  "=",
]);

/** A token of one expression, before it is placed in the file; spans are relative to the expression. */
export interface RawToken {
  span: Span;
  type: SemanticTokenType;
  library: boolean;
}

/** Tokens of one `${ }` expression (spans relative to its source): names from the tree, literals and operators from the lexer. */
export function expressionTokens(source: string, ast: ExprNode): RawToken[] {
  const fromTree = new Map<number, RawToken>();
  const ternaryGaps: Span[] = [];
  const add = (span: Span, type: SemanticTokenType, library = false) => {
    if (span.end > span.start) fromTree.set(span.start, { span, type, library });
  };
  const walk = (node: ExprNode, inElement: boolean): void => {
    switch (node.kind) {
      case "function": {
        add(
          { start: node.nameSpan.start - 1, end: node.nameSpan.end },
          "function",
          BUILTIN_FUNCTIONS.has(node.name),
        );
        const first = node.args[0];
        if (
          STAGE_ARGUMENT_FUNCTIONS.has(node.name) &&
          first?.kind === "literal" &&
          typeof first.value === "string"
        )
          add(first.span, "enumMember");
        break;
      }
      case "variable":
        add(node.span, "variable", node.name === "this" || node.name === "root");
        break;
      case "identifier":
        if (inElement) add(node.span, "property");
        else add(node.span, "variable", ROOTS.has(node.name));
        break;
      case "property":
        add(node.nameSpan, "property");
        break;
      case "method":
        add(node.nameSpan, "method");
        break;
      case "map":
        for (const entry of node.entries) add(entry.keySpan, "property");
        break;
      case "beanReference":
        add(node.span, "variable");
        break;
      case "typeReference":
      case "constructor": {
        const at = source.indexOf(node.typeName, node.span.start);
        if (at >= 0) add({ start: at, end: at + node.typeName.length }, "type");
        break;
      }
      case "ternary":
        ternaryGaps.push({ start: node.consequent.span.end, end: node.alternate.span.start });
        break;
    }
    if (node.kind === "selection") {
      walk(node.object, inElement);
      walk(node.predicate, true);
    } else if (node.kind === "projection") {
      walk(node.object, inElement);
      walk(node.expression, true);
    } else forEachChild(node, (child) => walk(child, inElement));
  };
  walk(ast, false);

  const out: RawToken[] = [];
  for (const token of lex(source).tokens) {
    const named = fromTree.get(token.span.start);
    if (named) {
      out.push(named);
      fromTree.delete(token.span.start);
      continue;
    }
    const type = lexicalType(token.kind, token.text, token.span, ternaryGaps);
    if (type) out.push({ span: token.span, type, library: false });
  }
  // Names the lexer split differently (e.g. a type name inside `T(...)`) keep their tree span.
  for (const rest of fromTree.values()) out.push(rest);
  return out.sort((a, b) => a.span.start - b.span.start);
}

function lexicalType(
  kind: string,
  text: string,
  span: Span,
  ternaryGaps: readonly Span[],
): SemanticTokenType | undefined {
  switch (kind) {
    case "string":
      return "string";
    case "int":
    case "float":
      return "number";
    case "keyword":
      return "keyword";
    case "punct":
      if (SYMBOL_OPERATORS.has(text)) return "operator";
      if (text === ":" && ternaryGaps.some((g) => span.start >= g.start && span.end <= g.end))
        return "operator";
      return undefined;
    default:
      return undefined;
  }
}
