import type { HttpClient } from "../../engine/ports.js";
import { type PrometheusSeries, type PrometheusSource, queryRange } from "./client.js";
import { buildPrometheusQuery, type PrometheusQueryConfig, type ScopeSide } from "./query.js";

/** Kayenta's MetricSetPair (the judge's input), as `core/src/canary` defines it. */
export interface MetricSetPair {
  name: string;
  tags?: Record<string, string>;
  values: { control: number[]; experiment: number[] };
}

/** What the source needs of a canary config metric. */
export interface SourceMetric {
  name: string;
  query?: PrometheusQueryConfig | Record<string, unknown>;
}

/** A side of one canary run: its scope and its time window (epoch ms). */
export interface RunSide extends ScopeSide {
  start: number;
  end: number;
}

export interface RunScope {
  control: RunSide;
  experiment: RunSide;
  stepSeconds: number;
}

/** The queries sent for one metric (shown in the stage's record). */
export interface MetricQueries {
  metric: string;
  control: string;
  experiment: string;
  controlSeries: number;
  experimentSeries: number;
}

export type PairsResult =
  | { pairs: MetricSetPair[]; queries: MetricQueries[]; warnings: string[] }
  | { error: string; queries: MetricQueries[] };

const tagKey = (tags: Record<string, string>) =>
  JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Pairs a metric's control and experiment series by their labels, as Kayenta's metric set mixer
 * does: a label set only one side has gets an empty other side (the judge's Nodata). A side with
 * no series at all is one empty series (Kayenta's converter). One series on each side are paired
 * whatever their labels (a PromQL query that keeps the scope's labels).
 */
export function pairSeries(
  name: string,
  control: readonly PrometheusSeries[],
  experiment: readonly PrometheusSeries[],
): MetricSetPair[] {
  if (control.length <= 1 && experiment.length <= 1) {
    const tags = experiment[0]?.labels ?? control[0]?.labels ?? {};
    return [
      {
        name,
        tags,
        values: { control: [...(control[0]?.values ?? [])], experiment: [...(experiment[0]?.values ?? [])] },
      },
    ];
  }
  const byKey = new Map<string, MetricSetPair>();
  const add = (series: PrometheusSeries, side: "control" | "experiment") => {
    const key = tagKey(series.labels);
    let pair = byKey.get(key);
    if (!pair) {
      pair = { name, tags: { ...series.labels }, values: { control: [], experiment: [] } };
      byKey.set(key, pair);
    }
    pair.values[side].push(...series.values);
  };
  for (const s of control) add(s, "control");
  for (const s of experiment) add(s, "experiment");
  return [...byKey.values()];
}

/**
 * Fetches every metric of a canary config for one run: Kayenta's query for each side over its
 * window with the scope's step, then the pairs for the judge. Stops at the first query that fails
 * (Prometheus down, slow, an error answer), as Kayenta's canary execution does.
 */
export async function fetchMetricSetPairs(options: {
  http: HttpClient;
  source: PrometheusSource;
  metrics: readonly SourceMetric[];
  templates?: Readonly<Record<string, string>>;
  scope: RunScope;
  signal?: AbortSignal;
}): Promise<PairsResult> {
  const { http, source, scope } = options;
  const pairs: MetricSetPair[] = [];
  const queries: MetricQueries[] = [];
  const warnings: string[] = [];
  for (const metric of options.metrics) {
    const config = (metric.query ?? {}) as PrometheusQueryConfig;
    const sides: Record<"control" | "experiment", { query: string; series: PrometheusSeries[] }> = {
      control: { query: "", series: [] },
      experiment: { query: "", series: [] },
    };
    for (const side of ["control", "experiment"] as const) {
      const built = buildPrometheusQuery(metric.name, config, scope[side], options.templates);
      if ("error" in built) return { error: built.error, queries };
      sides[side].query = built.query;
      const answer = await queryRange(
        http,
        source,
        {
          query: built.query,
          start: scope[side].start,
          end: scope[side].end,
          stepSeconds: scope.stepSeconds,
        },
        options.signal,
      );
      if ("error" in answer)
        return {
          error: `metric '${metric.name}' (${side}): ${answer.error}; query: ${built.query}`,
          queries,
        };
      sides[side].series = answer.series;
    }
    queries.push({
      metric: metric.name,
      control: sides.control.query,
      experiment: sides.experiment.query,
      controlSeries: sides.control.series.length,
      experimentSeries: sides.experiment.series.length,
    });
    for (const side of ["control", "experiment"] as const)
      if (sides[side].series.length === 0) warnings.push(`metric '${metric.name}': no ${side} series`);
    pairs.push(...pairSeries(metric.name, sides.control.series, sides.experiment.series));
  }
  return { pairs, queries, warnings };
}
