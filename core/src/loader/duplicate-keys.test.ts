// Duplicate keys are found in linear time (issue 18 item 11): yaml's own `uniqueKeys` check
// compares every key with every other one of its map, so 60,000 keys took two minutes.
import { describe, expect, it } from "vitest";
import { closest } from "../diagnostics/did-you-mean.js";
import { validatePipelineText } from "../validate/index.js";
import { loadYaml } from "./yaml-loader.js";

describe("duplicate keys", () => {
  it("are reported at the repeated key, naming it and the line of the first", () => {
    const text = "name: p\nstages: []\nname: q\n";
    const doc = loadYaml(text, "p.yml");
    expect(doc.diagnostics).toEqual([
      {
        code: "yaml-duplicate-key",
        severity: "error",
        message: "Map keys must be unique: 'name' is already set on line 1.",
        span: { start: 19, end: 23 },
      },
    ]);
  });

  it("are found in nested, flow and quoted spellings, once per repetition", () => {
    const text = [
      "a:",
      "  b: 1",
      "  'b': 2",
      "c: { x: 1, x: 2 }",
      "d:",
      '  - { "k": 1, k: 2, k: 3 }',
      "e: 1",
    ].join("\n");
    const doc = loadYaml(text, "p.yml");
    const found = doc.diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
    expect(found).toEqual([
      ["yaml-duplicate-key", "'b'"],
      ["yaml-duplicate-key", "x"],
      ["yaml-duplicate-key", "k"],
      ["yaml-duplicate-key", "k"],
    ]);
    // The last value wins, as before.
    expect(doc.value).toMatchObject({ a: { b: 2 }, c: { x: 2 }, d: [{ k: 3 }] });
  });

  it("are not reported again where an alias repeats the map", () => {
    const doc = loadYaml("base: &b { k: 1, k: 2 }\ncopy: *b\nmore: *b\n");
    expect(doc.diagnostics.map((d) => d.code)).toEqual(["yaml-duplicate-key"]);
  });

  it("a map of 60,000 keys loads in linear time", () => {
    const text = Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join("\n");
    const started = performance.now();
    const doc = loadYaml(text, "big.yml");
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(doc.diagnostics).toEqual([]);
    expect(Object.keys(doc.value as object)).toHaveLength(60_000);
  });
});

describe("a huge key", () => {
  it("gets no did-you-mean search over its whole length", () => {
    const started = performance.now();
    expect(closest("k".repeat(5_000_000), ["name", "stages", "parameters", "kkkk"])).toBeUndefined();
    expect(closest("x".repeat(2000), ["x".repeat(1999)])).toBe("x".repeat(1999));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("of 5 MB is validated quickly, and the message does not repeat it", () => {
    const key = "k".repeat(5_000_000);
    const text = `name: p\nstages:\n  - id: a\n    type: wait\n    duration: 1s\n    "${key}": 1\n`;
    const started = performance.now();
    const { diagnostics } = validatePipelineText(text, "p.yml");
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(diagnostics.map((d) => d.code)).toContain("schema-unknown-field");
    for (const d of diagnostics) expect(d.message.length).toBeLessThan(500);
  });
});
