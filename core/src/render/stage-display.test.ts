import { describe, expect, it } from "vitest";
import type { ExecutionRecord, StageRecord } from "../engine/record.js";
import { branchNotTaken } from "./stage-display.js";

const stage = (refId: string, type: string, status: string, context: Record<string, unknown> = {}) =>
  ({ refId, id: refId, name: refId, type, dependsOn: [], status, context, outputs: {} }) as StageRecord;
const gate = (
  preconditions: Record<string, unknown>[],
  results: Record<string, unknown>[],
  status = "STOPPED",
) => stage("gate", "checkPreconditions", status, { preconditions, preconditionResults: results });
const record = (...stages: StageRecord[]) => ({ stages }) as unknown as ExecutionRecord;
const judged = (refId: string, input: string) =>
  stage(refId, "manualJudgment", "SUCCEEDED", { judgmentStatus: "continue", judgmentInput: input });
const falseExpression = (expression: string) => [
  [{ type: "expression", expression, failPipeline: false }],
  [
    {
      type: "expression",
      passed: false,
      failPipeline: false,
      message: `expression ${expression} is false, not true`,
      expressionResult: false,
    },
  ],
];

describe("branchNotTaken", () => {
  it("names the judgment the gate reads, by name when the pipeline has several", () => {
    const [p, r] = falseExpression("${ #judgment('judge') == 'rollback' }");
    expect(branchNotTaken(gate(p, r), record(judged("judge", "continue")))).toBe("judgment was continue");
    expect(branchNotTaken(gate(p, r), record(judged("judge", "continue"), judged("other", "go")))).toBe(
      "judgment 'judge' was continue",
    );
  });

  it("otherwise says what was false: the failure message, or the check's own words", () => {
    const [p, r] = falseExpression("${ parameters.env == 'prod' }");
    expect(branchNotTaken(gate(p, r), record())).toBe("expression ${ parameters.env == 'prod' } is false");
    expect(branchNotTaken(gate([{ ...p[0], failureMessage: "not prod" }], r), record())).toBe("not prod");
  });

  it("is undefined for anything that is a failure: a failPipeline precondition, an error, another status", () => {
    const [p, r] = falseExpression("${ false }");
    expect(branchNotTaken(gate(p, [{ ...r[0], failPipeline: true }]), record())).toBeUndefined();
    expect(
      branchNotTaken(
        gate(p, [
          { type: "expression", passed: false, failPipeline: false, message: "expression failed: x" },
        ]),
        record(),
      ),
    ).toBeUndefined();
    expect(branchNotTaken(gate(p, r, "TERMINAL"), record())).toBeUndefined();
    expect(branchNotTaken(stage("w", "wait", "STOPPED"), record())).toBeUndefined();
  });
});
