import { describe, expect, it } from "vitest";
import { FakeClock } from "./clock.js";
import { resumeExecution, startExecution } from "./engine.js";
import type { ExecutionRecord } from "./record.js";
import { MemoryStateStore } from "./state-store.js";
import { harness, pipelineFrom, scriptedJudgments, TableEvaluator } from "./testdata/kit.js";

const pipeline = pipelineFrom(`
name: resumable
stages:
  - { id: vars, type: evaluateVariables, variables: [{ key: color, value: blue }] }
  - { id: judge, type: manualJudgment, dependsOn: [vars], inputs: [continue, rollback] }
  - { id: w1, type: wait, duration: 10m, dependsOn: [judge] }
  - id: w2
    type: wait
    duration: 1h
    dependsOn: [vars]
    window: { ranges: [{ start: "13:00", end: "14:00" }] }
  - id: check
    type: checkPreconditions
    dependsOn: [w1, w2]
    preconditions: [{ type: expression, expression: "\${ color == 'blue' }" }]
`);

const expressions = new TableEvaluator({ "color == 'blue'": (s) => s.root.color === "blue" });
const services = (store: MemoryStateStore, clock: FakeClock) =>
  harness({ store, clock, expressions, judgments: scriptedJudgments({ judge: "rollback" }) }).services;

/** The record without what legitimately differs between writers (command ids). */
const normal = (r: ExecutionRecord) => ({ ...r, appliedCommands: r.appliedCommands.length });

describe("resume", () => {
  it("from every prefix of the journal, resuming ends in the same record as an uninterrupted run", async () => {
    const store = new MemoryStateStore();
    const clock = new FakeClock();
    const full = await startExecution(services(store, clock), { pipeline, executionId: "r1" }).runner!.run();
    expect(full.status).toBe("SUCCEEDED");
    const journal = store.read("r1");
    for (let k = 1; k < journal.length; k++) {
      const partial = new MemoryStateStore();
      partial.append("r1", journal.slice(0, k));
      // The crash happened right after event k-1 was written.
      const resumedClock = new FakeClock(journal[k - 1].ts);
      const resumed = resumeExecution(services(partial, resumedClock), "r1");
      const record = await resumed.runner!.run();
      expect(normal(record), `resumed after event ${k} (${journal[k - 1].kind})`).toEqual(normal(full));
    }
  });

  it("a completed execution resumes to itself", async () => {
    const store = new MemoryStateStore();
    const clock = new FakeClock();
    const full = await startExecution(services(store, clock), { pipeline, executionId: "r2" }).runner!.run();
    const again = await resumeExecution(services(store, clock), "r2").runner!.run();
    expect(again).toEqual(full);
  });

  it("an unknown execution is an error", () => {
    expect(resumeExecution(services(new MemoryStateStore(), new FakeClock()), "nope")).toEqual({
      error: "no execution 'nope' in the state directory",
    });
  });
});
