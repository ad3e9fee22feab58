import { describe, expect, it } from "vitest";
import { parseExpression } from "./parser.js";

const codes = (src: string) =>
  parseExpression(src).diagnostics.map((d) => [d.code, d.span.start, d.span.end]);

describe("parseExpression", () => {
  it("parses a judgment comparison with exact ranges", () => {
    expect(parseExpression("#judgment('judge') == 'rollback'")).toEqual({
      ast: {
        kind: "binary",
        operator: "==",
        operatorSpan: { start: 19, end: 21 },
        left: {
          kind: "function",
          name: "judgment",
          nameSpan: { start: 1, end: 9 },
          args: [{ kind: "literal", value: "judge", span: { start: 10, end: 17 } }],
          span: { start: 0, end: 18 },
        },
        right: { kind: "literal", value: "rollback", span: { start: 22, end: 32 } },
        span: { start: 0, end: 32 },
      },
      diagnostics: [],
    });
  });

  it("normalises textual operators and respects precedence", () => {
    const { ast } = parseExpression("a eq 1 or not b and c gt 2");
    expect(ast.kind === "binary" && ast.operator).toBe("or");
    expect(ast.kind === "binary" && ast.right.kind === "binary" && ast.right.operator).toBe("and");
  });

  it("parses selection, projection, safe navigation and inline collections", () => {
    const { ast, diagnostics } = parseExpression(
      "a?.b.?[x > 1].^[true].$[true].![#this]['k'] ?: {1, {a: 2}}",
    );
    expect(diagnostics).toEqual([]);
    expect(ast.kind).toBe("elvis");
  });

  it("parses T(), new and bean references into explicit nodes", () => {
    expect(parseExpression("T(java.lang.Runtime)").ast).toEqual({
      kind: "typeReference",
      typeName: "java.lang.Runtime",
      span: { start: 0, end: 20 },
    });
    expect(parseExpression("new java.net.URL('x')").ast.kind).toBe("constructor");
    expect(parseExpression("@bean").ast.kind).toBe("beanReference");
  });

  it("recovers and reports several problems", () => {
    expect(codes("#stage('x' == ")).toEqual([
      ["expected-expression", 11, 13],
      ["missing-closer", 6, 7],
    ]);
    expect(codes("a.b( , ) + [")).toEqual([
      ["expected-expression", 5, 6],
      ["expected-expression", 7, 8],
      ["expected-expression", 11, 12],
      ["missing-closer", 11, 12],
    ]);
  });

  it("reports an empty expression, an unterminated string and stray characters", () => {
    expect(codes("  ")).toEqual([["empty-expression", 0, 2]]);
    expect(codes("'abc")).toEqual([["unterminated-string", 0, 4]]);
    expect(codes("a ~ b")).toEqual([
      ["unexpected-character", 2, 3],
      ["unexpected-token", 4, 5],
    ]);
  });

  it("caps length and depth without exhausting the stack", () => {
    expect(codes(`${"1+".repeat(5001)}1`)).toEqual([["expression-too-long", 0, 10003]]);
    const deep = parseExpression(`${"(".repeat(3000)}1${")".repeat(3000)}`);
    expect(deep.diagnostics.map((d) => d.code)).toEqual(["expression-too-deep"]);
    expect(parseExpression(`${"!".repeat(5000)}a`).diagnostics.map((d) => d.code)).toEqual([
      "expression-too-deep",
    ]);
  });
});
