// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold `${ }` expressions.
import { describe, expect, test } from "vitest";
import { analyzePipeline, updateAnalysis } from "./analysis.js";
import { complete } from "./complete.js";
import { hover } from "./hover.js";
import { withCursor } from "./test-cursor.js";

const TEXT = `name: demo
parameters:
  - name: env
    default: staging
stages:
  - id: judge
    name: Judge
    type: manualJudgment
    inputs: [continue, rollback]
  - id: deploy
    name: Deploy
    type: wait
    duration: 5s
    dependsOn: [judge]
    if: "\${ #judgment('Judge') == 'continue' and parameters.env == 'prod' }"
`;
const context = { uri: "file:///demo.yml" };

describe("features that only read the model do not validate", () => {
  test("hover and completion on a fresh version run no validation, and answer as after it", () => {
    const hoverAt = { line: 14, character: 27 };
    const paramAt = { line: 14, character: 61 };
    const fresh = analyzePipeline(TEXT, 1);
    const answers = [
      hover(fresh, hoverAt),
      hover(fresh, paramAt),
      complete(fresh, { line: 13, character: 16 }, context),
    ];
    expect(fresh.validated).toBe(false);
    expect(answers[0]?.contents.value).toContain("`manualJudgment` stage");
    expect(answers[1]?.contents.value).toContain("staging");

    const validated = analyzePipeline(TEXT, 1);
    expect(validated.diagnostics).toEqual([]);
    expect(validated.validated).toBe(true);
    expect([
      hover(validated, hoverAt),
      hover(validated, paramAt),
      complete(validated, { line: 13, character: 16 }, context),
    ]).toEqual(answers);
  });

  test("an edited version (spliced stage item) is not validated by hover or completion either", () => {
    const first = analyzePipeline(TEXT, 1);
    expect(first.diagnostics).toEqual([]);
    const { text, position } = withCursor(TEXT.replace("duration: 5s", "duration: 5s\n    description: |"));
    const next = updateAnalysis(first, text, 2);
    expect(next.parse).toBe("stage-item");
    expect(complete(next, position, context)).toBeInstanceOf(Array);
    expect(hover(next, { line: 15, character: 27 })?.contents.value).toContain("`manualJudgment` stage");
    expect(next.validated).toBe(false);
    // Validation still happens when diagnostics are asked for.
    expect(next.diagnostics.map((d) => d.code)).toEqual(["schema-unknown-field"]);
    expect(next.validated).toBe(true);
  });
});
