export {
  checkHealthy,
  type PrometheusSeries,
  type PrometheusSource,
  parseRangeAnswer,
  queryRange,
  type RangeQuery,
  type RangeResult,
} from "./client.js";
export {
  buildPrometheusQuery,
  expandTemplate,
  type PrometheusQueryConfig,
  RESOURCE_TYPES,
  type ScopeSide,
  scopeMatchers,
} from "./query.js";
export {
  LOCAL_PROMETHEUS_ENV,
  type PrometheusConfigOptions,
  prometheusConfig,
  type ScrapeState,
  type ScrapeTargetGroup,
  scrapeTargets,
} from "./scrape-config.js";
export {
  fetchMetricSetPairs,
  type MetricQueries,
  type PairsResult,
  pairSeries,
  type RunScope,
  type RunSide,
  type SourceMetric,
} from "./source.js";
