import { readFileSync } from "node:fs";
import { type ExecutionRecord, validatePipelineText } from "@capstan/core";
import { describe, expect, it } from "vitest";
import { renderSummary } from "./summary.js";

const file = new URL("../../examples/rolling-blue-green.yml", import.meta.url);
const pipeline = validatePipelineText(readFileSync(file, "utf8"), "examples/rolling-blue-green.yml").pipeline;

const stage = (refId: string, type: string, status: string, extra: Record<string, unknown> = {}) => ({
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
    stage("judge", "manualJudgment", "SUCCEEDED", {
      context: { judgmentStatus: "continue", judgmentInput: "continue", judgedBy: "alice" },
    }),
    stage("rollback", "checkPreconditions", "STOPPED", {
      error: "precondition failed: expression ${ #judgment('judge') == 'rollback' } is false, not true",
      context: {
        preconditions: [{ type: "expression", expression: "${ #judgment('judge') == 'rollback' }" }],
        preconditionResults: [
          { type: "expression", passed: false, failPipeline: false, message: "…", expressionResult: false },
        ],
      },
    }),
    stage("rblue1", "resizeServerGroup", "NOT_STARTED"),
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
