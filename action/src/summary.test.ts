import { readFileSync } from "node:fs";
import { type ExecutionRecord, validatePipelineText } from "@capstan/core";
import { describe, expect, it } from "vitest";
import { canarySection, renderSummary } from "./summary.js";

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

describe("job summary: canary analysis", () => {
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

const file = new URL("../../examples/rolling-blue-green.yml", import.meta.url);
const pipeline = validatePipelineText(readFileSync(file, "utf8"), "examples/rolling-blue-green.yml").pipeline;

const recordStage = (refId: string, type: string, status: string, extra: Record<string, unknown> = {}) => ({
  refId,
  id: `e-${refId}`,
  name: refId,
  type,
  dependsOn: [],
  status,
  context: {},
  outputs: {},
  ...extra,
});

/** After `continue`: the rollback gate is STOPPED by its failPipeline: false precondition. */
const record = {
  id: "e",
  pipeline: "rolling-blue-green",
  status: "SUCCEEDED",
  trigger: {},
  parameters: {},
  buildTime: 0,
  canceled: false,
  notifications: [],
  appliedCommands: [],
  stages: [
    recordStage("judge", "manualJudgment", "SUCCEEDED", {
      context: { judgmentStatus: "continue", judgmentInput: "continue", judgedBy: "alice" },
    }),
    recordStage("rollback", "checkPreconditions", "STOPPED", {
      error: "precondition failed: expression ${ #judgment('judge') == 'rollback' } is false, not true",
      context: {
        preconditions: [{ type: "expression", expression: "${ #judgment('judge') == 'rollback' }" }],
        preconditionResults: [
          { type: "expression", passed: false, failPipeline: false, message: "…", expressionResult: false },
        ],
      },
    }),
    recordStage("rblue1", "resizeServerGroup", "NOT_STARTED"),
  ],
} as unknown as ExecutionRecord;

describe("the job summary (issue 17 item 8)", () => {
  it("shows a branch gate that was not taken as such, not as a STOPPED failure", () => {
    const summary = renderSummary(pipeline, record);
    expect(summary).toMatch(/\| rollback \| checkPreconditions \| ⏭️ not taken \(judgment was continue\) \|/);
    expect(summary).not.toContain("STOPPED");
    expect(summary).not.toContain("### Failures");
    expect(summary).not.toContain("precondition failed");
    // The graph marks it as not taken too.
    expect(summary).toContain("class s_rollback NOT_TAKEN");
  });
});
