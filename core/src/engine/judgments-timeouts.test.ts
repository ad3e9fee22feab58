import { describe, expect, it } from "vitest";
import { startExecution } from "./engine.js";
import type { JudgmentGateway } from "./services.js";
import {
  harness,
  pipelineFrom,
  runPipeline,
  scriptedJudgments,
  statuses,
  TableEvaluator,
} from "./testdata/kit.js";

const judgmentPipeline = (onFailure: string) => `
name: p
stages:
  - id: judge
    name: Judge
    type: manualJudgment
    instructions: go?
    inputs: [continue, rollback]
    onFailure: ${onFailure}
  - { id: after, type: wait, duration: 1s, dependsOn: [judge] }
  - { id: other, type: wait, duration: 1h }
`;

describe("manual judgment", () => {
  it.each([
    ["haltPipeline", "continue", { judge: "SUCCEEDED", after: "SUCCEEDED", other: "SUCCEEDED" }, "SUCCEEDED"],
    ["haltPipeline", "stop", { judge: "TERMINAL", after: "NOT_STARTED", other: "CANCELED" }, "TERMINAL"],
    ["haltBranch", "stop", { judge: "STOPPED", after: "NOT_STARTED", other: "SUCCEEDED" }, "SUCCEEDED"],
    [
      "haltBranchThenFailPipeline",
      "stop",
      { judge: "STOPPED", after: "NOT_STARTED", other: "SUCCEEDED" },
      "TERMINAL",
    ],
    ["ignore", "stop", { judge: "FAILED_CONTINUE", after: "SUCCEEDED", other: "SUCCEEDED" }, "SUCCEEDED"],
  ])("%s + %s", async (onFailure, answer, expected, pipelineStatus) => {
    const r = await runPipeline(judgmentPipeline(onFailure), {
      judgments: scriptedJudgments({ judge: answer }),
    });
    expect(statuses(r)).toEqual(expected);
    expect(r.status).toBe(pipelineStatus);
    expect(r.stages[0].context.judgmentStatus).toBe(answer);
    expect(r.stages[0].context.lastModifiedBy).toBe("tester");
  });

  it("records the chosen input and lets #judgment-driven stages branch (safe-deployment flow)", async () => {
    const expressions = new TableEvaluator({
      "#judgment('Manual Judgment').equals('continue')": (s) =>
        (s.execution.stages.find((x) => x.name === "Manual Judgment")?.context.judgmentInput as string) ===
        "continue",
      "#judgment('Manual Judgment').equals('rollback')": (s) =>
        (s.execution.stages.find((x) => x.name === "Manual Judgment")?.context.judgmentInput as string) ===
        "rollback",
    });
    const yaml = `
name: safe-deployment
stages:
  - { id: judgment, name: Manual Judgment, type: manualJudgment, inputs: [continue, rollback] }
  - id: deploy
    type: wait
    duration: 1s
    dependsOn: [judgment]
    if: "\${ #judgment('Manual Judgment').equals('continue') }"
  - id: rollback
    type: wait
    duration: 5s
    dependsOn: [judgment]
    if: "\${ #judgment('Manual Judgment').equals('rollback') }"
`;
    const cont = await runPipeline(yaml, {
      expressions,
      judgments: scriptedJudgments({ judgment: "continue" }),
    });
    expect(statuses(cont)).toEqual({ judgment: "SUCCEEDED", deploy: "SUCCEEDED", rollback: "SKIPPED" });
    expect(cont.stages[0].context.judgmentInput).toBe("continue");
    const back = await runPipeline(yaml, {
      expressions,
      judgments: scriptedJudgments({ judgment: "rollback" }),
    });
    expect(statuses(back)).toEqual({ judgment: "SUCCEEDED", deploy: "SKIPPED", rollback: "SUCCEEDED" });
    expect(back.status).toBe("SUCCEEDED");
  });

  it("takes a judgment given as a command (capstan judge from another terminal)", async () => {
    // An open prompt that nobody answers: the virtual clock does not move while it is open.
    const prompt: JudgmentGateway = {
      request: (req) =>
        new Promise((resolve) => req.signal.addEventListener("abort", () => resolve(undefined))),
    };
    const { services } = harness({ judgments: prompt });
    const { runner } = startExecution(services, { pipeline: pipelineFrom(judgmentPipeline("haltPipeline")) });
    const done = runner!.run();
    await new Promise((r) => setTimeout(r, 20));
    expect(runner!.record.stages[0].status).toBe("RUNNING");
    // A wrong input is rejected and recorded; the stage keeps waiting.
    services.store.appendCommand(runner!.id, {
      id: "c1",
      ts: 0,
      type: "judge",
      refId: "judge",
      input: "maybe",
      user: "ann",
    });
    services.store.appendCommand(runner!.id, {
      id: "c2",
      ts: 0,
      type: "judge",
      refId: "judge",
      input: "rollback",
      user: "bob",
    });
    const r = await done;
    expect(r.stages[0].context).toMatchObject({
      judgmentStatus: "continue",
      judgmentInput: "rollback",
      lastModifiedBy: "bob",
    });
    expect(r.appliedCommands).toEqual(["c1", "c2"]);
    const rejected = services.store.read(r.id).find((e) => e.kind === "command.rejected");
    expect(rejected).toMatchObject({
      commandId: "c1",
      reason: expect.stringContaining("'maybe' is not an input"),
    });
    expect(r.status).toBe("SUCCEEDED");
  });

  it("times out after its timeout (3 days by default) and onFailure applies", async () => {
    const r = await runPipeline(`
name: p
stages:
  - { id: judge, type: manualJudgment, timeout: 2h, onFailure: haltBranch }
  - { id: j2, type: manualJudgment }
`);
    expect(statuses(r)).toEqual({ judge: "STOPPED", j2: "TERMINAL" });
    expect(r.stages[0].endTime! - r.stages[0].startTime!).toBe(2 * 3600_000);
    expect(r.stages[0].context.exception).toMatchObject({ exceptionType: "TimeoutException" });
    expect(r.stages[1].endTime! - r.stages[1].startTime!).toBe(3 * 24 * 3600_000);
    expect(r.status).toBe("TERMINAL");
  });
});

describe("timeouts", () => {
  it("a stage exceeding its timeout fails with TimeoutException and onFailure applies", async () => {
    const r = await runPipeline(`
name: p
stages:
  - { id: slow, type: wait, duration: 10m, timeout: 1m, onFailure: ignore }
  - { id: next, type: wait, duration: 1s, dependsOn: [slow] }
`);
    expect(statuses(r)).toEqual({ slow: "FAILED_CONTINUE", next: "SUCCEEDED" });
    expect(r.stages[0].error).toMatch(/timed out/);
    expect(r.stages[0].endTime! - r.stages[0].startTime!).toBe(60_000);
  });

  it("time waiting for the window does not count", async () => {
    // Fake clock starts Tue 2024-01-02 12:00 UTC; the window opens at 14:00.
    const r = await runPipeline(`
name: p
stages:
  - id: w
    type: wait
    duration: 30m
    timeout: 1h
    window: { ranges: [{ start: "14:00", end: "15:00" }] }
`);
    expect(statuses(r)).toEqual({ w: "SUCCEEDED" });
    expect(r.stages[0].windowMs).toBe(2 * 3600_000);
    expect(new Date(r.stages[0].endTime!).toISOString()).toBe("2024-01-02T14:30:00.000Z");
  });
});

describe("failOnFailedExpressions", () => {
  const yaml = (fail: boolean) => `
name: p
stages:
  - id: v
    type: evaluateVariables
    onFailure: ignore
    failOnFailedExpressions: ${fail}
    variables: [{ key: x, value: "\${ nope }" }]
`;
  it("true: any failed expression makes the stage TERMINAL whatever onFailure says", async () => {
    const r = await runPipeline(yaml(true));
    expect(statuses(r)).toEqual({ v: "TERMINAL" });
    expect(r.status).toBe("TERMINAL");
    expect(r.stages[0].expressionEvaluationSummary?.nope?.[0].level).toBe("ERROR");
  });
  it("false: the text stays, the summary records it, the stage succeeds", async () => {
    const r = await runPipeline(yaml(false));
    expect(statuses(r)).toEqual({ v: "SUCCEEDED" });
    expect(r.stages[0].outputs).toEqual({ x: "${ nope }" });
    expect(r.stages[0].context.exception).toMatchObject({
      details: { error: "Failed Expression Evaluation" },
    });
  });
});

describe("ancestor output fallback and config evaluated at start", () => {
  it("${ key } resolves from the nearest ancestor's outputs", async () => {
    const expressions = new TableEvaluator({ color: (s) => s.root.color });
    const r = await runPipeline(
      `
name: p
stages:
  - { id: far, type: evaluateVariables, variables: [{ key: color, value: red }] }
  - { id: near, type: evaluateVariables, dependsOn: [far], variables: [{ key: color, value: blue }] }
  - { id: use, type: evaluateVariables, dependsOn: [near], variables: [{ key: seen, value: "\${ color }" }] }
`,
      { expressions },
    );
    expect(r.stages[2].outputs).toEqual({ seen: "blue" });
  });
});
