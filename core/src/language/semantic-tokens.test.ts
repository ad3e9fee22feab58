// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold `${ }` expressions.
import { describe, expect, test } from "vitest";
import { analyzePipeline } from "./analysis.js";
import { decodeSemanticTokens, semanticTokenList, semanticTokens } from "./semantic-tokens.js";

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

describe("semanticTokens", () => {
  test("classifies everything inside ${ } and places it at the file position, one line per token", () => {
    const analysis = analyzePipeline(FIXTURE);
    expect(readable(FIXTURE, semanticTokens(analysis).data)).toEqual([
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
    ]);
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
});
