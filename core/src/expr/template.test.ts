// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
import { describe, expect, it } from "vitest";
import { scanTemplate } from "./template.js";

describe("scanTemplate", () => {
  it("splits literal text and expressions with their ranges", () => {
    expect(scanTemplate("a-${ x }-b")).toEqual({
      segments: [
        { kind: "literal", text: "a-", span: { start: 0, end: 2 } },
        { kind: "expression", source: " x ", span: { start: 2, end: 8 }, sourceSpan: { start: 4, end: 7 } },
        { kind: "literal", text: "-b", span: { start: 8, end: 10 } },
      ],
      diagnostics: [],
    });
  });

  it("keeps nested braces and quoted braces inside one expression", () => {
    const { segments } = scanTemplate("${ {'a':1}['a'] }${'${x}'}${ '}' }");
    expect(segments.map((s) => (s.kind === "expression" ? s.source : s.text))).toEqual([
      " {'a':1}['a'] ",
      "'${x}'",
      " '}' ",
    ]);
  });

  it("reports an unterminated expression and keeps the text", () => {
    expect(scanTemplate("x ${ a")).toEqual({
      segments: [{ kind: "literal", text: "x ${ a", span: { start: 0, end: 6 } }],
      diagnostics: [
        {
          code: "unterminated-expression",
          severity: "error",
          message: "`${` has no matching `}`; close the expression with `}`.",
          span: { start: 2, end: 6 },
        },
      ],
    });
  });

  it("reports an unterminated quote inside an expression", () => {
    expect(scanTemplate("${ 'abc }").diagnostics.map((d) => d.code)).toEqual(["unterminated-string"]);
  });

  it("leaves strings without ${ untouched", () => {
    expect(scanTemplate("plain $ { text }").segments).toEqual([
      { kind: "literal", text: "plain $ { text }", span: { start: 0, end: 16 } },
    ]);
  });
});
