// Automated canary analysis: Kayenta canary configs and the NetflixACAJudge, in process.
export {
  CANARY_CONFIG_DIR,
  CANARY_JUDGE_NAME,
  type CanaryAnalysisSettings,
  type CanaryConfig,
  type CanaryMetricConfig,
  type CanaryMetricQuery,
  type EffectSizeMeasure,
  isCanaryConfigPath,
  loadCanaryConfig,
  type MetricAnalysis,
  type MetricDirection,
  metricAnalysis,
  type NanStrategy,
  type OtherMetricQuery,
  type OutlierStrategy,
  type PrometheusMetricQuery,
} from "./config.js";
export { canaryConfigSchema } from "./config-schema.js";
export {
  type CanaryAnalysisResult,
  type CanaryJudgeGroupScore,
  type CanaryJudgeResult,
  type CanaryJudgeScore,
  DEFAULT_SCORE_THRESHOLDS,
  JUDGE_CONFIDENCE_LEVEL,
  JUDGE_TOLERANCE,
  type JudgeOptions,
  judgeCanary,
  type MannWhitneyStats,
  type MetricClassificationLabel,
  type MetricSetPair,
  type ScoreClassificationLabel,
} from "./judge.js";
export { loadMetricSetPairs } from "./metric-set-pairs.js";
export type { MetricStats } from "./preprocess.js";
export { RankSumError, type RankSumResult, rankSumTest } from "./rank-sum.js";
