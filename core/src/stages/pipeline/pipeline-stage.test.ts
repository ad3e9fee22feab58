import { describe, expect, it } from "vitest";
import { pipelinesTriggeredBy } from "../../engine/pipeline-triggers.js";
import type { PipelineResolver } from "../../engine/services.js";
import { SpelEvaluator } from "../../engine/spel-evaluator.js";
import { MemoryStateStore } from "../../engine/state-store.js";
import { pipelineFrom, runPipeline, statuses } from "../../engine/testdata/kit.js";
import type { Pipeline } from "../../model/types.js";

function resolver(...yamls: string[]): PipelineResolver & { all: Pipeline[] } {
  const all = yamls.map(pipelineFrom);
  return {
    all,
    resolve: (name) => {
      const p = all.find((x) => x.name === name);
      return p ? { pipeline: p } : { error: `no pipeline named '${name}'` };
    },
  };
}

const child = `
name: child
parameters:
  - { name: size, default: "1" }
  - { name: mode, default: normal, options: [normal, fail] }
stages:
  - { id: work, type: wait, duration: 1m }
  - id: vars
    type: evaluateVariables
    dependsOn: [work]
    variables: [{ key: built, value: "size-\${ parameters.size }" }]
  - id: gate
    type: checkPreconditions
    dependsOn: [vars]
    preconditions: [{ type: expression, expression: "\${ parameters.mode == 'normal' }" }]
`;

const expressions = new SpelEvaluator();

describe("pipeline stage", () => {
  it("runs the child with parameters and merges its outputs; downstream reads them", async () => {
    const store = new MemoryStateStore();
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: run-child, type: pipeline, pipeline: child, parameters: { size: "\${ 1 + 2 }" } }
  - { id: after, type: evaluateVariables, dependsOn: [run-child], variables: [{ key: seen, value: "\${ built }" }] }
`,
      { pipelines: resolver(child), expressions, store },
    );
    expect(statuses(r)).toEqual({ "run-child": "SUCCEEDED", after: "SUCCEEDED" });
    expect(r.stages[0].outputs).toEqual({ built: "size-3" });
    expect(r.stages[1].outputs).toEqual({ seen: "size-3" });
    expect(r.stages[0].context).toMatchObject({ executionId: "e1.run-child", executionName: "child" });
    const childRecord = store.read("e1.run-child");
    expect(childRecord[0]).toMatchObject({
      kind: "execution.started",
      trigger: { type: "pipeline", parentExecution: "e1", parentPipelineStageId: "run-child" },
      parameters: { size: 3, mode: "normal" },
    });
    expect(r.stages[0].endTime! - r.stages[0].startTime!).toBe(60_000);
  });

  it("a failing child fails the stage, then onFailure applies", async () => {
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: c, type: pipeline, pipeline: child, parameters: { mode: fail }, onFailure: ignore }
  - { id: after, type: wait, duration: 1s, dependsOn: [c] }
`,
      { pipelines: resolver(child), expressions },
    );
    expect(statuses(r)).toEqual({ c: "FAILED_CONTINUE", after: "SUCCEEDED" });
    expect(r.stages[0].error).toMatch(
      /child pipeline 'child' \(e1.c\) ended TERMINAL: stage 'gate' TERMINAL/,
    );
  });

  it("bad child parameters or an unknown pipeline fail at start", async () => {
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: a, type: pipeline, pipeline: child, parameters: { mode: other }, onFailure: haltBranch }
  - { id: b, type: pipeline, pipeline: nope, onFailure: haltBranch }
`,
      { pipelines: resolver(child), expressions },
    );
    expect(statuses(r)).toEqual({ a: "STOPPED", b: "STOPPED" });
    expect(r.stages[0].error).toMatch(/parameter 'mode' is 'other', which is not one of: normal, fail/);
    expect(r.stages[1].error).toBe("no pipeline named 'nope'");
  });

  it("skipDownstreamOutput keeps the child's outputs out", async () => {
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: c, type: pipeline, pipeline: child, skipDownstreamOutput: true }
`,
      { pipelines: resolver(child), expressions },
    );
    expect(statuses(r)).toEqual({ c: "SUCCEEDED" });
    expect(r.stages[0].outputs).toEqual({});
  });

  it("waitForCompletion false succeeds once the child started", async () => {
    const store = new MemoryStateStore();
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: c, type: pipeline, pipeline: child, waitForCompletion: false }
`,
      { pipelines: resolver(child), expressions, store },
    );
    expect(statuses(r)).toEqual({ c: "SUCCEEDED" });
    expect(r.stages[0].endTime).toBe(r.stages[0].startTime);
  });

  it("canceling the parent stage cancels the child", async () => {
    const store = new MemoryStateStore();
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: c, type: pipeline, pipeline: child }
  - { id: fail, type: checkPreconditions, dependsOn: [w], preconditions: [{ type: expression, expression: "\${ false }" }] }
  - { id: w, type: wait, duration: 10s }
`,
      { pipelines: resolver(child), expressions, store },
    );
    expect(statuses(r)).toEqual({ c: "CANCELED", fail: "TERMINAL", w: "SUCCEEDED" });
    const events = store.read("e1.c");
    expect(events.at(-1)).toMatchObject({ kind: "execution.completed", status: "CANCELED" });
  });

  it("#pipelineId('name') names the pipeline to run, as in a Spinnaker pipeline stage", async () => {
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: c, type: pipeline, pipeline: "\${ #pipelineId('child') }" }
`,
      { pipelines: resolver(child), expressions },
    );
    expect(statuses(r)).toEqual({ c: "SUCCEEDED" });
    expect(r.stages[0].context).toMatchObject({ executionName: "child" });
  });

  it("#pipelineId of a pipeline that does not exist fails the stage naming it", async () => {
    const r = await runPipeline(
      `
name: parent
stages:
  - { id: c, type: pipeline, pipeline: "\${ #pipelineId('nope') }" }
`,
      { pipelines: resolver(child), expressions },
    );
    expect(statuses(r)).toEqual({ c: "TERMINAL" });
    expect(r.stages[0].error).toMatch(/nope/);
  });
});

describe("safe deployment: a failed parent triggers the rollback child", () => {
  const parent = `
name: Parent Pipeline
parameters:
  - { name: Pipeline Successful, default: "true", options: ["true", "false"] }
stages:
  - id: check
    type: checkPreconditions
    preconditions:
      - { type: expression, expression: "\${ parameters['Pipeline Successful'].equals('true') }" }
`;
  const rollback = `
name: Child Pipeline
triggers:
  - { type: pipeline, pipeline: Parent Pipeline, status: [failed] }
stages:
  - { id: wait, type: wait, duration: 30s }
`;
  it.each([
    ["true", "SUCCEEDED", []],
    ["false", "TERMINAL", ["Child Pipeline"]],
  ])("Pipeline Successful = %s => parent %s, triggers %j", async (value, status, triggered) => {
    const r = await runPipeline(parent, { expressions }, { parameters: { "Pipeline Successful": value } });
    expect(r.status).toBe(status);
    const next = pipelinesTriggeredBy(
      r,
      resolver(parent, rollback).all.map((pipeline) => ({ pipeline })),
    );
    expect(next.map((n) => n.pipeline.name)).toEqual(triggered);
    for (const n of next) {
      const c = await runPipeline(n.pipeline, { expressions }, { trigger: n.trigger });
      expect(c.status).toBe("SUCCEEDED");
      expect(c.trigger).toMatchObject({ type: "pipeline", parentExecution: "e1", parentStatus: "TERMINAL" });
    }
  });
});
