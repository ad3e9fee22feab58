// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold `${ }` expressions.
import { describe, expect, test } from "vitest";
import type { Position } from "../diagnostics/diagnostic.js";
import { analyzePipeline, type PipelineAnalysis, updateAnalysis } from "./analysis.js";
import { complete } from "./complete.js";
import { documentLinks } from "./document-links.js";
import { documentSymbols } from "./document-symbols.js";
import { foldingRanges, inlayHints } from "./folding-and-hints.js";
import { hover } from "./hover.js";
import { definition, prepareRename, references, rename } from "./navigation.js";
import { semanticTokens } from "./semantic-tokens.js";
import { withCursor } from "./test-cursor.js";
import type { LanguageContext } from "./types.js";

const TEXT = `name: demo
parameters:
  - name: env
    default: staging
triggers:
  - type: pipeline
    pipeline: build
  - type: cron
    expression: "0 6 * * 1"
stages:
  - id: compile
    type: run
    command: ./scripts/build.sh --fast
  - id: judge
    name: Judge
    type: manualJudgment
    dependsOn: [compile]
    inputs: [continue, rollback]
  - id: child
    type: pipeline
    pipeline: build
    dependsOn: [judge]
  - id: deploy
    name: Deploy
    type: wait
    duration: 90s
    dependsOn: [judge]
    if: "\${ #judgment('Judge') == 'continue' and parameters.env == 'prod' }"
`;
const context: LanguageContext = {
  uri: "file:///repo/.capstan/pipelines/demo.yml",
  pipelines: [{ name: "build", uri: "file:///repo/.capstan/pipelines/build.yml" }],
  resolveWorkspacePath: (path) => (path === "scripts/build.sh" ? `file:///repo/${path}` : undefined),
};

/** The position of the `n`th occurrence of `needle` in `text`, `delta` characters into it. */
function at(text: string, needle: string, delta = 0, n = 0): Position {
  let offset = -1;
  for (let k = 0; k <= n; k++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`no ${needle} in the fixture`);
  const before = text.slice(0, offset + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const range = (start: Position, length: number) => ({
  start,
  end: { line: start.line, character: start.character + length },
});

/** Every read-only feature, answered at places where it has something to say. */
const readOnly: Record<string, (a: PipelineAnalysis) => unknown> = {
  hover: (a) => [hover(a, at(a.text, "#judgment", 12)), hover(a, at(a.text, "parameters.env", 12))],
  completion: (a) => [
    complete(a, at(a.text, "dependsOn: [judge]", 12), context),
    complete(a, at(a.text, "'Judge'", 1), context),
  ],
  prepareRename: (a) => [prepareRename(a, at(a.text, "Judge", 1)), prepareRename(a, at(a.text, "env", 1))],
  documentSymbols: (a) => documentSymbols(a),
  documentLinks: (a) => documentLinks(a, context),
  foldingRanges: (a) => foldingRanges(a),
  "semanticTokens full": (a) => semanticTokens(a),
  "semanticTokens range": (a) =>
    semanticTokens(a, { start: at(a.text, "if:"), end: { line: at(a.text, "if:").line, character: 50 } }),
  inlayHints: (a) => inlayHints(a, { start: { line: 0, character: 0 }, end: at(a.text, "'prod'") }),
};

/** Navigation reads every expression's references: today through `analysis.expressions`. */
const navigation: Record<string, (a: PipelineAnalysis) => unknown> = {
  definition: (a) => [
    definition(a, at(a.text, "[judge]", 2), context),
    definition(a, at(a.text, "'Judge'", 2), context),
  ],
  references: (a) => [
    references(a, at(a.text, "Judge", 1), context),
    references(a, at(a.text, "- name: env", 9), context),
  ],
  rename: (a) => rename(a, at(a.text, "Judge", 1), "Approve", context),
};

describe("features that only read the model do not validate", () => {
  test.each(Object.entries(readOnly))(
    "%s: a fresh version stays unvalidated and answers as after validation",
    (_, run) => {
      const fresh = analyzePipeline(TEXT, 1);
      const answer = run(fresh);
      expect(fresh.validated).toBe(false);

      const validated = analyzePipeline(TEXT, 1);
      expect(validated.diagnostics).toEqual([]);
      expect(run(validated)).toEqual(answer);
    },
  );

  test.each(Object.entries(readOnly))(
    "%s: an edited version (spliced stage item) stays unvalidated too",
    (_, run) => {
      const first = analyzePipeline(TEXT, 1);
      expect(first.diagnostics).toEqual([]);
      const text = TEXT.replace("duration: 90s", "duration: 2m");
      const next = updateAnalysis(first, text, 2);
      expect(next.parse).toBe("stage-item");
      const answer = run(next);
      expect(next.validated).toBe(false);
      expect(answer).toEqual(run(analyzePipeline(text, 2)));
      // Validation still happens when diagnostics are asked for.
      expect(next.diagnostics).toEqual([]);
      expect(next.validated).toBe(true);
    },
  );

  test("the answers are not empty (the fixture exercises every feature)", () => {
    for (const run of Object.values(readOnly)) {
      const answer = JSON.stringify(run(analyzePipeline(TEXT, 1)));
      expect(answer).not.toMatch(/^(\[\]|\[null(,null)*\]|\{"data":\[\]\})$/);
    }
  });

  test("definition, references and rename answer on a validated version", () => {
    const validated = analyzePipeline(TEXT, 1);
    expect(validated.diagnostics).toEqual([]);
    expect(navigation.references(validated)).toEqual([
      [
        { uri: context.uri, range: range(at(TEXT, "judge", 0), 5) },
        { uri: context.uri, range: range(at(TEXT, "Judge"), 5) },
        { uri: context.uri, range: range(at(TEXT, "judge", 0, 1), 5) },
        { uri: context.uri, range: range(at(TEXT, "judge", 0, 2), 5) },
        { uri: context.uri, range: range(at(TEXT, "Judge", 0, 1), 5) },
      ],
      [
        { uri: context.uri, range: range(at(TEXT, "env"), 3) },
        { uri: context.uri, range: range(at(TEXT, "env", 0, 1), 3) },
      ],
    ]);
  });

  // Fails until symbols-at.ts reads references through `expressionSitesOverlapping` (no
  // validation) and matches stages by index: today `occurrences` validates, and on a fresh
  // version the target stage comes from the model built before validation while the
  // expression references resolve in the validated one, so `resolved === stage` never holds and
  // references/rename miss every expression. Flip to `test` with that change (symbols-at.ts is
  // outside this test's owner's files).
  test("definition, references and rename: a fresh version stays unvalidated and answers as a validated one", () => {
    for (const run of Object.values(navigation)) {
      const fresh = analyzePipeline(TEXT, 1);
      const answer = run(fresh);
      expect(fresh.validated).toBe(false);
      expect(answer).toEqual(run(analyzePipeline(TEXT, 1)));
    }
  });

  test("hover and completion inside a half-typed stage item do not validate", () => {
    const first = analyzePipeline(TEXT, 1);
    expect(first.diagnostics).toEqual([]);
    const { text, position } = withCursor(TEXT.replace("duration: 90s", "duration: 90s\n    description: |"));
    const next = updateAnalysis(first, text, 2);
    expect(next.parse).toBe("stage-item");
    expect(complete(next, position, context)).toBeInstanceOf(Array);
    expect(hover(next, at(text, "'Judge'", 2))?.contents.value).toContain("`manualJudgment` stage");
    expect(next.validated).toBe(false);
    expect(next.diagnostics.map((d) => d.code)).toEqual(["schema-unknown-field"]);
    expect(next.validated).toBe(true);
  });
});
