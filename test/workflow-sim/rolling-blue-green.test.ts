import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildPipeline,
  compilePipelineText,
  defaultStageRegistry,
  type ExecutionRecord,
  foldJournal,
  loadYaml,
  MemoryStateStore,
  mergeJournals,
  SpelEvaluator,
  startExecution,
  systemClock,
} from "@capstan/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileArtifactStore } from "../../action/src/artifacts/file-artifact-store.js";
import { downloadJournals } from "../../action/src/journals.js";
import { checkExchanges } from "../github-double/openapi.js";
import { GithubDouble } from "../github-double/server.js";
import { type GateAnswer, type Simulation, simulate } from "./simulator.js";

const root = new URL("../../", import.meta.url);
const PIPELINE_PATH = ".capstan/pipelines/rolling-blue-green.yml";
const text = readFileSync(new URL("test/workflow-sim/fixtures/rolling-blue-green-waits.yml", root), "utf8");
const bundle = new URL("action/dist/index.js", root).pathname;
const workflow = compilePipelineText(text, { pipelineFile: PIPELINE_PATH }).workflow!;

let gh: GithubDouble;
let workspace: string;

beforeAll(async () => {
  gh = new GithubDouble();
  await gh.start();
  gh.addUser("alice");
  gh.setEnvironment("production-judgment", ["alice"]);
  workspace = mkdtempSync(join(tmpdir(), "capstan-repo-"));
  mkdirSync(join(workspace, ".capstan", "pipelines"), { recursive: true });
  writeFileSync(join(workspace, PIPELINE_PATH), text);
});
afterAll(() => gh.stop());

async function play(answer: GateAnswer): Promise<{ sim: Simulation; record: ExecutionRecord }> {
  const sim = await simulate({
    workflow,
    workspace,
    double: gh,
    bundle,
    event: {
      name: "workflow_dispatch",
      payload: { inputs: { image: "nginx:1.13" } },
      inputs: { image: "nginx:1.13" },
    },
    answer: () => answer,
  });
  const journals = await downloadJournals(new FileArtifactStore(sim.artifactDir), sim.order);
  return { sim, record: foldJournal(mergeJournals(...journals.map((j) => j.events))) };
}

/** What the engine gives in one process for the same choice (`stop` for a rejection). */
async function local(choice: string): Promise<ExecutionRecord> {
  const { pipeline } = buildPipeline(loadYaml(text, PIPELINE_PATH));
  const services = {
    clock: systemClock,
    random: Math.random,
    store: new MemoryStateStore(),
    registry: defaultStageRegistry(),
    expressions: new SpelEvaluator(),
    user: "alice",
    judgments: {
      request: async () =>
        choice === "stop"
          ? { kind: "stop" as const, user: "alice" }
          : { kind: "continue" as const, input: choice, user: "alice" },
    },
  };
  const started = startExecution(services, { pipeline, parameters: { image: "nginx:1.13" } });
  if (!started.runner) throw new Error(started.errors.join());
  return started.runner.run();
}

const shape = (r: ExecutionRecord) => ({
  status: r.status,
  stages: Object.fromEntries(r.stages.map((s) => [s.refId, s.status])),
  judgment: {
    status: r.stages.find((s) => s.refId === "judge")?.context.judgmentStatus,
    input: r.stages.find((s) => s.refId === "judge")?.context.judgmentInput,
  },
  parameters: r.parameters,
});

const results = (sim: Simulation) => Object.fromEntries([...sim.jobs.values()].map((j) => [j.id, j.result]));
const finalSummary = (sim: Simulation) => sim.jobs.get("finalize")!.summary;

describe("rolling blue/green through the simulated workflow and the bundled action", {
  timeout: 180_000,
}, () => {
  it("approve with `rollback`: the rollback branch runs, the continue branch stops", async () => {
    const { sim, record } = await play({
      action: "approve",
      comment: "rollback: error rate doubled",
      user: "alice",
    });
    expect(results(sim)).toEqual({
      preflight: "success",
      run: "success",
      "gate-judge": "success",
      "after-judge": "success",
      finalize: "success",
    });
    expect(sim.jobs.get("gate-judge")!.outputs).toEqual({ input: "rollback", judge: "alice" });
    expect(shape(record)).toEqual(shape(await local("rollback")));
    expect(shape(record).stages).toMatchObject({
      rgreen: "SUCCEEDED",
      continue: "STOPPED",
      green2: "NOT_STARTED",
    });
    const summary = finalSummary(sim);
    expect(summary).toContain("rolling-blue-green: SUCCEEDED");
    expect(summary).toContain("```mermaid");
    expect(summary).toMatch(
      /\| judge \| manualJudgment \| ✅ SUCCEEDED \(rollback\) \| \S* \| alice \| rollback: error rate doubled \|/,
    );
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("approve with `continue`: green takes over", async () => {
    const { sim, record } = await play({ action: "approve", comment: "continue", user: "alice" });
    expect(results(sim).finalize).toBe("success");
    expect(shape(record)).toEqual(shape(await local("continue")));
    expect(shape(record).stages).toMatchObject({
      blue2: "SUCCEEDED",
      rollback: "STOPPED",
      rblue1: "NOT_STARTED",
    });
    expect(finalSummary(sim)).toContain("| blue2 | wait | ✅ SUCCEEDED |");
  });

  it("approve with an empty comment: the first input (continue)", async () => {
    const { sim, record } = await play({ action: "approve", comment: "", user: "alice" });
    expect(sim.jobs.get("gate-judge")!.outputs.input).toBe("continue");
    expect(shape(record)).toEqual(shape(await local("continue")));
  });

  it("approve with `rollbak`: fails closed, nothing after the judgment runs", async () => {
    const { sim, record } = await play({ action: "approve", comment: "rollbak", user: "alice" });
    expect(results(sim)).toEqual({
      preflight: "success",
      run: "success",
      "gate-judge": "failure",
      "after-judge": "skipped",
      finalize: "failure",
    });
    expect(sim.jobs.get("gate-judge")!.log).toContain(
      "'rollbak', which is not an input of this judgment. Inputs: continue, rollback.",
    );
    expect(record.status).toBe("TERMINAL");
    const judge = record.stages.find((s) => s.refId === "judge")!;
    expect(judge.status).toBe("TERMINAL");
    expect(judge.error).toContain("Approved by alice without a usable input");
    expect(record.stages.filter((s) => s.status === "NOT_STARTED").map((s) => s.refId)).toEqual([
      "rollback",
      "rblue1",
      "rgreen2",
      "rgreen",
      "continue",
      "green2",
      "blue2",
    ]);
    const summary = finalSummary(sim);
    expect(summary).toContain("rolling-blue-green: TERMINAL");
    expect(summary).toContain("### Failures");
    expect(sim.jobs.get("finalize")!.log).toMatch(
      /::error title=judge%3A TERMINAL,file=\.capstan\/pipelines\/rolling-blue-green\.yml,line=13,/,
    );
  });

  it("reject: recorded as stop, the pipeline ends TERMINAL like a local stop", async () => {
    const { sim, record } = await play({ action: "reject", comment: "not today", user: "alice" });
    expect(results(sim)).toMatchObject({
      "gate-judge": "failure",
      "after-judge": "skipped",
      finalize: "failure",
    });
    expect(shape(record)).toEqual(shape(await local("stop")));
    const judge = record.stages.find((s) => s.refId === "judge")!;
    expect(judge.context).toMatchObject({
      judgmentStatus: "stop",
      judgedBy: "alice",
      judgmentComment: "not today",
    });
    expect(finalSummary(sim)).toMatch(
      /\| judge \| manualJudgment \| ❌ TERMINAL \| \S* \| alice \| not today \|/,
    );
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("preflight stops the run when the judgment environment has no required reviewers", async () => {
    gh.setEnvironment("production-judgment", []);
    try {
      const { sim } = await play({ action: "approve", comment: "", user: "alice" });
      expect(results(sim)).toMatchObject({
        preflight: "failure",
        run: "skipped",
        "gate-judge": "skipped",
        finalize: "failure",
      });
      expect(sim.jobs.get("preflight")!.log).toContain("has no required reviewers");
    } finally {
      gh.setEnvironment("production-judgment", ["alice"]);
    }
  });

  it("refuses a workflow compiled from another version of the pipeline", async () => {
    const stale = workflow.replace(/pipeline-hash: sha256:[0-9a-f]+/g, "pipeline-hash: sha256:0000");
    const sim = await simulate({
      workflow: stale,
      workspace,
      double: gh,
      bundle,
      event: { name: "workflow_dispatch", payload: {}, inputs: {} },
      answer: () => ({ action: "never" }),
    });
    expect(sim.jobs.get("preflight")!.result).toBe("failure");
    expect(sim.jobs.get("preflight")!.log).toContain("Run `capstan compile`");
  });
});
