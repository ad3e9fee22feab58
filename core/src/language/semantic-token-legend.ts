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
