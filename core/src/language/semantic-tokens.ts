// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module colours.
import type { Range, Span } from "../diagnostics/diagnostic.js";
import type { PipelineAnalysis } from "./analysis.js";
import { expressionSitesOverlapping } from "./expression-sites.js";
import {
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  type SemanticTokenType,
  semanticTokensLegend,
} from "./semantic-token-legend.js";
import { expressionTokens } from "./semantic-tokens-expression.js";

export {
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  type SemanticTokensLegend,
  type SemanticTokenType,
  semanticTokensLegend,
} from "./semantic-token-legend.js";

/** One decoded token: absolute position, length (on one line), type and modifiers. */
export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: SemanticTokenType;
  modifiers: string[];
}

const TYPE_INDEX = new Map<string, number>(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i]));
/**
 * Semantic tokens of the `${ }` expressions of the document, in LSP's relative encoding. With a
 * `range` (an editor's viewport), only the expressions overlapping it are looked at, and only the
 * tokens overlapping it are returned; neither form validates the document.
 */
export function semanticTokens(analysis: PipelineAnalysis, range?: Range): { data: number[] } {
  return { data: encodeSemanticTokens(semanticTokenList(analysis, range)) };
}

/** The tokens with absolute positions, split per line and sorted (what `semanticTokens` encodes). */
export function semanticTokenList(analysis: PipelineAnalysis, range?: Range): SemanticToken[] {
  const text = analysis.text;
  const from = range ? analysis.source.offset(range.start) : 0;
  const to = range ? analysis.source.offset(range.end) : text.length;
  const placed: { start: number; end: number; type: SemanticTokenType; library: boolean }[] = [];
  for (const site of expressionSitesOverlapping(analysis, from, to)) {
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
      // A range request gets the tokens overlapping it (clients accept, and ignore, any beyond).
      if (range && (piece.end <= from || piece.start >= to)) continue;
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
