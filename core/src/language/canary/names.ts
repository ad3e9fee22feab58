// The names a canary config declares and refers to, read from its plain data (which may be a
// half-typed document): groups (metrics' `groups`, `classifier.groupWeights`), metrics, templates.

import { PLACEHOLDER } from "../cursor-context.js";

/** A name, not the completion placeholder or an empty string. */
const real = (name: unknown): name is string =>
  typeof name === "string" && name !== "" && !name.includes(PLACEHOLDER);

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter(real) : []);

/** The metrics of a config with their index, name, groups and Prometheus metric name. */
export function metricsOf(
  data: unknown,
): { index: number; name?: string; groups: string[]; metricName?: string }[] {
  const metrics = record(data)?.metrics;
  if (!Array.isArray(metrics)) return [];
  return metrics.map((m, index) => {
    const metric = record(m) ?? {};
    const query = record(metric.query);
    const out: { index: number; name?: string; groups: string[]; metricName?: string } = {
      index,
      groups: strings(metric.groups),
    };
    if (real(metric.name)) out.name = metric.name;
    if (real(query?.metricName)) out.metricName = query.metricName;
    return out;
  });
}

/** Every group named by a metric, in order of first use, with the metrics in it. */
export function groupsOf(data: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const metric of metricsOf(data)) {
    for (const group of metric.groups) {
      const members = out.get(group) ?? [];
      if (metric.name !== undefined && !members.includes(metric.name)) members.push(metric.name);
      out.set(group, members);
    }
  }
  return out;
}

/** `classifier.groupWeights` as written (numbers only). */
export function groupWeightsOf(data: unknown): Map<string, number> {
  const weights = record(record(record(data)?.classifier)?.groupWeights) ?? {};
  const out = new Map<string, number>();
  for (const [group, weight] of Object.entries(weights))
    if (real(group) && typeof weight === "number") out.set(group, weight);
  return out;
}

/** The keys of `classifier.groupWeights`, whatever their values. */
export function weightedGroupsOf(data: unknown): string[] {
  return Object.keys(record(record(record(data)?.classifier)?.groupWeights) ?? {}).filter(real);
}

/** `templates` (name to text). */
export function templatesOf(data: unknown): Map<string, string> {
  const templates = record(record(data)?.templates) ?? {};
  return new Map(
    Object.entries(templates).flatMap(([name, text]) =>
      real(name) && typeof text === "string" ? [[name, text]] : [],
    ),
  );
}
