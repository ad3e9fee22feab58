import { describe, expect, it } from "vitest";
import { FakeClock } from "./clock.js";
import { startExecution } from "./engine.js";
import type { ExecutionRunner } from "./runner.js";
import { harness, pipelineFrom, runPipeline, seededRandom } from "./testdata/kit.js";
import { isInWindow, nextWindowOpening } from "./windows.js";

const at = (iso: string) => Date.parse(iso);
const win = (days: string[], ranges: { start: string; end: string }[], timezone = "UTC") => ({
  days: days as never[],
  ranges,
  timezone,
});

describe("window rule", () => {
  it("both ends are inclusive to the minute", () => {
    const w = win([], [{ start: "10:00", end: "13:00" }]);
    expect(isInWindow(w, at("2024-01-02T09:59:59Z"))).toBe(false);
    expect(isInWindow(w, at("2024-01-02T10:00:00Z"))).toBe(true);
    expect(isInWindow(w, at("2024-01-02T13:00:59Z"))).toBe(true);
    expect(isInWindow(w, at("2024-01-02T13:01:00Z"))).toBe(false);
  });
  it("a range with start > end wraps midnight", () => {
    const w = win([], [{ start: "22:00", end: "02:00" }]);
    expect(isInWindow(w, at("2024-01-02T23:30:00Z"))).toBe(true);
    expect(isInWindow(w, at("2024-01-03T01:59:00Z"))).toBe(true);
    expect(isInWindow(w, at("2024-01-03T12:00:00Z"))).toBe(false);
  });
  it("days without ranges mean the whole day; the day is the zone's day", () => {
    const w = win(["wed"], [], "America/Los_Angeles");
    // Wed 2024-01-03 03:00 UTC is still Tuesday in Los Angeles.
    expect(isInWindow(w, at("2024-01-03T03:00:00Z"))).toBe(false);
    expect(isInWindow(w, at("2024-01-03T09:00:00Z"))).toBe(true);
  });
  it("finds the next opening across days", () => {
    const w = win(["fri"], [{ start: "07:00", end: "10:00" }]);
    expect(new Date(nextWindowOpening(w, at("2024-01-02T12:00:00Z"))!).toISOString()).toBe(
      "2024-01-05T07:00:00.000Z",
    );
  });
});

describe("execution windows in a pipeline", () => {
  it("the stage waits RUNNING for the window across midnight, then runs", async () => {
    const clock = new FakeClock(at("2024-01-02T21:00:00Z"));
    const r = await runPipeline(
      `
name: p
stages:
  - id: s
    type: wait
    duration: 1m
    window: { days: [wed], ranges: [{ start: "23:00", end: "01:00" }] }
`,
      { clock },
    );
    // Tuesday 23:00 is not Wednesday; Wednesday 00:00 is (the wrapped half of the range).
    expect(new Date(r.stages[0].taskStartTime!).toISOString()).toBe("2024-01-03T00:00:00.000Z");
    expect(r.stages[0].status).toBe("SUCCEEDED");
  });

  it("an empty window fails the stage as Orca does", async () => {
    const r = await runPipeline(`
name: p
stages:
  - { id: s, type: wait, duration: 1m, window: { days: [], ranges: [] } }
`);
    expect(r.stages[0].status).toBe("TERMINAL");
    expect(r.stages[0].error).toMatch(/Couldn't calculate a suitable time/);
  });

  it("jitter adds a uniform whole-second wait after the window, skipped for manual runs when asked", async () => {
    const yaml = (skipManual: boolean) => `
name: p
stages:
  - id: s
    type: wait
    duration: 0s
    window: { ranges: [{ start: "00:00", end: "23:59" }], jitter: { min: 10s, max: 20s, skipManual: ${skipManual} } }
`;
    const r = await runPipeline(yaml(false), { random: seededRandom(7) });
    const waited = r.stages[0].context.jitterWaitMs as number;
    expect(waited % 1000).toBe(0);
    expect(waited).toBeGreaterThanOrEqual(10_000);
    expect(waited).toBeLessThanOrEqual(20_000);
    expect(r.stages[0].taskStartTime! - r.stages[0].startTime!).toBe(waited);
    const manual = await runPipeline(yaml(true), {}, { trigger: { type: "manual" } });
    expect(manual.stages[0].taskStartTime).toBe(manual.stages[0].startTime);
  });

  it("skip-window releases a waiting stage", async () => {
    let runner: ExecutionRunner | undefined;
    // Skips as soon as the stage reports it waits for its window (before the virtual clock moves).
    const { services } = harness({
      observer: {
        onEvent: (e) => {
          if (e.kind === "stage.updated" && e.waitingFor?.startsWith("execution window")) {
            runner?.command({ type: "skip-window", refId: "s", user: "ops" });
          }
        },
      },
    });
    const pipeline = pipelineFrom(`
name: p
stages:
  - { id: s, type: wait, duration: 1m, window: { days: [sun], ranges: [] } }
`);
    runner = startExecution(services, { pipeline }).runner;
    const done = runner!.run();
    const r = await done;
    expect(r.stages[0].status).toBe("SUCCEEDED");
    expect(r.stages[0].context.skipWindow).toBe(true);
    // Released on Tuesday at once, not on Sunday.
    expect(r.endTime! - r.startTime!).toBe(60_000);
  });
});

describe("window rule: short and reversed ranges (issue 16 item 5)", () => {
  it("finds the opening of a range shorter than 15 minutes", () => {
    const w = win([], [{ start: "10:07", end: "10:09" }]);
    expect(new Date(nextWindowOpening(w, at("2024-01-02T09:00:00Z"))!).toISOString()).toBe(
      "2024-01-02T10:07:00.000Z",
    );
    const oneMinute = win(["fri"], [{ start: "23:59", end: "23:59" }], "Europe/Berlin");
    expect(new Date(nextWindowOpening(oneMinute, at("2024-01-02T12:00:00Z"))!).toISOString()).toBe(
      "2024-01-05T22:59:00.000Z",
    );
  });
  it("a range whose end is before its start in the same hour never opens, as in Orca (it splits on hours)", () => {
    const w = win([], [{ start: "10:30", end: "10:15" }]);
    expect(isInWindow(w, at("2024-01-02T10:40:00Z"))).toBe(false);
    expect(isInWindow(w, at("2024-01-02T03:00:00Z"))).toBe(false);
    expect(nextWindowOpening(w, at("2024-01-02T09:00:00Z"))).toBeUndefined();
  });
});
