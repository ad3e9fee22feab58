import { describe, expect, it } from "vitest";
import { runPipeline, statuses, TableEvaluator } from "./testdata/kit.js";

const expressions = new TableEvaluator({ false: () => false, true: () => true });

/** A stage that fails (a precondition that is false), with the given onFailure. */
const failing = (id: string, onFailure: string, deps: string[] = []) => `
  - id: ${id}
    type: checkPreconditions
    dependsOn: [${deps.join(", ")}]
    onFailure: ${onFailure}
    preconditions: [{ type: expression, expression: "\${ false }" }]`;

const wait = (id: string, duration: string, deps: string[] = []) => `
  - id: ${id}
    type: wait
    duration: ${duration}
    dependsOn: [${deps.join(", ")}]`;

/** Branch a (failing, then a2) in parallel with a long branch b (b1 then b2). */
const branchPipeline = (onFailure: string) => `
name: p
stages:${failing("a", onFailure)}${wait("a2", "1s", ["a"])}${wait("b1", "10m")}${wait("b2", "1s", ["b1"])}`;

describe("failure algebra in a branch", () => {
  it("haltPipeline: stage TERMINAL, pipeline TERMINAL, running branch CANCELED, rest NOT_STARTED", async () => {
    const r = await runPipeline(branchPipeline("haltPipeline"), { expressions });
    expect(r.status).toBe("TERMINAL");
    expect(statuses(r)).toEqual({ a: "TERMINAL", a2: "NOT_STARTED", b1: "CANCELED", b2: "NOT_STARTED" });
  });

  it("haltBranch: stage STOPPED, its branch ends, the other completes, pipeline SUCCEEDED", async () => {
    const r = await runPipeline(branchPipeline("haltBranch"), { expressions });
    expect(statuses(r)).toEqual({ a: "STOPPED", a2: "NOT_STARTED", b1: "SUCCEEDED", b2: "SUCCEEDED" });
    expect(r.status).toBe("SUCCEEDED");
  });

  it("haltBranchThenFailPipeline: STOPPED, other branch completes, then pipeline TERMINAL", async () => {
    const r = await runPipeline(branchPipeline("haltBranchThenFailPipeline"), { expressions });
    expect(statuses(r)).toEqual({ a: "STOPPED", a2: "NOT_STARTED", b1: "SUCCEEDED", b2: "SUCCEEDED" });
    expect(r.status).toBe("TERMINAL");
    // The pipeline waited for the other branch: it ended when b2 ended.
    expect(r.endTime).toBe(r.stages.find((s) => s.refId === "b2")?.endTime);
  });

  it("ignore: FAILED_CONTINUE, downstream runs, pipeline SUCCEEDED", async () => {
    const r = await runPipeline(branchPipeline("ignore"), { expressions });
    expect(statuses(r)).toEqual({ a: "FAILED_CONTINUE", a2: "SUCCEEDED", b1: "SUCCEEDED", b2: "SUCCEEDED" });
    expect(r.status).toBe("SUCCEEDED");
  });
});

describe("failure algebra in the main line", () => {
  const line = (onFailure: string) => `
name: p
stages:${wait("first", "1s")}${failing("mid", onFailure, ["first"])}${wait("last", "1s", ["mid"])}`;

  it.each([
    ["haltPipeline", "TERMINAL", "NOT_STARTED", "TERMINAL"],
    ["haltBranch", "STOPPED", "NOT_STARTED", "SUCCEEDED"],
    ["haltBranchThenFailPipeline", "STOPPED", "NOT_STARTED", "TERMINAL"],
    ["ignore", "FAILED_CONTINUE", "SUCCEEDED", "SUCCEEDED"],
  ])("%s => mid %s, last %s, pipeline %s", async (onFailure, mid, last, pipeline) => {
    const r = await runPipeline(line(onFailure), { expressions });
    expect(statuses(r)).toEqual({ first: "SUCCEEDED", mid, last });
    expect(r.status).toBe(pipeline);
  });
});

describe("joins and the start rule", () => {
  it("a SKIPPED parent does not block a join", async () => {
    const r = await runPipeline(
      `
name: p
stages:
  - { id: a, type: wait, duration: 1s }
  - { id: b, type: wait, duration: 1s, if: "\${ false }" }
  - { id: join, type: wait, duration: 1s, dependsOn: [a, b] }
`,
      { expressions },
    );
    expect(statuses(r)).toEqual({ a: "SUCCEEDED", b: "SKIPPED", join: "SUCCEEDED" });
    expect(r.status).toBe("SUCCEEDED");
  });

  it("a join waits for every parent, and never starts below a STOPPED parent", async () => {
    const r = await runPipeline(
      `
name: p
stages:${wait("a", "5m")}${failing("b", "haltBranch")}${wait("join", "1s", ["a", "b"])}
`,
      { expressions },
    );
    expect(statuses(r)).toEqual({ a: "SUCCEEDED", b: "STOPPED", join: "NOT_STARTED" });
    expect(r.status).toBe("SUCCEEDED");
  });

  it("a join starts after the slowest parent", async () => {
    const r = await runPipeline(
      `
name: p
stages:${wait("a", "5m")}${wait("b", "1m")}${wait("join", "1s", ["a", "b"])}
`,
      { expressions },
    );
    const [a, , join] = r.stages;
    expect(join.startTime).toBe(a.endTime);
    expect(join.startTime! - r.startTime!).toBe(5 * 60_000);
  });
});

describe("if (stageEnabled)", () => {
  const withIf = (expr: string) => `
name: p
stages:
  - { id: s, type: wait, duration: 1s, if: "${expr}" }
  - { id: after, type: wait, duration: 1s, dependsOn: [s] }
`;
  const evaluator = new TableEvaluator({
    true: () => true,
    false: () => false,
    "'yes'": () => "yes",
    "boom()": () => {
      throw new Error("boom is not a function");
    },
  });

  it("true runs the stage", async () => {
    const r = await runPipeline(withIf("${ true }"), { expressions: evaluator });
    expect(statuses(r)).toEqual({ s: "SUCCEEDED", after: "SUCCEEDED" });
  });

  it.each([
    ["${ false }", "'if' evaluated to false"],
    ["${ 'yes' }", `'if' did not yield a boolean (got "yes"), so the stage is skipped`],
    ["${ boom() }", "'if' could not be evaluated (boom is not a function), so the stage is skipped"],
  ])("%s => SKIPPED with the reason, children still run", async (expr, reason) => {
    const r = await runPipeline(withIf(expr), { expressions: evaluator });
    expect(statuses(r)).toEqual({ s: "SKIPPED", after: "SUCCEEDED" });
    expect(r.stages[0].error).toBe(reason);
    expect(r.status).toBe("SUCCEEDED");
  });
});

describe("user cancel", () => {
  it("cancels running stages; the execution ends CANCELED with who and why", async () => {
    const { harness, pipelineFrom } = await import("./testdata/kit.js");
    const { startExecution } = await import("./engine.js");
    let runner: import("./runner.js").ExecutionRunner | undefined;
    const { services } = harness({
      observer: {
        onEvent: (e) => {
          if (e.kind === "stage.started" && e.refId === "long") {
            runner?.command({ type: "cancel", user: "ops", reason: "wrong build" });
          }
        },
      },
    });
    runner = startExecution(services, {
      pipeline: pipelineFrom(`
name: p
stages:
  - { id: long, type: wait, duration: 1h }
  - { id: next, type: wait, duration: 1s, dependsOn: [long] }
`),
    }).runner;
    const r = await runner!.run();
    expect(statuses(r)).toEqual({ long: "CANCELED", next: "NOT_STARTED" });
    expect(r).toMatchObject({
      status: "CANCELED",
      canceled: true,
      canceledBy: "ops",
      cancellationReason: "wrong build",
    });
    expect(r.endTime).toBe(r.startTime);
  });
});
