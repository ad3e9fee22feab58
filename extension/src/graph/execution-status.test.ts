import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  buildPipeline,
  defaultStageRegistry,
  FakeClock,
  FileStateStore,
  loadYaml,
  SpelEvaluator,
  startExecution,
} from "@capstan/core";
import { afterEach, describe, expect, it } from "vitest";
import { lastExecution } from "./execution-status.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("lastExecution", () => {
  it("gives a canary analysis' result and score, for the graph to colour it by", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-graph-"));
    dirs.push(root);
    const file = path.join(root, "canary.yml");
    const yaml = `name: canary
stages:
  - id: canary
    type: canaryAnalysis
    prometheus: local
    scopes: { control: a, experiment: b }
    lifetime: 1m
    metrics: [{ name: m, query: "up" }]
  - id: after
    type: wait
    dependsOn: [canary]
    duration: 1s
`;
    fs.writeFileSync(file, yaml);
    // A canary stage that scored 62.5 (Marginal), without Prometheus.
    const registry = defaultStageRegistry().register({
      type: "canaryAnalysis",
      start: () => ({
        status: "FAILED_CONTINUE",
        outputs: { overallResult: "Marginal", canaryScore: 62.5, canaryScores: [62.5] },
      }),
    });
    const store = new FileStateStore(path.join(root, ".capstan"), { fsync: false });
    const started = startExecution(
      { clock: new FakeClock(), random: () => 0.5, store, registry, expressions: new SpelEvaluator() },
      {
        pipeline: buildPipeline(loadYaml(yaml, file)).pipeline,
        pipelineFile: "canary.yml",
        executionId: "e1",
      },
    );
    if (!started.runner) throw new Error(started.errors.join("; "));
    await started.runner.run();
    store.close();
    const last = lastExecution(root, "canary", file);
    expect(last?.statuses.get("canary")).toBe("FAILED_CONTINUE");
    expect([...(last?.canaryResults ?? [])]).toEqual([["canary", { result: "Marginal", score: 62.5 }]]);
  });
});
