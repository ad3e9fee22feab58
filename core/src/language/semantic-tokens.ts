// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module colours.
import type { Span } from "../diagnostics/diagnostic.js";
import type { ExprNode } from "../expr/ast.js";
import { forEachChild } from "../expr/ast.js";
import { FUNCTIONS } from "../expr/catalog.js";
import { lex } from "../expr/lexer.js";
import type { PipelineAnalysis } from "./analysis.js";

/**
 * The semantic token legend (LSP `SemanticTokensLegend`): indices into these lists are what the
 * encoded data carries. Inside `${ }`:
 * - `macro`: the `${` and `}` delimiters;
 * - `function`: `#stage`, `#judgment`, ... (the `#` included);
 * - `variable`: roots and bare names (`parameters`, `trigger`, `execution`, `secrets`, a stage-context
 *   name), `#this`, `#root`, `@bean`;
 * - `property` / `method`: names after `.` (and bare names inside a selection/projection, which read
 *   the element), map keys;
 * - `enumMember`: the stage name/id or judgment stage given as a string to `#stage`, `#stageByRefId`,
 *   `#stageExists`, `#judgment`, `#judgement` (quotes included);
 * - `string`, `number`;
 * - `keyword`: textual operators and literal words (`and`, `or`, `not`, `matches`, `true`, `null`, ...);
 * - `operator`: symbolic operators (`==`, `!=`, `<`, `+`, `!`, `?:`, the ternary's `?` and `:`);
 * - `type`: the type name of `T(...)` / `new ...(...)` (refused by the checker, but shown).
 * Modifier `defaultLibrary` marks the built-in functions, the well-known roots and `#this`/`#root`.
 */
export const SEMANTIC_TOKEN_TYPES = [
  "macro",
  "function",
  "variable",
  "property",
  "method",
  "enumMember",
  "string",
  "number",
  "keyword",
  "operator",
  "type",
] as const;
export const SEMANTIC_TOKEN_MODIFIERS = ["defaultLibrary"] as const;

export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];

export interface SemanticTokensLegend {
  tokenTypes: string[];
  tokenModifiers: string[];
}

/** The legend the server announces; the encoded data indexes into it. */
export const semanticTokensLegend: SemanticTokensLegend = {
  tokenTypes: [...SEMANTIC_TOKEN_TYPES],
  tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS],
};

/** One decoded token: absolute position, length (on one line), type and modifiers. */
export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: SemanticTokenType;
  modifiers: string[];
}

const TYPE_INDEX = new Map<string, number>(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i]));
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
interface RawToken {
  span: Span;
  type: SemanticTokenType;
  library: boolean;
}

/** Semantic tokens of every `${ }` expression of the document, in LSP's relative encoding. */
export function semanticTokens(analysis: PipelineAnalysis): { data: number[] } {
  return { data: encodeSemanticTokens(semanticTokenList(analysis)) };
}

/** The tokens with absolute positions, split per line and sorted (what `semanticTokens` encodes). */
export function semanticTokenList(analysis: PipelineAnalysis): SemanticToken[] {
  const text = analysis.text;
  const placed: { start: number; end: number; type: SemanticTokenType; library: boolean }[] = [];
  for (const site of analysis.expressions.sites) {
    const offsets = site.offsets;
    // Without a character map the tokens cannot be placed exactly; show nothing rather than guess.
    if (!offsets) continue;
    for (const expression of site.expressions) {
      const base = expression.valueStart;
      // Up to where the next character starts, so an escaped last character (`''`, `\"`) is covered;
      // white space a line fold adds there is trimmed by `splitLines`.
      const toFile = (span: Span) => ({ start: offsets[span.start + base], end: offsets[span.end + base] });
      const open = expression.span.start;
      if (text.startsWith("${", open))
        placed.push({ start: open, end: open + 2, type: "macro", library: false });
      for (const token of expressionTokens(expression.source, expression.ast)) {
        placed.push({ ...toFile(token.span), type: token.type, library: token.library });
      }
      const closeAt = offsets[base + expression.source.length];
      if (text[closeAt] === "}")
        placed.push({ start: closeAt, end: closeAt + 1, type: "macro", library: false });
    }
  }
  placed.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: SemanticToken[] = [];
  for (const token of placed) {
    for (const piece of splitLines(text, token.start, token.end)) {
      const position = analysis.source.position(piece.start);
      out.push({
        line: position.line,
        character: position.character,
        length: piece.end - piece.start,
        type: token.type,
        modifiers: token.library ? ["defaultLibrary"] : [],
      });
    }
  }
  return out;
}

/** LSP's encoding: per token, line delta, start delta (on the same line), length, type, modifier bits. */
export function encodeSemanticTokens(tokens: readonly SemanticToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const t of tokens) {
    const deltaLine = t.line - line;
    data.push(
      deltaLine,
      deltaLine === 0 ? t.character - character : t.character,
      t.length,
      TYPE_INDEX.get(t.type) ?? 0,
      t.modifiers.reduce(
        (bits, m) => bits | (1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m as "defaultLibrary")),
        0,
      ),
    );
    line = t.line;
    character = t.character;
  }
  return data;
}

/** The inverse of `encodeSemanticTokens` (for tests and tools reading a server's answer). */
export function decodeSemanticTokens(
  data: readonly number[],
  legend = semanticTokensLegend,
): SemanticToken[] {
  const out: SemanticToken[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    line += data[i];
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    const bits = data[i + 4];
    out.push({
      line,
      character,
      length: data[i + 2],
      type: legend.tokenTypes[data[i + 3]] as SemanticTokenType,
      modifiers: legend.tokenModifiers.filter((_, k) => (bits & (1 << k)) !== 0),
    });
  }
  return out;
}

/** Pieces of a file range, one per line, without the indentation and trailing blanks of folded lines. */
function splitLines(text: string, start: number, end: number): Span[] {
  const pieces: Span[] = [];
  let from = start;
  while (from < end) {
    let nl = text.indexOf("\n", from);
    if (nl < 0 || nl > end) nl = end;
    let to = nl;
    while (to > from && (text[to - 1] === "\r" || text[to - 1] === " " || text[to - 1] === "\t")) to--;
    if (to > from) pieces.push({ start: from, end: to });
    from = nl + 1;
    while (from < end && (text[from] === " " || text[from] === "\t")) from++;
  }
  return pieces;
}

/** Tokens of one expression: names from the tree, literals and operators from the lexer. */
function expressionTokens(source: string, ast: ExprNode): RawToken[] {
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
