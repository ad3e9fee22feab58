// A stage's inline `metrics` as the Kayenta canary config they stand for, so the same reader
// (loadCanaryConfig) and judge run on both.

const JUDGE = { name: "NetflixACAJudge-v1.0", judgeConfigurations: {} };

function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * One inline metric: `query` is PromQL (`{{scope}}` stands for the scope's matchers, `${scope}`-style
 * Kayenta variables are not used inline because `${ }` is Capstan's expression syntax) or a
 * Kayenta query object (`metricName`, `labelBindings`, `groupByFields` ...).
 */
function metric(raw: unknown): Record<string, unknown> {
  const m = (raw ?? {}) as Record<string, unknown>;
  const query =
    typeof m.query === "string"
      ? // Kayenta wants a metricName even when the PromQL: template is the whole query.
        {
          type: "prometheus",
          metricName: String(m.name ?? "metric"),
          customInlineTemplate: `PromQL:${m.query}`,
        }
      : { type: "prometheus", ...((m.query ?? {}) as Record<string, unknown>) };
  const outliers = m.outliers as Record<string, unknown> | undefined;
  return {
    name: m.name,
    query,
    groups: Array.isArray(m.groups) && m.groups.length > 0 ? m.groups : ["default"],
    analysisConfigurations: {
      canary: defined({
        direction: m.direction,
        nanStrategy: m.nanStrategy,
        critical: m.critical,
        mustHaveData: m.mustHaveData,
        muted: m.muted,
        effectSize: m.effectSize,
        outliers: outliers
          ? defined({ strategy: outliers.strategy, outlierFactor: outliers.factor ?? outliers.outlierFactor })
          : undefined,
      }),
    },
    scopeName: "default",
  };
}

/** The Kayenta canary config of a stage's inline `metrics` and `groupWeights`. */
export function inlineCanaryConfig(
  name: string,
  metrics: readonly unknown[],
  groupWeights: unknown,
): Record<string, unknown> {
  return {
    name,
    judge: JUDGE,
    metrics: metrics.map(metric),
    templates: {},
    classifier: { groupWeights: groupWeights && typeof groupWeights === "object" ? groupWeights : {} },
  };
}
