import { describe, expect, it } from "vitest";
import { renderRecord } from "../commands/status.js";
import { LiveView, lineProgress } from "./progress.js";

const record = {
  id: "x1",
  pipeline: "demo",
  status: "RUNNING",
  trigger: {},
  parameters: {},
  buildTime: 0,
  startTime: 0,
  canceled: false,
  notifications: [],
  appliedCommands: [],
  stages: [
    {
      refId: "build",
      id: "x1-build",
      name: "build",
      type: "run",
      dependsOn: [],
      status: "SUCCEEDED",
      context: {},
      outputs: {},
      startTime: 0,
      endTime: 5000,
    },
    {
      refId: "deploy",
      id: "x1-deploy",
      name: "deploy",
      type: "run",
      dependsOn: ["build"],
      status: "RUNNING",
      phase: "window",
      waitingFor: "execution window (opens 1970-01-01T02:01:05.000Z)",
      context: {},
      outputs: {},
      startTime: 5000,
    },
    {
      refId: "judge",
      id: "x1-judge",
      name: "judge",
      type: "manualJudgment",
      dependsOn: [],
      status: "RUNNING",
      phase: "task",
      waitingFor: "judgment (go | stop)",
      context: {},
      outputs: {},
      startTime: 0,
    },
    {
      refId: "tail",
      id: "x1-tail",
      name: "tail",
      type: "run",
      dependsOn: [],
      status: "RUNNING",
      phase: "task",
      context: {},
      outputs: {},
      startTime: 1000,
    },
  ],
} as const;

describe("progress views", () => {
  it("the live view lists stages with status, elapsed time, what they wait for, and log tails", () => {
    const view = new LiveView(
      () => undefined,
      () => 65_000,
      200,
    );
    view.onEvent(
      { kind: "execution.completed", status: "RUNNING", id: "", ts: 0 },
      structuredClone(record) as never,
    );
    view.onLog("tail", "line 1\nline 2\n");
    expect(view.frame()).toEqual([
      "demo  x1  RUNNING  1:05  1/4 done",
      "  ✔ build   run               SUCCEEDED          0:05",
      "  ◷ deploy  run               SUSPENDED          1:00  waiting for execution window (opens in 2h)",
      "  ▶ judge   manualJudgment    RUNNING            1:05  waiting for judgment (go | stop)",
      "  ▶ tail    run               RUNNING            1:04",
      "      | line 1",
      "      | line 2",
    ]);
  });

  it("the live view shows an ended canary analysis' scores and result", () => {
    const view = new LiveView(
      () => undefined,
      () => 65_000,
      200,
    );
    const canary = {
      ...record.stages[0],
      refId: "canary",
      type: "canaryAnalysis",
      outputs: { canaryScores: [100, 92.5], overallResult: "Pass" },
    };
    view.onEvent(
      { kind: "execution.completed", status: "RUNNING", id: "", ts: 0 },
      structuredClone({ ...record, stages: [canary] }) as never,
    );
    expect(view.frame()[1]).toBe(
      "  ✔ canary  canaryAnalysis    SUCCEEDED          0:05  scores 100, 92.5 (Pass)",
    );
  });

  it("line progress prints one line per change and prefixes run output", () => {
    const lines: string[] = [];
    const p = lineProgress(
      (t) => lines.push(t),
      () => Date.UTC(2024, 0, 2, 12, 0, 0),
    );
    const r = structuredClone(record) as never;
    p.onEvent?.({ kind: "stage.updated", refId: "judge", waitingFor: "judgment", id: "", ts: 0 }, r);
    p.onEvent?.({ kind: "stage.updated", refId: "judge", waitingFor: "judgment", id: "", ts: 0 }, r);
    p.onLog?.("tail", "par");
    p.onLog?.("tail", "tial\nnext");
    expect(lines).toEqual(["[12:00:00] judge: waiting for judgment\n", "  tail | partial\n"]);
  });
});

/** The demo's rolling blue/green after `continue`: the rollback gate was not taken. */
const stage = (refId: string, type: string, status: string, extra: Record<string, unknown> = {}) => ({
  refId,
  id: `x2-${refId}`,
  name: refId,
  type,
  dependsOn: [] as string[],
  status,
  context: {},
  outputs: {},
  ...extra,
});
const continued = {
  ...record,
  id: "x2",
  pipeline: "rolling-blue-green",
  status: "SUCCEEDED",
  endTime: 30_000,
  stages: [
    stage("blue1", "resizeServerGroup", "SUCCEEDED", { startTime: 0, endTime: 3000 }),
    stage("judge", "manualJudgment", "SUCCEEDED", {
      dependsOn: ["blue1"],
      startTime: 3000,
      endTime: 10_000,
      context: { judgmentStatus: "continue", judgmentInput: "continue" },
    }),
    stage("rollback", "checkPreconditions", "STOPPED", {
      dependsOn: ["judge"],
      startTime: 10_000,
      endTime: 10_000,
      error: "precondition failed: expression ${ #judgment('judge') == 'rollback' } is false, not true",
      context: {
        preconditions: [
          { type: "expression", expression: "${ #judgment('judge') == 'rollback' }", failPipeline: false },
        ],
        preconditionResults: [
          {
            type: "expression",
            passed: false,
            failPipeline: false,
            message: "expression ${ #judgment('judge') == 'rollback' } is false, not true",
            expressionResult: false,
          },
        ],
      },
    }),
    stage("rblue1", "resizeServerGroup", "NOT_STARTED", { dependsOn: ["rollback"] }),
    stage("rgreen", "destroyServerGroup", "NOT_STARTED", { dependsOn: ["rblue1"] }),
    stage("green2", "resizeServerGroup", "SUCCEEDED", {
      dependsOn: ["judge"],
      startTime: 10_000,
      endTime: 30_000,
    }),
  ],
};

describe("a branch gate that was not taken (issue 17 item 8)", () => {
  it("the live view and `capstan status` show it as not taken, with the judgment's answer", () => {
    const view = new LiveView(
      () => undefined,
      () => 30_000,
      200,
    );
    view.onEvent({ kind: "execution.completed", status: "SUCCEEDED", id: "", ts: 0 }, continued as never);
    const rows = view.frame();
    const gate = rows.find((l) => l.includes(" rollback "))!;
    expect(gate).toContain("NOT TAKEN");
    expect(gate).toContain("judgment was continue");
    expect(gate).not.toContain("STOPPED");
    expect(gate).not.toContain("precondition failed");
    // The stages below it say why they did not run.
    expect(rows.find((l) => l.includes(" rblue1 "))).toContain("not run (rollback not taken)");
    expect(rows.find((l) => l.includes(" rgreen "))).toContain("not run (rollback not taken)");
    expect(renderRecord(continued as never, 30_000)).toContain("judgment was continue");
  });

  it("line progress says 'not taken' instead of STOPPED and the precondition's failure", () => {
    const lines: string[] = [];
    const p = lineProgress(
      (t) => lines.push(t),
      () => Date.UTC(2024, 0, 2, 12, 0, 0),
    );
    p.onEvent?.(
      { kind: "stage.completed", refId: "rollback", status: "STOPPED", id: "", ts: 0 } as never,
      continued as never,
    );
    expect(lines).toEqual(["[12:00:00] rollback: not taken (judgment was continue)\n"]);
  });

  it("a precondition that could not be evaluated is still a failure", () => {
    const broken = structuredClone(continued);
    const gate = broken.stages[2] as { context: { preconditionResults: Record<string, unknown>[] } };
    delete gate.context.preconditionResults[0].expressionResult;
    gate.context.preconditionResults[0].message = "expression failed: no judgment named 'judeg'";
    const view = new LiveView(
      () => undefined,
      () => 30_000,
      200,
    );
    view.onEvent({ kind: "execution.completed", status: "SUCCEEDED", id: "", ts: 0 }, broken as never);
    expect(view.frame().find((l) => l.includes(" rollback "))).toContain("STOPPED");
  });
});

describe("the live view's smaller things (issue 17 item 11)", () => {
  const frameOf = (r: unknown, now: number) => {
    const view = new LiveView(
      () => undefined,
      () => now,
      200,
    );
    view.onEvent({ kind: "execution.completed", status: "RUNNING", id: "", ts: 0 }, r as never);
    return view.frame();
  };

  it("a wait shows the time left, not an ISO timestamp", () => {
    const waiting = {
      ...record,
      stages: [
        stage("pause", "wait", "RUNNING", {
          phase: "task",
          startTime: 0,
          waitingFor: `wait until ${new Date(Date.UTC(2024, 0, 2, 12, 5, 0)).toISOString()}`,
        }),
        stage("deploy", "run", "RUNNING", {
          phase: "window",
          startTime: 0,
          waitingFor: `execution window (opens ${new Date(Date.UTC(2024, 0, 2, 14, 0, 0)).toISOString()})`,
        }),
      ],
    };
    const rows = frameOf(waiting, Date.UTC(2024, 0, 2, 12, 0, 50));
    expect(rows[1]).toContain("waiting for wait, 4m 10s left");
    expect(rows[2]).toContain("waiting for execution window (opens in 1h 59m)");
    for (const row of rows) expect(row).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it("NOT_STARTED stages say what they wait for", () => {
    const r = {
      ...record,
      stages: [
        stage("build", "run", "RUNNING", { phase: "task", startTime: 0 }),
        stage("test", "run", "SUCCEEDED", { startTime: 0, endTime: 1000 }),
        stage("deploy", "run", "NOT_STARTED", { dependsOn: ["build", "test"] }),
      ],
    };
    expect(frameOf(r, 5000)[3]).toMatch(/NOT_STARTED\s+waits for build$/);
  });

  it("the header counts the stages done (those that cannot run any more are left out)", () => {
    expect(frameOf(record, 65_000)[0]).toBe("demo  x1  RUNNING  1:05  1/4 done");
    // 4 ended; rblue1 and rgreen will not run.
    expect(frameOf({ ...continued, status: "SUCCEEDED" }, 30_000)[0]).toBe(
      "rolling-blue-green  x2  SUCCEEDED  0:30  4/4 done, 2 not run",
    );
  });

  it("columns stay put when a type name is 18 characters or longer", () => {
    const r = {
      ...record,
      stages: [
        stage("a", "checkPreconditions", "SUCCEEDED", { startTime: 0, endTime: 1000 }),
        stage("b", "findArtifactsFromResource", "SUCCEEDED", { startTime: 0, endTime: 1000 }),
        stage("c", "run", "SUCCEEDED", { startTime: 0, endTime: 1000 }),
      ],
    };
    const rows = frameOf(r, 5000).slice(1);
    const at = rows.map((l) => l.indexOf("SUCCEEDED"));
    expect(new Set(at).size).toBe(1);
  });
});
