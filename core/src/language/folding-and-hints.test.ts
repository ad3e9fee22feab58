// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold `${ }` expressions.
import { describe, expect, test } from "vitest";
import { analyzePipeline } from "./analysis.js";
import { foldingRanges, inlayHints } from "./folding-and-hints.js";

const FIXTURE = `name: demo
parameters:
  - name: env
    default: staging
  - name: count
    default: 3
  - name: free
triggers:
  - type: cron
    expression: "0 6 * * 1"
stages:
  - id: wait
    type: wait
    duration: 90s
    timeout: 2h
  - id: deploy
    type: run
    command: echo
    if: "\${ parameters.env == 'prod' and parameters['count'] > 1 and parameters.free != '' }"
`;

describe("foldingRanges and inlayHints", () => {
  test("folds each top-level block and each stage item, up to its last line (not the next key's)", () => {
    expect(foldingRanges(analyzePipeline(FIXTURE))).toEqual([
      { startLine: 1, endLine: 6 },
      { startLine: 7, endLine: 9 },
      { startLine: 10, endLine: 18 },
      { startLine: 11, endLine: 14 },
      { startLine: 15, endLine: 18 },
    ]);
  });

  test("hints durations, cron expressions and parameter defaults in the range", () => {
    const analysis = analyzePipeline(FIXTURE);
    const whole = { start: { line: 0, character: 0 }, end: { line: 19, character: 0 } };
    const hint = (line: number, character: number, label: string) => ({
      position: { line, character },
      label,
      paddingLeft: true,
    });
    expect(inlayHints(analysis, whole)).toEqual([
      hint(9, 27, "At 06:00, Monday"),
      hint(13, 17, "1 minute 30 seconds"),
      hint(14, 15, "2 hours"),
      hint(18, 26, '= "staging"'),
      hint(18, 58, "= 3"),
    ]);
    // Only what is in the range; and nothing here needs the document validated.
    expect(
      inlayHints(analysis, { start: { line: 13, character: 0 }, end: { line: 14, character: 0 } }),
    ).toEqual([hint(13, 17, "1 minute 30 seconds")]);
    expect(
      inlayHints(analysis, { start: { line: 18, character: 40 }, end: { line: 18, character: 60 } }),
    ).toEqual([hint(18, 58, "= 3")]);
    expect(analysis.validated).toBe(false);
  });
});
