import { readFile as readFileFs } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { PrometheusSource } from "../../canary/prometheus/client.js";
import { LOCAL_PROMETHEUS_ENV } from "../../canary/prometheus/scrape-config.js";
import { fetchMetricSetPairs, type MetricQueries, type RunScope } from "../../canary/prometheus/source.js";
import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import { parseDuration } from "../../model/duration.js";
import type { Stage } from "../../model/types.js";
import { isExpression, stageProblem } from "../checks.js";
import { inlineCanaryConfig } from "./inline-config.js";
import {
  type CanaryJudgePort,
  defaultJudge,
  judgeSummary,
  type StageCanaryConfig,
  stageConfigOf,
} from "./judge-port.js";
import {
  type CanaryPlan,
  classifyScore,
  type PlannedRun,
  planRuns,
  readSettings,
  type ScoreThresholds,
} from "./plan.js";

export { LOCAL_PROMETHEUS_ENV };

/** Where the stage's outside world comes from (tests stand in for the judge and the files). */
export interface CanaryStageDeps {
  judge?: () => Promise<CanaryJudgePort>;
  /** Reads a canary config file (absolute path). */
  readFile?: (path: string) => Promise<string>;
}

/** One run as kept in the stage's context (`canaryRuns`) and outputs. */
export interface CanaryRunRecord {
  run: number;
  score: number;
  /** Orca's reading of the score: Pass, Marginal, Fail (at or below marginal). */
  result: "Pass" | "Marginal" | "Fail";
  /** The judge's classification of the score (it calls a score equal to marginal Marginal). */
  classification?: string;
  reason?: string;
  controlWindow: { start: string; end: string };
  experimentWindow: { start: string; end: string };
  queries: MetricQueries[];
  warnings?: string[];
  /** The judge's result, in Kayenta's shape. */
  judgeResult: unknown;
  at: string;
}

/** The plan as kept in the context (times as epoch ms). */
interface StoredPlan extends CanaryPlan {
  thresholds: ScoreThresholds;
  stepSeconds: number;
  prometheus: PrometheusSource;
  scopes: { control: ScopeText; experiment: ScopeText };
}

interface ScopeText {
  scope: string;
  location: string;
  extendedScopeParams?: Record<string, string>;
}

const iso = (t: number) => new Date(t).toISOString();

const fail = (
  error: string,
  extra: { context?: Record<string, unknown>; outputs?: Record<string, unknown> } = {},
): TaskResult => ({
  status: "TERMINAL",
  error,
  ...extra,
});

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== "object") return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** The two sides of the scope: Capstan's `scopes.control/experiment` or Kayenta's `controlScope/experimentScope`. */
function readScopes(
  c: Record<string, unknown>,
): { control: ScopeText; experiment: ScopeText } | { error: string } {
  const s = (c.scopes ?? {}) as Record<string, unknown>;
  const control = s.control ?? s.controlScope;
  const experiment = s.experiment ?? s.experimentScope;
  const problem = (side: string, v: unknown) =>
    `'scopes.${side}' must name the ${side === "control" ? "baseline" : "canary"} server group; got ${JSON.stringify(v)}`;
  if (typeof control !== "string" || control === "" || isExpression(control))
    return { error: problem("control", control) };
  if (typeof experiment !== "string" || experiment === "" || isExpression(experiment))
    return { error: problem("experiment", experiment) };
  const params = stringMap(s.extendedScopeParams);
  const side = (scope: string, location: unknown): ScopeText => ({
    scope,
    location: typeof location === "string" && location !== "" ? location : "local",
    ...(params ? { extendedScopeParams: params } : {}),
  });
  return { control: side(control, s.controlLocation), experiment: side(experiment, s.experimentLocation) };
}

/** The Prometheus to ask: `local` (the one `capstan run` started), a URL, or `{ url, headers, timeout }`. */
function readPrometheus(ctx: StageContext): PrometheusSource | { error: string } {
  const p = ctx.stage.context.prometheus;
  const spec = typeof p === "string" ? { url: p } : ((p ?? {}) as Record<string, unknown>);
  let url = spec.url;
  if (url === "local") {
    url = ctx.services.env?.[LOCAL_PROMETHEUS_ENV];
    if (!url)
      return {
        error: `prometheus: local needs the Prometheus that 'capstan run' starts on loopback (it sets ${LOCAL_PROMETHEUS_ENV}); run the pipeline with 'capstan run', or give prometheus.url`,
      };
  }
  if (typeof url !== "string" || !/^https?:\/\//.test(url))
    return { error: `'prometheus' must be local or an http(s) URL; got ${JSON.stringify(p)}` };
  const headers = stringMap(spec.headers);
  const timeoutMs =
    typeof spec.timeout === "number"
      ? spec.timeout * 1000
      : typeof spec.timeout === "string"
        ? parseDuration(spec.timeout)
        : undefined;
  if (spec.timeout !== undefined && timeoutMs === undefined)
    return { error: `'prometheus.timeout' must be a duration like 30s; got ${JSON.stringify(spec.timeout)}` };
  return { url, ...(headers ? { headers } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

/** The canary config's candidate files for `canaryConfig: NAME` (or a path). */
export function canaryConfigCandidates(name: string, root: string): string[] {
  if (name.includes("/") || /\.(json|ya?ml)$/i.test(name))
    return [isAbsolute(name) ? name : resolve(root, name)];
  return ["json", "yml", "yaml"].map((ext) => join(root, ".capstan", "canary", `${name}.${ext}`));
}

async function loadConfig(
  ctx: StageContext,
  judge: CanaryJudgePort,
  readFile: (path: string) => Promise<string>,
): Promise<{ config: unknown; metrics: StageCanaryConfig; source: string } | { error: string }> {
  const c = ctx.stage.context;
  let text: string;
  let source: string;
  if (typeof c.canaryConfig === "string" && c.canaryConfig !== "") {
    const root = ctx.services.workingDirectory ?? process.cwd();
    const candidates = canaryConfigCandidates(c.canaryConfig, root);
    let found: { path: string; text: string } | undefined;
    for (const path of candidates) {
      try {
        found = { path, text: await readFile(path) };
        break;
      } catch {
        // Try the next one.
      }
    }
    if (!found)
      return {
        error: `canary config '${c.canaryConfig}' not found (looked for ${candidates.map((p) => p.replace(`${root}/`, "")).join(", ")})`,
      };
    text = found.text;
    source = found.path.replace(`${root}/`, "");
  } else if (c.canaryConfig && typeof c.canaryConfig === "object") {
    text = JSON.stringify(c.canaryConfig);
    source = `stage ${ctx.stage.refId} canaryConfig`;
  } else if (Array.isArray(c.metrics)) {
    text = JSON.stringify(inlineCanaryConfig(ctx.stage.name, c.metrics, c.groupWeights));
    source = `stage ${ctx.stage.refId} metrics`;
  } else return { error: "a canary analysis needs 'canaryConfig' (a Kayenta canary config) or 'metrics'" };
  const loaded = judge.loadCanaryConfig(text, source);
  const errors = loaded.diagnostics.filter((d) => (d.severity ?? "error") === "error");
  if (errors.length > 0 || loaded.config === undefined)
    return {
      error: `canary config ${source} has errors: ${errors
        .slice(0, 3)
        .map((d) => d.message)
        .join("; ")}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""}`,
    };
  const metrics = stageConfigOf(loaded.config);
  if ("error" in metrics) return { error: `canary config ${source}: ${metrics.error}` };
  return { config: loaded.config, metrics, source };
}

function storedPlan(ctx: StageContext): StoredPlan | undefined {
  const p = ctx.stage.context.canaryPlan;
  return p && typeof p === "object" ? (p as StoredPlan) : undefined;
}

function doneRuns(ctx: StageContext): CanaryRunRecord[] {
  const r = ctx.stage.context.canaryRuns;
  return Array.isArray(r) ? (r as CanaryRunRecord[]) : [];
}

/** What the stage publishes once it ends (and so the branches after it can choose). */
function finalOutputs(
  runs: CanaryRunRecord[],
  overallResult: string,
  message: string,
): Record<string, unknown> {
  const last = runs.at(-1);
  return {
    canaryScores: runs.map((r) => r.score),
    ...(last ? { canaryScore: last.score, judgeResult: last.judgeResult } : {}),
    canaryScoreMessage: message,
    overallResult,
    canaryRuns: runs.map((r) => ({
      run: r.run,
      score: r.score,
      result: r.result,
      classification: r.classification,
      controlWindow: r.controlWindow,
      experimentWindow: r.experimentWindow,
    })),
  };
}

function stageError(runs: CanaryRunRecord[], error: string): TaskResult {
  const outputs = finalOutputs(runs, "Error", error);
  return fail(error, { outputs, context: { canaryScoreMessage: error } });
}

async function runOnce(
  ctx: StageContext,
  plan: StoredPlan,
  run: PlannedRun,
  deps: Required<CanaryStageDeps>,
): Promise<CanaryRunRecord | { error: string }> {
  let judge: CanaryJudgePort;
  try {
    judge = await ctx.external(deps.judge());
  } catch (error) {
    return { error: `the canary judge is not available: ${(error as Error).message}` };
  }
  const loaded = await loadConfig(ctx, judge, deps.readFile);
  if ("error" in loaded) return loaded;
  const http = ctx.services.http;
  if (!http) return { error: "no HTTP client to reach Prometheus (the engine was started without one)" };
  const scope: RunScope = {
    control: { ...plan.scopes.control, ...run.control },
    experiment: { ...plan.scopes.experiment, ...run.experiment },
    stepSeconds: plan.stepSeconds,
  };
  const pairs = await fetchMetricSetPairs({
    http,
    source: plan.prometheus,
    metrics: loaded.metrics.metrics,
    templates: loaded.metrics.templates,
    scope,
    signal: ctx.signal,
  });
  if ("error" in pairs) return { error: `canary run #${run.index}: ${pairs.error}` };
  let result: unknown;
  try {
    result = judge.judgeCanary(loaded.config, pairs.pairs, plan.thresholds);
  } catch (error) {
    return { error: `canary run #${run.index}: the judge failed: ${(error as Error).message}` };
  }
  const summary = judgeSummary(result);
  if (!summary) return { error: `canary run #${run.index}: the judge returned no score` };
  return {
    run: run.index,
    score: summary.score,
    result: classifyScore(summary.score, plan.thresholds),
    ...(summary.classification ? { classification: summary.classification } : {}),
    ...(summary.reason ? { reason: summary.reason } : {}),
    controlWindow: { start: iso(run.control.start), end: iso(run.control.end) },
    experimentWindow: { start: iso(run.experiment.start), end: iso(run.experiment.end) },
    queries: pairs.queries,
    ...(pairs.warnings.length > 0 ? { warnings: pairs.warnings } : {}),
    judgeResult: result,
    at: iso(ctx.now()),
  };
}

async function step(
  ctx: StageContext,
  deps: Required<CanaryStageDeps>,
  plan = storedPlan(ctx),
  runs = doneRuns(ctx),
): Promise<TaskResult> {
  if (!plan) return fail("the canary plan is missing from the stage's context");
  const next = plan.runs[runs.length];
  const total = plan.runs.length;
  if (!next) return finish(plan, runs);
  const now = ctx.now();
  if (now < next.due) {
    const what =
      runs.length === 0 && plan.warmupMs > 0 && now < next.due - plan.intervalMs ? "warm-up, then " : "";
    const so = runs.length > 0 ? ` (scores so far: ${runs.map((r) => r.score).join(", ")})` : "";
    return {
      status: "RUNNING",
      pollAfterMs: next.due - now,
      waitingFor: `${what}canary run #${next.index} of ${total} at ${iso(next.due)}${so}`,
    };
  }
  const record = await runOnce(ctx, plan, next, deps);
  if ("error" in record) {
    ctx.log(`${record.error}\n`);
    return stageError(runs, record.error);
  }
  const all = [...runs, record];
  ctx.log(
    `canary run #${record.run} of ${total}: score ${record.score} (${record.result}) over ${record.experimentWindow.start} .. ${record.experimentWindow.end}\n`,
  );
  const context = { canaryRuns: all, canaryScores: all.map((r) => r.score), lastUpdated: ctx.now() };
  if (record.score <= plan.thresholds.marginal) {
    const message = `Canary run #${record.run} scored ${record.score}, at or below the marginal threshold ${plan.thresholds.marginal}: the canary failed${record.run < total ? ` and stopped after ${record.run} of ${total} runs` : ""}${record.reason ? ` (${record.reason})` : ""}`;
    return fail(message, {
      context: { ...context, canaryScoreMessage: message },
      outputs: finalOutputs(all, "Fail", message),
    });
  }
  if (all.length === total) return finish(plan, all, context);
  const following = plan.runs[all.length];
  return {
    status: "RUNNING",
    context,
    pollAfterMs: Math.max(0, following.due - ctx.now()),
    waitingFor: `canary run #${following.index} of ${total} at ${iso(following.due)} (scores so far: ${all.map((r) => r.score).join(", ")})`,
  };
}

/** Orca's aggregate of the runs: the last score against the thresholds. */
function finish(
  plan: StoredPlan,
  runs: CanaryRunRecord[],
  context: Record<string, unknown> = {},
): TaskResult {
  const last = runs.at(-1);
  if (!last) return fail("the canary analysis planned no runs");
  const t = plan.thresholds;
  const result = classifyScore(last.score, t);
  if (result === "Pass") {
    const message = `Canary score ${last.score} reached the pass threshold ${t.pass} (runs: ${runs.map((r) => r.score).join(", ")})`;
    return {
      status: "SUCCEEDED",
      context: { ...context, canaryScoreMessage: message },
      outputs: finalOutputs(runs, "Pass", message),
    };
  }
  const message =
    result === "Fail"
      ? `Final canary score ${last.score} is at or below the marginal threshold ${t.marginal}`
      : `Final canary score ${last.score} is above the marginal threshold ${t.marginal} but below the pass threshold ${t.pass}`;
  return fail(message, {
    context: { ...context, canaryScoreMessage: message },
    outputs: finalOutputs(runs, result, message),
  });
}

function start(ctx: StageContext, deps: Required<CanaryStageDeps>): Promise<TaskResult> | TaskResult {
  const c = ctx.stage.context;
  const settings = readSettings(c);
  if ("error" in settings) return fail(settings.error);
  if (settings.thresholds.marginal > settings.thresholds.pass)
    return fail(
      `scoreThresholds.marginal (${settings.thresholds.marginal}) is above scoreThresholds.pass (${settings.thresholds.pass})`,
    );
  const planned = planRuns(settings, ctx.now());
  if ("error" in planned) return fail(planned.error);
  const scopes = readScopes(c);
  if ("error" in scopes) return fail(scopes.error);
  const prometheus = readPrometheus(ctx);
  if ("error" in prometheus) return fail(prometheus.error);
  const plan: StoredPlan = {
    ...planned,
    thresholds: settings.thresholds,
    stepSeconds: settings.stepSeconds,
    prometheus,
    scopes,
  };
  const runs = planned.runs;
  ctx.log(
    `canary analysis of ${scopes.experiment.scope} against ${scopes.control.scope}: ${runs.length} run${runs.length === 1 ? "" : "s"} every ${planned.intervalMs / 1000}s${planned.warmupMs > 0 ? ` after a ${planned.warmupMs / 1000}s warm-up` : ""}, Prometheus ${prometheus.url}\n`,
  );
  return step(ctx, deps, plan, []).then((r) => ({
    ...r,
    context: { canaryPlan: plan, canaryRuns: [], ...(r.context ?? {}) },
  }));
}

/** Static checks the schema cannot make: marginal above pass (the rest is the schema's). */
function check(stage: Stage): ReturnType<NonNullable<StageHandler["check"]>> {
  const t = stage.config.scoreThresholds as Record<string, unknown> | undefined;
  if (!t || typeof t !== "object") return [];
  const marginal = typeof t.marginal === "number" ? t.marginal : 50;
  const pass = typeof t.pass === "number" ? t.pass : 75;
  if (marginal <= pass) return [];
  return [
    stageProblem(
      stage,
      "scoreThresholds",
      "canary-thresholds-order",
      `scoreThresholds.marginal (${marginal}) must not be above pass (${pass}).`,
    ),
  ];
}

/** The `canaryAnalysis` handler, with its judge and file reader. */
export function canaryAnalysisHandler(deps: CanaryStageDeps = {}): StageHandler {
  const full: Required<CanaryStageDeps> = {
    judge: deps.judge ?? defaultJudge,
    readFile: deps.readFile ?? ((path) => readFileFs(path, "utf8")),
  };
  return {
    type: "canaryAnalysis",
    start: (ctx) => start(ctx, full),
    poll: (ctx) => step(ctx, full),
    resume: (ctx) => (storedPlan(ctx) ? step(ctx, full) : start(ctx, full)),
    check,
  };
}

export const canaryAnalysisStage: StageHandler = canaryAnalysisHandler();
