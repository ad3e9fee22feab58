import {
  buildPipeline,
  type Command,
  defaultStageRegistry,
  foldJournal,
  loadYaml,
  mergeJournals,
  SpelEvaluator,
} from "@capstan/core";
import { describe, expect, it } from "vitest";
import { runSegment } from "./segment-runner.js";

const pipeline = buildPipeline(
  loadYaml(`name: seg
stages:
  - { id: a, type: wait, duration: 10ms }
  - { id: j, type: manualJudgment, inputs: [continue, rollback], dependsOn: [a] }
  - { id: skipme, type: manualJudgment, inputs: [go], dependsOn: [a], if: "\${ false }" }
  - { id: b, type: wait, duration: 10ms, dependsOn: [j] }
  - { id: c, type: wait, duration: 10ms, dependsOn: [skipme] }
`),
).pipeline;

const services = () => ({
  registry: defaultStageRegistry(),
  expressions: new SpelEvaluator(),
  random: Math.random,
  user: "tester",
});

describe("runSegment", () => {
  it("runs only owned stages, stops at a reached judgment, and a later job continues from the journal", async () => {
    const first = await runSegment({
      services: services(),
      writerId: "run-a1",
      owned: new Set(["a", "j", "skipme"]),
      start: { pipeline, executionId: "gh-1" },
    });
    if ("errors" in first) throw new Error(first.errors.join());
    expect(first.completed).toBe(false);
    expect(first.reached).toEqual(["j"]);
    const statuses = Object.fromEntries(first.record.stages.map((s) => [s.refId, s.status]));
    // c is below a skipped judgment, so it could start, but another job owns it.
    expect(statuses).toMatchObject({
      a: "SUCCEEDED",
      j: "RUNNING",
      skipme: "SKIPPED",
      c: "RUNNING",
      b: "NOT_STARTED",
    });
    // Its journal keeps nothing about c: the owner will start c from its own copy.
    expect(first.events.some((e) => (e as { refId?: string }).refId === "c")).toBe(false);
    expect(foldJournal(first.events).stages.find((s) => s.refId === "c")?.status).toBe("NOT_STARTED");

    const judge: Command = {
      id: "cmd-gate",
      ts: Date.now(),
      user: "alice",
      type: "judge",
      refId: "j",
      input: "rollback",
    };
    const second = await runSegment({
      services: services(),
      writerId: "after-a1",
      owned: new Set(["j", "b", "c"]),
      journal: first.events,
      commands: [judge],
    });
    if ("errors" in second) throw new Error(second.errors.join());
    expect(second.completed).toBe(true);
    const record = foldJournal(mergeJournals(first.events, second.events));
    expect(record.status).toBe("SUCCEEDED");
    expect(record.stages.find((s) => s.refId === "j")?.context).toMatchObject({
      judgmentStatus: "continue",
      judgmentInput: "rollback",
      lastModifiedBy: "alice",
    });
    expect(record.stages.map((s) => s.status)).toEqual([
      "SUCCEEDED",
      "SUCCEEDED",
      "SKIPPED",
      "SUCCEEDED",
      "SUCCEEDED",
    ]);
  });

  it("lets the caller end a blocked execution with a command", async () => {
    const result = await runSegment({
      services: services(),
      writerId: "fin-a1",
      owned: new Set(["a", "j", "skipme", "b", "c"]),
      start: { pipeline, executionId: "gh-2" },
      onBlocked: () => ({ type: "judge", refId: "j", input: "stop", user: "bob" }),
    });
    if ("errors" in result) throw new Error(result.errors.join());
    expect(result.completed).toBe(true);
    expect(result.record.status).toBe("TERMINAL");
    expect(result.record.stages.find((s) => s.refId === "j")?.status).toBe("TERMINAL");
  });
});
