// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
// Turning lists and maps into text counts the size while building (issue 18 item 1): every
// conversion fails with LimitExceeded, quickly, instead of building the whole text first.
import { describe, expect, it } from "vitest";
import { createEvaluationContext, evaluateExpression, evaluateTemplate, evaluateTree } from "./index.js";

// A list whose text is about 1,200 characters, over a limit of 1,000.
const L = "{'a' * 600, 'b' * 600}";
const M = "{k1: 'a' * 600, k2: 'b' * 600}";

describe("text of lists and maps is counted while it is built", () => {
  const small = createEvaluationContext({ root: {}, limits: { maxStringLength: 1000 } });

  it.each([
    `${L}.toString()`,
    `${M}.toString()`,
    `${L} matches 'x'`,
    `${M} matches 'x'`,
    `'a'.equalsIgnoreCase(${L})`,
    `'a'.startsWith(${L})`,
    `'a'.endsWith(${M})`,
    `'a'.compareTo(${L})`,
    `'a'.indexOf(${L})`,
    `'a'.replace(${L}, 'b')`,
    `#toBase64(${L})`,
    `#alphanumerical(${M})`,
    `#readJson(${L})`,
    `#readYaml(${M})`,
    `#toInt(${L})`,
    `#toFloat(${L})`,
    `#toBoolean(${M})`,
    `#fromBase64(${L})`,
    `'' + ${L}`,
    `${M} + ''`,
    `{${L}} + ''`,
  ])("%s", (expr) => {
    const out = evaluateExpression(expr, small);
    expect(out).toMatchObject({ ok: false, exceptionType: "LimitExceeded" });
  });

  it("fails a template part that is too long with LimitExceeded, not InternalError", () => {
    const out = evaluateTemplate(`x \${ ${L} }`, small);
    expect(out.value).toBe(`x \${ ${L} }`);
    expect(Object.values(out.summary).flat()[0]).toMatchObject({ exceptionType: "LimitExceeded" });
  });

  it("fails a map key that would be too long", () => {
    const out = evaluateTree({ [`\${ ${L} }`]: 1 }, small);
    expect(Object.values(out.summary).flat()[0]).toMatchObject({ exceptionType: "LimitExceeded" });
  });

  it("still converts what fits", () => {
    expect(evaluateExpression("{'a', {b: 1}}.toString()", small)).toMatchObject({
      ok: true,
      value: "[a, {b=1}]",
    });
    expect(evaluateExpression("'x' + {'a', {'b', 'c'}}", small)).toMatchObject({ ok: true, value: "xa,b,c" });
    expect(evaluateTemplate("v=${ {1, 2} }", small).value).toBe("v=1,2");
  });
});

describe("hostile conversions with the default limits", () => {
  const ctx = createEvaluationContext({ root: {} });
  // 19,000 elements sharing one string of a million characters: 19 GB of text if built.
  const huge = "('a' * 19000).split('').![{#this, ('b' * 999999)}]";

  it.each([
    `${huge}.toString()`,
    `${huge} matches 'x'`,
    `#toBase64(${huge})`,
    `#alphanumerical(${huge})`,
    `#readJson(${huge})`,
    `'' + ${huge}`,
    `'a'.equalsIgnoreCase(${huge})`,
  ])("%s", (expr) => {
    const started = performance.now();
    expect(evaluateExpression(expr, ctx)).toMatchObject({ ok: false, exceptionType: "LimitExceeded" });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("never throws from evaluateTemplate, and reports LimitExceeded", () => {
    for (const template of [`\${ ${huge} }x`, `x\${ ${huge}.![{#this}] }`, `\${'a' * 999999}\${ ${huge} }`]) {
      const out = evaluateTemplate(template, ctx);
      expect(out.value).toBe(template);
      expect(Object.values(out.summary).flat()[0]).toMatchObject({ exceptionType: "LimitExceeded" });
    }
  });

  // 30,000 references to one list of 30,000: 900 million values once copied out or compared.
  const x = Array.from({ length: 30000 }, (_, i) => i);
  const shared = createEvaluationContext({
    root: { x, z: [...x], y: [...x.slice(0, -1), -1] },
    limits: { maxSteps: 400_000 },
  });
  const square = "x.![#root.x]";

  it("refuses a result that would expand into too many values", () => {
    const started = performance.now();
    expect(evaluateExpression(square, shared)).toMatchObject({
      ok: false,
      exceptionType: "LimitExceeded",
      message: expect.stringContaining("copied out"),
    });
    const out = evaluateTemplate(`\${ ${square} }`, shared);
    expect(Object.values(out.summary).flat()[0]).toMatchObject({
      exceptionType: "LimitExceeded",
      description: expect.stringContaining("copied out"),
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("bounds comparisons of shared structures", () => {
    const started = performance.now();
    const compares = {
      ok: false,
      exceptionType: "LimitExceeded",
      message: expect.stringContaining("compares"),
    };
    expect(evaluateExpression(`${square} == x.![#root.z]`, shared)).toMatchObject(compares);
    expect(evaluateExpression(`${square}.contains(y)`, shared)).toMatchObject(compares);
    expect(evaluateExpression(`${square}.indexOf(y)`, shared)).toMatchObject(compares);
    expect(evaluateExpression("{x, x} == {x, x}", shared)).toMatchObject({ ok: true, value: true });
    expect(evaluateExpression("{x, y} == {x, x}", shared)).toMatchObject({ ok: true, value: false });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
