import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validatePipelineText } from "./validate.js";

const examplesDir = new URL("../../../examples", import.meta.url).pathname;
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => readFileSync(join(examplesDir, f), "utf8"));

/** Validation must return diagnostics for anything, never throw. */
function assertValidates(text: string) {
  const result = validatePipelineText(text, "fuzz.yml");
  expect(Array.isArray(result.diagnostics)).toBe(true);
  for (const d of result.diagnostics) {
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
    expect(d.span.start).toBeLessThanOrEqual(d.span.end);
    expect(typeof d.code).toBe("string");
  }
}

const YAML_BITS = [
  "${",
  "}",
  " #",
  ": ",
  "- ",
  "[",
  "]",
  "{",
  "}",
  "&a ",
  "*a",
  "\n",
  "  ",
  "'",
  '"',
  "\t",
  "!!",
  "|",
  ">",
  "?",
  ",",
];

/** An edit to an example: insert a YAML-ish fragment, delete a run, or duplicate a line. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom(...YAML_BITS) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
);

function mutate(text: string, edits: { kind: string; at: number; text?: string; length?: number }[]) {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    if (edit.kind === "insert") out = out.slice(0, at) + edit.text + out.slice(at);
    else if (edit.kind === "delete") out = out.slice(0, at) + out.slice(at + (edit.length ?? 1));
    else {
      const lineStart = out.lastIndexOf("\n", at) + 1;
      const lineEnd = out.indexOf("\n", at);
      const line = out.slice(lineStart, lineEnd < 0 ? out.length : lineEnd + 1);
      out = out.slice(0, lineStart) + line + out.slice(lineStart);
    }
  }
  return out;
}

describe("validation fuzzing", () => {
  it("never throws on random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => assertValidates(text)),
      { seed: 20261122, numRuns: 300 },
    );
  });

  it("never throws on random YAML-ish fragments", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...YAML_BITS, "name", "stages", "id", "type", "wait", "dependsOn"), {
          maxLength: 80,
        }),
        (parts) => assertValidates(parts.join("")),
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("never throws on mutated examples", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...examples),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (text, edits) => assertValidates(mutate(text, edits)),
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
