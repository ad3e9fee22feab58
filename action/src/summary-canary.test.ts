import { describe, expect, it } from "vitest";
import { canarySection } from "./summary.js";

const stage = (outputs: Record<string, unknown>) =>
  ({
    refId: "canary",
    id: "x-canary",
    name: "Canary Analysis",
    type: "canaryAnalysis",
    dependsOn: [],
    status: "FAILED_CONTINUE",
    context: {},
    outputs,
  }) as never;

describe("job summary: canary analysis (canarySection)", () => {
  it("charts each run's score against the thresholds and tables the last run's metrics", () => {
    const lines = canarySection(
      stage({
        overallResult: "Fail",
        canaryScores: [100, 0],
        canaryScoreMessage: "Canary run #2 scored 0",
        judgeResult: {
          thresholds: { marginal: 50, pass: 75 },
          results: [
            {
              name: "error rate",
              tags: {},
              classification: "High",
              classificationReason: "the experiment is higher | than the control",
              critical: true,
              muted: false,
              controlMetadata: { stats: { median: 0 } },
              experimentMetadata: { stats: { median: 0.100123456 } },
            },
          ],
        },
      }),
    );
    expect(lines).toEqual([
      "",
      "### Canary analysis: Canary Analysis",
      "",
      "**Fail**, score 0 (runs: 100, 0): Canary run #2 scored 0",
      "",
      "```mermaid",
      "xychart-beta",
      '  title "Score of each canary run"',
      '  x-axis "run" [1, 2]',
      '  y-axis "score" 0 --> 100',
      "  bar [100, 0]",
      "  line [50, 50]",
      "  line [75, 75]",
      "```",
      "",
      "| Metric | Classification | Reason | Control median | Experiment median |",
      "| --- | --- | --- | --- | --- |",
      "| error rate | High (critical) | the experiment is higher \\| than the control | 0 | 0.1001 |",
    ]);
  });

  it("a stage that never scored (skipped) adds nothing", () => {
    expect(canarySection(stage({}))).toEqual([]);
  });
});
