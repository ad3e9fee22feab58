// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold `${ }` expressions.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
// @ts-expect-error -- the benchmark's fixture generator is plain JavaScript.
import { pipelineText } from "../../../bench/lsp/generate.mjs";
import type { Range } from "../diagnostics/diagnostic.js";
import { analyzePipeline } from "./analysis.js";
import {
  decodeSemanticTokens,
  type SemanticToken,
  semanticTokenList,
  semanticTokens,
} from "./semantic-tokens.js";

const FIXTURE = `name: demo
parameters:
  - name: env
stages:
  - id: judge
    name: Judge
    type: manualJudgment
    inputs: [continue, rollback]
  - id: deploy
    type: wait
    duration: 1s
    dependsOn: [judge]
    if: "\${ #judgment('Judge') == 'continue' and parameters.env matches 'prod.*' }"
    env:
      N: '\${#stage(''judge'').status.toString().length() > 2 ? 1 : 2.5}'
      L: "\${ {1, 2}.?[#this != 1] }"
    description: >
      x \${ trigger.user
        or #root }
`;

/** Each token as [line, character, text, type, modifiers] (the text read back from the document). */
function readable(text: string, data: number[]) {
  const lines = text.split("\n");
  return decodeSemanticTokens(data).map((t) => [
    t.line,
    t.character,
    lines[t.line].slice(t.character, t.character + t.length),
    t.type,
    t.modifiers.join(","),
  ]);
}

/** Every token of FIXTURE, as `readable` gives them. */
const FIXTURE_TOKENS = [
  [12, 9, "${", "macro", ""],
  [12, 12, "#judgment", "function", "defaultLibrary"],
  [12, 22, "'Judge'", "enumMember", ""],
  [12, 31, "==", "operator", ""],
  [12, 34, "'continue'", "string", ""],
  [12, 45, "and", "keyword", ""],
  [12, 49, "parameters", "variable", "defaultLibrary"],
  [12, 60, "env", "property", ""],
  [12, 64, "matches", "keyword", ""],
  [12, 72, "'prod.*'", "string", ""],
  [12, 81, "}", "macro", ""],
  [14, 10, "${", "macro", ""],
  [14, 12, "#stage", "function", "defaultLibrary"],
  [14, 19, "''judge''", "enumMember", ""],
  [14, 30, "status", "property", ""],
  [14, 37, "toString", "method", ""],
  [14, 48, "length", "method", ""],
  [14, 57, ">", "operator", ""],
  [14, 59, "2", "number", ""],
  [14, 61, "?", "operator", ""],
  [14, 63, "1", "number", ""],
  [14, 65, ":", "operator", ""],
  [14, 67, "2.5", "number", ""],
  [14, 70, "}", "macro", ""],
  [15, 10, "${", "macro", ""],
  [15, 14, "1", "number", ""],
  [15, 17, "2", "number", ""],
  [15, 22, "#this", "variable", "defaultLibrary"],
  [15, 28, "!=", "operator", ""],
  [15, 31, "1", "number", ""],
  [15, 34, "}", "macro", ""],
  [17, 8, "${", "macro", ""],
  [17, 11, "trigger", "variable", "defaultLibrary"],
  [17, 19, "user", "property", ""],
  [18, 8, "or", "keyword", ""],
  [18, 11, "#root", "variable", "defaultLibrary"],
  [18, 17, "}", "macro", ""],
];

describe("semanticTokens", () => {
  test("classifies everything inside ${ } and places it at the file position, one line per token", () => {
    const analysis = analyzePipeline(FIXTURE);
    expect(readable(FIXTURE, semanticTokens(analysis).data)).toEqual(FIXTURE_TOKENS);
  });

  test("a string literal folded over two lines becomes one token per line, without the indentation", () => {
    const text = `name: demo\nstages:\n  - id: a\n    type: wait\n    duration: 1s\n    if: "\${ 'one\n      two' == 'x' }"\n`;
    const tokens = semanticTokenList(analyzePipeline(text)).map((t) => [
      t.line,
      t.character,
      t.length,
      t.type,
    ]);
    expect(tokens).toEqual([
      [5, 9, 2, "macro"],
      [5, 12, 4, "string"],
      [6, 6, 4, "string"],
      [6, 11, 2, "operator"],
      [6, 14, 3, "string"],
      [6, 18, 1, "macro"],
    ]);
  });

  test("no expressions, no tokens", () => {
    expect(semanticTokens(analyzePipeline("name: demo\nstages: []\n"))).toEqual({ data: [] });
  });

  test("a range gets the tokens overlapping it, cut expressions included, in the same encoding", () => {
    const analysis = analyzePipeline(FIXTURE);
    // From inside `toString` on line 14 to inside `.?[` on line 15.
    const range = { start: { line: 14, character: 40 }, end: { line: 15, character: 21 } };
    // Exactly the full list from `toString` (14:37) to the `2` at 15:17, the last token starting before the end.
    const at = (line: number, character: number) =>
      FIXTURE_TOKENS.findIndex((t) => t[0] === line && t[1] === character);
    expect(readable(FIXTURE, semanticTokens(analysis, range).data)).toEqual(
      FIXTURE_TOKENS.slice(at(14, 37), at(15, 17) + 1),
    );
    // A range without expressions gets nothing; an empty one, the token around it if any.
    const none = { start: { line: 0, character: 0 }, end: { line: 11, character: 0 } };
    expect(semanticTokens(analysis, none)).toEqual({ data: [] });
    const between = { line: 14, character: 36 };
    expect(semanticTokens(analysis, { start: between, end: between })).toEqual({ data: [] });
    expect(
      readable(FIXTURE, semanticTokens(analysis, { start: range.start, end: range.start }).data),
    ).toEqual([[14, 37, "toString", "method", ""]]);
  });

  test("expressions in keys and flow sequences are found by a range too", () => {
    const text = `name: demo
parameters:
  - name: env
stages:
  - id: a
    type: wait
    duration: 1s
    env:
      "\${ parameters.env }": x
      LIST: ["\${ 1 }", "\${ trigger.user }"]
`;
    const analysis = analyzePipeline(text);
    const full = semanticTokenList(analyzePipeline(text));
    const lines = { start: { line: 8, character: 0 }, end: { line: 9, character: 60 } };
    expect(semanticTokenList(analysis, lines)).toEqual(full);
    expect(full.map((t) => [t.line, t.type])).toEqual([
      [8, "macro"],
      [8, "variable"],
      [8, "property"],
      [8, "macro"],
      [9, "macro"],
      [9, "number"],
      [9, "macro"],
      [9, "macro"],
      [9, "variable"],
      [9, "property"],
      [9, "macro"],
    ]);
    expect(analysis.validated).toBe(false);
  });

  test("range tokens are the slice of the full tokens, for random ranges on the examples (no validation)", () => {
    const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
    const texts = [
      FIXTURE,
      pipelineText(200) as string,
      ...readdirSync(examples)
        .filter((f) => f.endsWith(".yml"))
        .map((f) => readFileSync(join(examples, f), "utf8")),
    ];
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let compared = 0;
    for (const text of texts) {
      const validated = analyzePipeline(text);
      void validated.diagnostics;
      const full = semanticTokenList(validated);
      const fresh = analyzePipeline(text);
      // The unvalidated whole-document path finds the same tokens as the validated sites.
      expect(semanticTokenList(analyzePipeline(text))).toEqual(full);
      const offsetOf = (t: SemanticToken) => fresh.source.offset({ line: t.line, character: t.character });
      for (let k = 0; k < 40; k++) {
        const from = random(text.length + 1);
        const to = Math.min(text.length, from + (k % 10 === 0 ? text.length : random(400)));
        const range: Range = { start: fresh.source.position(from), end: fresh.source.position(to) };
        const slice = full.filter((t) => offsetOf(t) < to && offsetOf(t) + t.length > from);
        expect(semanticTokenList(fresh, range)).toEqual(slice);
        compared += slice.length;
      }
      expect(fresh.validated).toBe(false);
    }
    // The ranges did cover tokens (the comparison is not vacuous).
    expect(compared).toBeGreaterThan(500);
  });
});
