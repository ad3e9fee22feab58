import { describe, expect, it } from "vitest";
import { loadYaml } from "../loader/yaml-loader.js";
import { buildPipeline } from "../model/build-pipeline.js";
import { allJobIds, jobAncestors, jobNeeds, planSegments } from "./plan.js";

const pipeline = (yaml: string) => buildPipeline(loadYaml(yaml)).pipeline;

const BLUE_GREEN = `
name: bg
stages:
  - { id: green1, type: wait, duration: 1s }
  - { id: blue1, type: wait, duration: 1s, dependsOn: [green1] }
  - { id: judge, type: manualJudgment, inputs: [continue, rollback], dependsOn: [blue1], environment: prod }
  - { id: rollback, type: wait, duration: 1s, dependsOn: [judge] }
  - { id: continue, type: wait, duration: 1s, dependsOn: [judge] }
`;

describe("planSegments", () => {
  it("splits stages at a judgment: the judgment stays in the segment that reaches it", () => {
    const plan = planSegments(pipeline(BLUE_GREEN));
    expect(plan.segments.map((s) => [s.id, s.stages])).toEqual([
      ["run", ["green1", "blue1", "judge"]],
      ["after-judge", ["rollback", "continue"]],
    ]);
    expect(plan.gates).toEqual([{ id: "gate-judge", stage: "judge", environment: "prod", segment: "run" }]);
    expect(jobNeeds(plan, "run")).toEqual(["preflight"]);
    expect(jobNeeds(plan, "gate-judge")).toEqual(["run"]);
    expect(jobNeeds(plan, "after-judge")).toEqual(["run", "gate-judge"]);
    expect(allJobIds(plan)).toEqual(["preflight", "run", "gate-judge", "after-judge", "finalize"]);
    expect(jobAncestors(plan, "after-judge")).toEqual(["preflight", "run", "gate-judge"]);
  });

  it("gives a join below two parallel judgments its own segment after both", () => {
    const plan = planSegments(
      pipeline(`
name: p
stages:
  - { id: a, type: manualJudgment, inputs: [go] }
  - { id: b, type: manualJudgment, inputs: [go] }
  - { id: x, type: wait, duration: 1s, dependsOn: [a] }
  - { id: y, type: wait, duration: 1s, dependsOn: [b] }
  - { id: z, type: wait, duration: 1s, dependsOn: [x, y] }
`),
    );
    expect(plan.segments.map((s) => [s.id, s.stages, s.after])).toEqual([
      ["run", ["a", "b"], []],
      ["after-a", ["x"], ["run"]],
      ["after-b", ["y"], ["run"]],
      ["after-a-b", ["z"], ["after-a", "after-b"]],
    ]);
    expect(jobNeeds(plan, "after-a-b")).toEqual(["after-a", "after-b", "run", "gate-a", "gate-b"]);
    // The join job reads the journals of every job above it, not of unrelated ones.
    expect(jobAncestors(plan, "after-a")).toEqual(["preflight", "run", "gate-a"]);
  });

  it("has no preflight or gates without judgments", () => {
    const plan = planSegments(pipeline("name: p\nstages:\n  - { id: a, type: wait, duration: 1s }\n"));
    expect(plan.preflight).toBeUndefined();
    expect(allJobIds(plan)).toEqual(["run", "finalize"]);
    expect(jobNeeds(plan, "finalize")).toEqual(["run"]);
  });

  it("makes job ids from stage ids GitHub accepts", () => {
    const plan = planSegments(
      pipeline(
        "name: p\nstages:\n  - { id: j.1, type: manualJudgment, inputs: [go] }\n  - { id: n, type: wait, dependsOn: [j.1] }\n",
      ),
    );
    expect(plan.gates[0].id).toBe("gate-j_1");
    expect(plan.segments[1].id).toBe("after-j_1");
  });
});
