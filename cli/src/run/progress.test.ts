import { describe, expect, it } from "vitest";
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
      waitingFor: "execution window (opens 2024-01-02T14:00:00.000Z)",
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
      "demo  x1  RUNNING  1:05",
      "  ✔ build   run               SUCCEEDED          0:05",
      "  ◷ deploy  run               SUSPENDED          1:00  waiting for execution window (opens 2024-01-02T14:00:00.000Z)",
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
