import { describe, expect, it, vi } from "vitest";
import { Alias } from "yaml";
import { loadYaml } from "./yaml-loader.js";

describe("loadYaml", () => {
  it("gives plain data and the span of any node by path", () => {
    const text = "name: p\nstages:\n  - id: a\n    type: wait\n";
    const doc = loadYaml(text);
    expect(doc.value).toEqual({ name: "p", stages: [{ id: "a", type: "wait" }] });
    const at = doc.locate(["stages", 0, "type"]);
    expect(at && text.slice(at.value.start, at.value.end)).toBe("wait");
    expect(at?.key && text.slice(at.key.start, at.key.end)).toBe("type");
    expect(doc.diagnostics).toEqual([]);
  });

  it("reports YAML syntax errors as diagnostics and keeps going", () => {
    const doc = loadYaml('name: "unclosed\nstages: []\n');
    expect(doc.diagnostics.length).toBeGreaterThan(0);
    expect(doc.diagnostics[0].code).toMatch(/^yaml-/);
  });

  it("stops an alias bomb quickly with one diagnostic", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const started = performance.now();
    const doc = loadYaml(levels.join("\n"), "bomb.yml");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(doc.diagnostics.map((d) => d.code)).toEqual(["yaml-alias-limit"]);
  });

  it("expands ordinary aliases", () => {
    const doc = loadYaml("base: &b { min: 1 }\ncopy: *b\n");
    expect(doc.value).toEqual({ base: { min: 1 }, copy: { min: 1 } });
  });

  it("resolves an alias to the last anchor of that name before it, as YAML says", () => {
    const doc = loadYaml("a: &x 1\nb: *x\nc: &x 2\nd: *x\ne: { f: &y 3, g: *y }\n");
    expect(doc.value).toEqual({ a: 1, b: 1, c: 2, d: 2, e: { f: 3, g: 3 } });
    expect(doc.locate(["d"])?.value).toEqual(doc.locate(["c"])?.value);
    expect(doc.nodeAt(["b"])).toBe(doc.nodeAt(["a"]));
  });

  it("reports an alias to itself and an alias before its anchor", () => {
    const doc = loadYaml("a: &x [1, *x]\nb: *later\nc: &later 2\n");
    expect(doc.diagnostics.map((d) => d.code)).toEqual(["yaml-alias-cycle", "yaml-unknown-alias"]);
  });

  // yaml's Alias#resolve walks the whole document from the top for every alias: a pipeline that
  // repeats `onFailure: *halt` in 2,000 stages took minutes to open. One walk indexes them all.
  it("resolves every alias from one walk of the document, not one walk per alias", () => {
    const stages = Array.from({ length: 50 }, (_, i) => `  - { id: s${i}, type: *t }`);
    const resolve = vi.spyOn(Alias.prototype, "resolve");
    try {
      const doc = loadYaml(`x: &t wait\nstages:\n${stages.join("\n")}\n`);
      expect((doc.value as { stages: { type: string }[] }).stages.every((s) => s.type === "wait")).toBe(true);
      expect(doc.locate(["stages", 49, "type"])?.value).toEqual(doc.locate(["x"])?.value);
      expect(resolve).not.toHaveBeenCalled();
    } finally {
      resolve.mockRestore();
    }
  });

  it("keeps a __proto__ key as plain data without touching the prototype", () => {
    const doc = loadYaml("__proto__: { polluted: true }\n");
    expect(Object.hasOwn(doc.value as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype);
  });
});
