import { describe, expect, it } from "vitest";
import { loadYaml } from "../loader/yaml-loader.js";
import { checkUnquotedExpressions } from "./unquoted-expressions.js";

function unquoted(text: string) {
  const doc = loadYaml(text);
  return checkUnquotedExpressions(doc).map((d) => ({
    at: doc.source.range(d.span).start,
    text: text.slice(d.span.start, d.span.end),
    replacement: d.data?.replacement,
  }));
}

describe("checkUnquotedExpressions", () => {
  it("finds an expression cut by ' #' (a comment)", () => {
    expect(unquoted("if: ${ #judgment('judge') == 'rollback' }\n")).toEqual([
      {
        at: { line: 0, character: 4 },
        text: "${ #judgment('judge') == 'rollback' }",
        replacement: JSON.stringify("${ #judgment('judge') == 'rollback' }"),
      },
    ]);
  });

  it("finds an expression turned into a map by ': ' (ternary, Elvis)", () => {
    expect(unquoted("a: ${ x ? 'b' : 'c' }\n").map((d) => d.text)).toEqual(["${ x ? 'b' : 'c' }"]);
    expect(unquoted("a: ${ x ?: 'd' }\n").map((d) => d.text)).toEqual(["${ x ?: 'd' }"]);
  });

  it("finds an expression in a flow sequence", () => {
    expect(unquoted("ids: [${ parameters.a }, b]\n").map((d) => d.at)).toEqual([{ line: 0, character: 6 }]);
  });

  it("leaves whole plain expressions and quoted ones alone", () => {
    expect(unquoted("a: ${parameters.x}\nb: pre ${ parameters.x } post # comment\n")).toEqual([]);
    expect(unquoted("a: \"${ #judgment('j') == 'x' }\"\nb: '${ a ? 1 : 2 }'\n")).toEqual([]);
  });
});
