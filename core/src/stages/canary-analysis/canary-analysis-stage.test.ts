// The canaryAnalysis stage in the engine on a fake clock (hours of analysis run in milliseconds)
// against a real Prometheus backfilled with promtool. The judge here is a stand-in (median
// within 10 %) so these tests are about Orca's plan, the early stop, the aggregate and the
// errors; canary-analysis-judge.test.ts runs the same stage with core/src/canary's judge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { MetricSetPair } from "../../canary/prometheus/source.js";
import {
  freePort,
  type Sample,
  startTestPrometheus,
  type TestPrometheus,
} from "../../canary/prometheus/testdata/prometheus-kit.js";
import { FakeClock } from "../../engine/clock.js";
import { startExecution } from "../../engine/engine.js";
import { fetchHttpClient } from "../../engine/node-services.js";
import type { ExecutionRecord, StageRecord } from "../../engine/record.js";
import { SpelEvaluator } from "../../engine/spel-evaluator.js";
import { harness, pipelineFrom, statuses } from "../../engine/testdata/kit.js";
import { defaultStageRegistry } from "../index.js";
import {
  type CanaryStageDeps,
  canaryAnalysisHandler,
  LOCAL_PROMETHEUS_ENV,
} from "./canary-analysis-stage.js";
import { type CanaryJudgePort, defaultJudge } from "./judge-port.js";
import { planRuns, readSettings } from "./plan.js";

const MIN = 60_000;
// Two hours ago on a whole minute: the history spans [T0, T0 + 60 min], one point each 15 s.
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;

const samples: Sample[] = [];
for (let i = 0; i <= 240; i++) {
  const time = T0 + i * 15_000;
  const jitter = ((i * 37) % 11) - 5;
  const add = (group: string, value: number) =>
    samples.push({ metric: "latency_ms", labels: { server_group: group }, time, value });
  add("app-baseline-v000", 100 + jitter);
  add("app-canary-v000", 101 + jitter); // healthy
  add("app-canary-v001", 200 + jitter); // bad from the start
  add("app-canary-v002", i < 80 ? 100 + jitter : 300 + jitter); // bad after 20 minutes
  add("app-canary-v003", 100 + jitter); // healthy latency, ...
  samples.push({ metric: "errors", labels: { server_group: "app-baseline-v000" }, time, value: 1 });
  samples.push({ metric: "errors", labels: { server_group: "app-canary-v003" }, time, value: 5 }); // ... bad errors
}

let prom: TestPrometheus;
beforeAll(async () => {
  prom = await startTestPrometheus(samples);
}, 60_000);
afterAll(async () => {
  await prom?.stop();
});

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
};

/** Stand-in judge: a metric passes when the canary's median is within 10 % of the baseline's. */
const judged: { pairs: MetricSetPair[] }[] = [];
const stubJudge: CanaryJudgePort = {
  loadCanaryConfig(text) {
    return { config: parseYaml(text), diagnostics: [] };
  },
  judgeCanary(_config, pairs) {
    judged.push({ pairs });
    const results = pairs.map((p) => {
      const c = median(p.values.control);
      const e = median(p.values.experiment);
      const classification = Number.isNaN(c) || Number.isNaN(e) ? "Nodata" : e <= c * 1.1 ? "Pass" : "High";
      return { name: p.name, classification };
    });
    const counted = results.filter((r) => r.classification !== "Nodata");
    const score =
      counted.length === 0
        ? 0
        : (100 * counted.filter((r) => r.classification === "Pass").length) / counted.length;
    return {
      results,
      score: { score, classification: score >= 75 ? "Pass" : score >= 50 ? "Marginal" : "Fail" },
    };
  },
};

const files: Record<string, string> = {
  "/repo/.capstan/canary/latency.yml": `name: latency
metrics:
  - name: latency
    query: { type: prometheus, metricName: latency_ms }
    groups: [latency]
`,
};

async function run(
  stageYaml: string,
  options: { more?: string; deps?: CanaryStageDeps; env?: Record<string, string> } = {},
): Promise<{ record: ExecutionRecord; canary: StageRecord; clock: FakeClock }> {
  const registry = defaultStageRegistry().register(
    canaryAnalysisHandler({
      judge: async () => stubJudge,
      readFile: async (path) => {
        const text = files[path];
        if (text === undefined) throw new Error(`ENOENT ${path}`);
        return text;
      },
      ...options.deps,
    }),
  );
  const clock = new FakeClock(T0);
  const { services } = harness(
    {
      clock,
      http: fetchHttpClient,
      expressions: new SpelEvaluator(),
      workingDirectory: "/repo",
      env: { [LOCAL_PROMETHEUS_ENV]: prom.url, ...options.env },
    },
    registry,
  );
  const yaml = `name: canary\nstages:\n  - id: canary\n    name: Canary\n    type: canaryAnalysis\n${stageYaml
    .trim()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n")}\n${options.more ?? ""}`;
  const started = startExecution(services, { pipeline: pipelineFrom(yaml), executionId: "e1" });
  if (!started.runner) throw new Error(started.errors.join("; "));
  const record = await started.runner.run();
  return { record, canary: record.stages.find((s) => s.refId === "canary")!, clock };
}

const scopes = (experiment: string) => `scopes: { control: app-baseline-v000, experiment: ${experiment} }`;

describe("canaryAnalysis: Orca's plan", () => {
  it("lifetime / interval runs over a growing window, after the warm-up; interval longer than lifetime = one run", () => {
    const s = readSettings({ lifetime: "30m", interval: "10m", warmup: "5m" });
    if ("error" in s) throw new Error(s.error);
    const plan = planRuns(s, T0);
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.runs.map((r) => [r.due - T0, r.experiment.start - T0, r.experiment.end - T0])).toEqual([
      [15 * MIN, 5 * MIN, 15 * MIN],
      [25 * MIN, 5 * MIN, 25 * MIN],
      [35 * MIN, 5 * MIN, 35 * MIN],
    ]);
    const one = planRuns({ ...s, intervalMs: 90 * MIN }, T0);
    expect("runs" in one && one.runs.length).toBe(1);
    // 25 minutes in 10-minute intervals: two runs (integer division).
    const two = planRuns({ ...s, lifetimeMs: 25 * MIN }, T0);
    expect("runs" in two && two.runs.length).toBe(2);
  });

  it("lookback slides the window; the baseline offset shifts the control window; Orca's minute fields", () => {
    const s = readSettings({
      lifetimeDuration: "PT30M",
      canaryAnalysisIntervalMins: "10",
      lookbackMins: 5,
      baselineAnalysisOffsetInMins: 60,
      scoreThresholds: { marginal: "60", pass: "90" },
    });
    if ("error" in s) throw new Error(s.error);
    expect(s.thresholds).toEqual({ marginal: 60, pass: 90 });
    const plan = planRuns(s, T0);
    if ("error" in plan) throw new Error(plan.error);
    expect(
      plan.runs.map((r) => [r.experiment.start - T0, r.experiment.end - T0, r.control.start - T0]),
    ).toEqual([
      [5 * MIN, 10 * MIN, -55 * MIN],
      [15 * MIN, 20 * MIN, -45 * MIN],
      [25 * MIN, 30 * MIN, -35 * MIN],
    ]);
  });

  it("endTime: lifetime = endTime - startTime, no warm-up, no waits; neither lifetime nor endTime is an error", () => {
    const s = readSettings({
      startTime: new Date(T0).toISOString(),
      endTime: new Date(T0 + 20 * MIN).toISOString(),
      interval: "10m",
      warmup: "5m",
    });
    if ("error" in s) throw new Error(s.error);
    const plan = planRuns(s, T0 + 3 * 3_600_000);
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.runs.map((r) => [r.due - T0, r.experiment.start - T0, r.experiment.end - T0])).toEqual([
      [3 * 3_600_000, 0, 10 * MIN],
      [3 * 3_600_000, 0, 20 * MIN],
    ]);
    expect(planRuns({ ...s, endTime: undefined, lifetimeMs: undefined }, T0)).toEqual({
      error: "a canary analysis needs either 'endTime' or 'lifetime'",
    });
  });
});

describe("canaryAnalysis in the engine (fake clock, real Prometheus)", () => {
  it("a healthy canary: three runs, each when its interval has passed, SUCCEEDED with Pass", async () => {
    const { record, canary, clock } = await run(`
canaryConfig: latency
prometheus: local
${scopes("app-canary-v000")}
lifetime: 30m
interval: 10m
step: 15s`);
    expect(record.status).toBe("SUCCEEDED");
    expect(canary.outputs).toMatchObject({
      overallResult: "Pass",
      canaryScore: 100,
      canaryScores: [100, 100, 100],
    });
    expect(clock.now() - T0).toBe(30 * MIN);
    const runs = canary.context.canaryRuns as {
      experimentWindow: { start: string; end: string };
      queries: unknown[];
    }[];
    expect(runs.map((r) => r.experimentWindow)).toEqual(
      [10, 20, 30].map((m) => ({
        start: new Date(T0).toISOString(),
        end: new Date(T0 + m * MIN).toISOString(),
      })),
    );
    expect(runs[0].queries).toEqual([
      {
        metric: "latency",
        control: 'avg(latency_ms{server_group="app-baseline-v000"})',
        experiment: 'avg(latency_ms{server_group="app-canary-v000"})',
        controlSeries: 1,
        experimentSeries: 1,
      },
    ]);
    // 10 minutes at a 15 s step: 41 points per side in the first run.
    const first = judged.at(-3)!.pairs[0];
    expect([first.values.control.length, first.values.experiment.length]).toEqual([41, 41]);
  });

  it("a run at or below marginal stops the canary early: TERMINAL after the first run", async () => {
    const { record, canary, clock } = await run(`
canaryConfig: latency
prometheus: local
${scopes("app-canary-v001")}
lifetime: 30m
interval: 10m
step: 15s`);
    expect(record.status).toBe("TERMINAL");
    expect(canary.status).toBe("TERMINAL");
    expect(canary.outputs).toMatchObject({ overallResult: "Fail", canaryScores: [0] });
    expect(canary.error).toBe(
      "Canary run #1 scored 0, at or below the marginal threshold 50: the canary failed and stopped after 1 of 3 runs",
    );
    expect(clock.now() - T0).toBe(10 * MIN);
  });

  it("a canary that degrades: Pass in run 1, then Fail in run 2 (growing window) with onFailure: ignore, and the branch after it reads the result", async () => {
    const { record, canary } = await run(
      `
canaryConfig: latency
prometheus: local
${scopes("app-canary-v002")}
lifetime: 60m
interval: 20m
step: 15s
onFailure: ignore`,
      {
        more: `  - id: rollback
    type: wait
    dependsOn: [canary]
    if: "\${ #stage('Canary')['outputs']['overallResult'] != 'Pass' }"
    duration: 1s
  - id: promote
    type: wait
    dependsOn: [canary]
    if: "\${ #stage('Canary')['outputs']['overallResult'] == 'Pass' }"
    duration: 1s
`,
      },
    );
    expect(canary.outputs.canaryScores).toEqual([100, 0]);
    expect(statuses(record)).toEqual({
      canary: "FAILED_CONTINUE",
      rollback: "SUCCEEDED",
      promote: "SKIPPED",
    });
  });

  it("inline metrics: a passing metric and a failing one score 50, at marginal: Orca fails it (the judge would say Marginal)", async () => {
    const { canary } = await run(`
prometheus: local
${scopes("app-canary-v003")}
lifetime: 10m
step: 15s
metrics:
  - name: latency
    query: "avg(latency_ms{{{scope}}})"
  - name: errors
    query: "sum(errors{{{scope}}})"
    direction: increase`);
    expect(canary.status).toBe("TERMINAL");
    expect(canary.outputs).toMatchObject({ overallResult: "Fail", canaryScores: [50] });
    expect(
      (canary.context.canaryRuns as { queries: { experiment: string }[] }[])[0].queries.map(
        (q) => q.experiment,
      ),
    ).toEqual([
      'avg(latency_ms{server_group="app-canary-v003"})',
      'sum(errors{server_group="app-canary-v003"})',
    ]);
  });

  it("Marginal: above marginal and below pass at the end is TERMINAL with overallResult Marginal", async () => {
    const { canary } = await run(`
prometheus: local
${scopes("app-canary-v003")}
lifetime: 10m
step: 15s
scoreThresholds: { marginal: 40, pass: 75 }
metrics:
  - name: latency
    query: "avg(latency_ms{{{scope}}})"
  - name: errors
    query: "sum(errors{{{scope}}})"`);
    expect(canary.status).toBe("TERMINAL");
    expect(canary.outputs).toMatchObject({ overallResult: "Marginal", canaryScore: 50 });
    expect(canary.error).toBe(
      "Final canary score 50 is above the marginal threshold 40 but below the pass threshold 75",
    );
  });

  it("a Prometheus that is down: a clear stage error, overallResult Error, never a pass", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const { canary } = await run(`
canaryConfig: latency
prometheus: { url: "${down}", timeout: 2s }
${scopes("app-canary-v000")}
lifetime: 10m`);
    expect(canary.status).toBe("TERMINAL");
    expect(canary.outputs.overallResult).toBe("Error");
    expect(canary.error).toBe(
      `canary run #1: metric 'latency' (control): Prometheus at ${down} is not reachable (connection refused): is it running?; query: avg(latency_ms{server_group="app-baseline-v000"})`,
    );
  });

  it("no series for the canary: the judge gets an empty side (its Nodata), not an error", async () => {
    const { canary } = await run(`
canaryConfig: latency
prometheus: local
${scopes("app-canary-v999")}
lifetime: 10m
step: 15s`);
    expect(canary.outputs.overallResult).toBe("Fail");
    expect(judged.at(-1)!.pairs).toEqual([
      expect.objectContaining({ name: "latency", values: expect.objectContaining({ experiment: [] }) }),
    ]);
  });

  it("prometheus: local outside capstan run, a missing config, a retrospective analysis", async () => {
    const noLocal = await run(`canaryConfig: latency\nprometheus: local\n${scopes("a")}\nlifetime: 10m`, {
      env: { [LOCAL_PROMETHEUS_ENV]: "" },
    });
    expect(noLocal.canary.error).toMatch(/^prometheus: local needs the Prometheus that 'capstan run' starts/);
    const missing = await run(`canaryConfig: nope\nprometheus: local\n${scopes("a")}\nlifetime: 10m`);
    expect(missing.canary.error).toBe(
      "canary config 'nope' not found (looked for .capstan/canary/nope.json, .capstan/canary/nope.yml, .capstan/canary/nope.yaml)",
    );
    const retro = await run(`
canaryConfig: latency
prometheus: local
${scopes("app-canary-v000")}
startTime: "${new Date(T0).toISOString()}"
endTime: "${new Date(T0 + 40 * MIN).toISOString()}"
interval: 20m
step: 15s`);
    expect(retro.canary.outputs).toMatchObject({ overallResult: "Pass", canaryScores: [100, 100] });
    expect(retro.clock.now()).toBe(T0);
  });
});

describe("canaryAnalysis with core/src/canary's judge (fake clock, real Prometheus)", () => {
  const config = `
canaryConfig: latency
prometheus: local
lifetime: 20m
interval: 10m
step: 15s`;

  it("a canary like its baseline (1 ms apart in 100) passes with 100 in each run", async () => {
    const { canary } = await run(`${config}\n${scopes("app-canary-v000")}`, {
      deps: { judge: defaultJudge },
    });
    expect(canary.status).toBe("SUCCEEDED");
    expect(canary.outputs).toMatchObject({ overallResult: "Pass", canaryScores: [100, 100] });
  });

  it("a canary twice as slow is High on latency: score 0, stopped at the first run", async () => {
    const { canary } = await run(`${config}\n${scopes("app-canary-v001")}`, {
      deps: { judge: defaultJudge },
    });
    expect(canary.status).toBe("TERMINAL");
    expect(canary.outputs).toMatchObject({ overallResult: "Fail", canaryScores: [0] });
    const result = canary.outputs.judgeResult as { results: { name: string; classification: string }[] };
    expect(result.results.map((r) => [r.name, r.classification])).toEqual([["latency", "High"]]);
  });
});
