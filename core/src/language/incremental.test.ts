import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { analyzePipeline, updateAnalysis } from "./analysis.js";

const examples = fileURLToPath(new URL("../../../examples", import.meta.url));
const files = readdirSync(examples).filter((f) => f.endsWith(".yml"));

/** A small deterministic generator, so a failure can be replayed from its seed. */
function generator(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

const PIECES = [
  "x",
  " ",
  "\n",
  "  ",
  "- ",
  ": ",
  "'",
  '"',
  "${ #stage('Deploy') }",
  "}",
  "#",
  "-",
  "[",
  "]",
  "deploy",
  "\n    ",
];

describe("incremental re-analysis", () => {
  test("an edit inside one stage re-parses only that item and matches a fresh parse", () => {
    const text = readFileSync(join(examples, "safe-deployment.yml"), "utf8");
    const first = analyzePipeline(text, 1);
    const edited = text.replace("duration: 5s", "duration: 10s");
    const next = updateAnalysis(first, edited, 2);
    expect(next.parse).toBe("stage-item");
    expect(next.diagnostics).toEqual(analyzePipeline(edited, 3).diagnostics);
    expect(next.pipeline.stages.map((s) => s.source.span)).toEqual(
      analyzePipeline(edited, 3).pipeline.stages.map((s) => s.source.span),
    );
  });

  test("an edit crossing stage items falls back to a full parse", () => {
    const text = readFileSync(join(examples, "safe-deployment.yml"), "utf8");
    const first = analyzePipeline(text, 1);
    const edited = text.replace("  - id: rollback\n", "");
    expect(updateAnalysis(first, edited, 2).parse).toBe("full");
  });

  for (const file of files) {
    test(`fuzzed insert/delete sequences on ${file} always end with the diagnostics of a fresh parse`, () => {
      const original = readFileSync(join(examples, file), "utf8");
      let spliced = 0;
      for (let seed = 1; seed <= 8; seed++) {
        const random = generator(seed);
        let analysis = analyzePipeline(original, 0);
        let text = original;
        for (let step = 1; step <= 25; step++) {
          const at = random(text.length + 1);
          if (random(3) === 0)
            text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random(6)));
          else text = text.slice(0, at) + PIECES[random(PIECES.length)] + text.slice(at);
          analysis = updateAnalysis(analysis, text, step);
          if (analysis.parse === "stage-item") spliced++;
          const fresh = analyzePipeline(text, step);
          expect(analysis.diagnostics, `${file} seed ${seed} step ${step}`).toEqual(fresh.diagnostics);
        }
      }
      // The sequences must exercise the splice path, not only the full-parse fallback.
      expect(spliced).toBeGreaterThan(0);
    });
  }
});
