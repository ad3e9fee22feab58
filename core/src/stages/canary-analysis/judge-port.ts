import type { CanaryConfig } from "../../canary/index.js";
import type { MetricSetPair } from "../../canary/prometheus/source.js";
import type { ScoreThresholds } from "./plan.js";

/** What the stage needs of a canary config (Kayenta's canary-config JSON, as loadCanaryConfig reads it). */
export interface StageCanaryConfig {
  metrics: readonly { name: string; query?: Record<string, unknown> }[];
  templates?: Readonly<Record<string, string>>;
}

/** A diagnostic of loadCanaryConfig, as far as the stage reports it. */
export interface ConfigProblem {
  message: string;
  severity?: string;
}

/** The judge and the config reader of core/src/canary, behind an interface so tests can stand in. */
export interface CanaryJudgePort {
  loadCanaryConfig(text: string, path: string): { config?: unknown; diagnostics: readonly ConfigProblem[] };
  judgeCanary(config: unknown, pairs: MetricSetPair[], thresholds?: ScoreThresholds): unknown;
}

/** The summary of a judge result the stage acts on. */
export interface JudgeSummary {
  score: number;
  classification?: string;
  reason?: string;
}

/**
 * Reads the overall score of a judge result in Kayenta's shape (`score: { score, classification,
 * classificationReason }`); a flat `{ score, classification }` is read too.
 */
export function judgeSummary(result: unknown): JudgeSummary | undefined {
  const r = result as Record<string, unknown> | undefined;
  if (!r || typeof r !== "object") return undefined;
  const s = r.score as Record<string, unknown> | number | undefined;
  if (typeof s === "number") {
    return {
      score: s,
      classification: typeof r.classification === "string" ? r.classification : undefined,
      reason: typeof r.classificationReason === "string" ? r.classificationReason : undefined,
    };
  }
  if (s && typeof s === "object" && typeof s.score === "number") {
    return {
      score: s.score,
      classification: typeof s.classification === "string" ? s.classification : undefined,
      reason:
        typeof s.classificationReason === "string" && s.classificationReason !== ""
          ? s.classificationReason
          : undefined,
    };
  }
  return undefined;
}

/** The metrics and templates of a loaded config, or why they cannot be read. */
export function stageConfigOf(config: unknown): StageCanaryConfig | { error: string } {
  const c = config as Record<string, unknown> | undefined;
  if (!c || typeof c !== "object" || !Array.isArray(c.metrics))
    return { error: "the canary config has no metrics list" };
  const metrics: { name: string; query?: Record<string, unknown> }[] = [];
  for (const [i, m] of (c.metrics as unknown[]).entries()) {
    const metric = m as Record<string, unknown> | undefined;
    if (!metric || typeof metric.name !== "string")
      return { error: `metric ${i + 1} of the canary config has no name` };
    metrics.push({
      name: metric.name,
      query:
        metric.query && typeof metric.query === "object"
          ? (metric.query as Record<string, unknown>)
          : undefined,
    });
  }
  const templates: Record<string, string> = {};
  if (c.templates && typeof c.templates === "object")
    for (const [k, v] of Object.entries(c.templates as Record<string, unknown>))
      if (typeof v === "string") templates[k] = v;
  return { metrics, templates };
}

let loaded: Promise<CanaryJudgePort> | undefined;

/**
 * core/src/canary's judgeCanary and loadCanaryConfig, imported when a canary stage first runs:
 * core/src/canary reads its configs through the schema code, which lists every stage type, this
 * one included, so a static import here would be a cycle at module load.
 */
export function defaultJudge(): Promise<CanaryJudgePort> {
  loaded ??= import("../../canary/index.js").then((m) => ({
    loadCanaryConfig: (text: string, path: string) => m.loadCanaryConfig(text, path),
    judgeCanary: (config: unknown, pairs: MetricSetPair[], thresholds?: ScoreThresholds) =>
      m.judgeCanary(config as CanaryConfig, pairs, thresholds),
  }));
  return loaded;
}
