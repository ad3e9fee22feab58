import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzePipeline, type CodeAction, codeActions, type TextEdit } from "@capstan/core";
import { describe, expect, test } from "vitest";

const dir = fileURLToPath(new URL("./quickfix", import.meta.url));
const cases = readdirSync(dir).filter((f) => f.endsWith(".yml") && !f.endsWith(".golden.yml"));

/** Applies non-overlapping edits, last first, so earlier offsets stay valid. */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Every quick fix of the file: the preferred fix of each diagnostic, plus the missing-dependsOn fixes. */
function fixesOf(text: string): CodeAction[] {
  const analysis = analyzePipeline(text);
  const whole = { start: { line: 0, character: 0 }, end: analysis.source.position(text.length) };
  return codeActions(analysis, whole, { uri: "file:///case.yml" });
}

describe("quick fixes (golden files)", () => {
  for (const name of cases) {
    test(name, () => {
      const text = readFileSync(join(dir, name), "utf8");
      const golden = readFileSync(join(dir, name.replace(/\.yml$/, ".golden.yml")), "utf8");
      const edits = fixesOf(text).flatMap((a) => a.edit.changes?.["file:///case.yml"] ?? []);
      expect(apply(text, edits)).toBe(golden);
    });
  }
});
