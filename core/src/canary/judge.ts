// NetflixACAJudge-v1.0, in process: each metric set pair is preprocessed and classified (Pass,
// High, Low, Nodata, NodataFailMetric, Error), then the results are scored by group and summed
// with the group weights, and the score is classified Pass, Marginal or Fail. The rules, in their
// order, are those of KAYENTA-AND-KUBERNETES.md §2.1-2.4 (Kayenta's judge, written here from that
// description); the rank-sum test is R's (rank-sum.ts). Output: Kayenta's CanaryJudgeResult shape.
import {
  CANARY_JUDGE_NAME,
  type CanaryConfig,
  type CanaryMetricConfig,
  type MetricAnalysis,
  type MetricDirection,
  metricAnalysis,
} from "./config.js";
import { describe, type MetricStats, mean, withoutNaN, withoutOutliers } from "./preprocess.js";
import { RankSumError, type RankSumResult, rankSumTestSorted } from "./rank-sum.js";

/** Kayenta's MetricSetPair: one metric's (or one tagged series') values on both sides. NaN allowed. */
export interface MetricSetPair {
  name: string;
  /** Kayenta's id of the pair, copied to the result when present. */
  id?: string;
  tags?: Record<string, string>;
  values: { control: number[]; experiment: number[] };
}

export type MetricClassificationLabel = "Pass" | "High" | "Low" | "Nodata" | "NodataFailMetric" | "Error";
export type ScoreClassificationLabel = "Pass" | "Marginal" | "Fail";

/** The 98% interval NetflixACAJudge tests at, and the tolerance band around 0 (25% of the estimate). */
export const JUDGE_CONFIDENCE_LEVEL = 0.98;
export const JUDGE_TOLERANCE = 0.25;
export const DEFAULT_SCORE_THRESHOLDS = { marginal: 50, pass: 75 } as const;

/** The statistics behind a classification that ran the rank-sum test. */
export interface MannWhitneyStats {
  /** R's W: the experiment's rank sum minus m(m+1)/2. */
  statistic: number;
  pValue: number;
  /** The interval of the shift experiment − control at `confidenceLevel`. */
  lowerConfidence: number;
  upperConfidence: number;
  /** The estimated shift experiment − control. */
  estimate: number;
  confidenceLevel: number;
  /** ±JUDGE_TOLERANCE·|estimate|: the interval must clear this band for High or Low. */
  lowerBound: number;
  upperBound: number;
  effectSizeMeasure: "meanRatio" | "cles";
  /** NaN (null in JSON) when undefined: meanRatio with a zero mean. */
  effectSize: number;
  /** Gaussian noise was added first, both sides being constant (and different). */
  noiseAdded: boolean;
}

/** One metric's result (Kayenta's CanaryAnalysisResult). */
export interface CanaryAnalysisResult {
  name: string;
  id?: string;
  tags: Record<string, string>;
  groups: string[];
  classification: MetricClassificationLabel;
  classificationReason: string;
  /** A critical failure: the canary scores 0. */
  critical: boolean;
  /** Listed but left out of the scores. */
  muted: boolean;
  experimentMetadata: { stats: MetricStats };
  controlMetadata: { stats: MetricStats };
  /** `ratio` is mean(experiment)/mean(control) (1 when the test did not run; NaN when a mean is 0). */
  resultMetadata: { ratio: number; mannWhitney?: MannWhitneyStats };
}

export interface CanaryJudgeGroupScore {
  name: string;
  /** Pass / (Pass + High + Low + NodataFailMetric) × 100; 0 when no metric counts (`noData`). */
  score: number;
  /** No metric of the group counts: reported as 0, summed as 100. */
  noData: boolean;
  /** Kayenta leaves both empty for groups. */
  classification: string;
  classificationReason: string;
  counts: Record<MetricClassificationLabel, number>;
}

export interface CanaryJudgeScore {
  score: number;
  classification: ScoreClassificationLabel;
  classificationReason: string;
}

/** Kayenta's CanaryJudgeResult. */
export interface CanaryJudgeResult {
  judgeName: typeof CANARY_JUDGE_NAME;
  results: CanaryAnalysisResult[];
  groupScores: CanaryJudgeGroupScore[];
  score: CanaryJudgeScore;
  thresholds: { marginal: number; pass: number };
}

export interface JudgeOptions {
  /**
   * Uniform [0, 1) numbers for the Gaussian noise added to two constant sides; default a
   * generator with a fixed seed, so the same input always gets the same result.
   */
  random?: () => number;
}

/**
 * Judges the metric set pairs against the config's metrics. A config metric with no pair is
 * judged as one with no values (as Kayenta's Prometheus source gives an empty metric set for a
 * query without series). Thresholds: `thresholds`, else the config's
 * `classifier.scoreThresholds`, else 50 and 75.
 */
export function judgeCanary(
  config: CanaryConfig,
  pairs: readonly MetricSetPair[],
  thresholds?: { marginal: number; pass: number },
  options: JudgeOptions = {},
): CanaryJudgeResult {
  const limits = {
    marginal:
      thresholds?.marginal ??
      config.classifier?.scoreThresholds?.marginal ??
      DEFAULT_SCORE_THRESHOLDS.marginal,
    pass: thresholds?.pass ?? config.classifier?.scoreThresholds?.pass ?? DEFAULT_SCORE_THRESHOLDS.pass,
  };
  if (!(limits.marginal <= limits.pass))
    throw new RangeError(
      `the marginal threshold (${limits.marginal}) must be at most the pass threshold (${limits.pass})`,
    );
  const random = options.random ?? seededUniform(0x5eed_ca11);
  const metrics = new Map<string, CanaryMetricConfig>();
  for (const m of config.metrics) if (!metrics.has(m.name)) metrics.set(m.name, m);
  const judged = new Set<string>();
  const results: CanaryAnalysisResult[] = [];
  for (const pair of pairs) {
    judged.add(pair.name);
    results.push(classifyPair(metrics.get(pair.name), pair, random));
  }
  for (const m of metrics.values())
    if (!judged.has(m.name))
      results.push(classifyPair(m, { name: m.name, values: { control: [], experiment: [] } }, random));
  const { groupScores, score } = scoreResults(results, config.classifier?.groupWeights ?? {}, limits);
  return { judgeName: CANARY_JUDGE_NAME, results, groupScores, score, thresholds: limits };
}

/** What the classification rules decide for one pair. */
interface Classification {
  label: MetricClassificationLabel;
  reason: string;
  critical: boolean;
  ratio: number;
  mannWhitney?: MannWhitneyStats;
}

function classifyPair(
  metric: CanaryMetricConfig | undefined,
  pair: MetricSetPair,
  random: () => number,
): CanaryAnalysisResult {
  const base = {
    name: pair.name,
    ...(pair.id !== undefined ? { id: pair.id } : {}),
    tags: { ...(pair.tags ?? {}) },
    groups: [...(metric?.groups ?? [])],
  };
  if (!metric) {
    const none = describe(new Float64Array(0));
    return {
      ...base,
      classification: "Error",
      classificationReason: `Metric Classification Failed: the canary config has no metric named '${pair.name}'`,
      critical: false,
      muted: false,
      experimentMetadata: { stats: none },
      controlMetadata: { stats: none },
      resultMetadata: { ratio: Number.NaN },
    };
  }
  const analysis = metricAnalysis(metric);
  // §2.2: NaN handling, then outliers, on each side separately.
  const prepare = (values: readonly number[]) =>
    withoutOutliers(
      withoutNaN(values, analysis.nanStrategy),
      analysis.outliers.strategy,
      analysis.outliers.factor,
    );
  const experiment = prepare(pair.values?.experiment ?? []);
  const control = prepare(pair.values?.control ?? []);
  const c = classify(pair.name, experiment, control, analysis, random);
  return {
    ...base,
    classification: c.label,
    classificationReason: c.reason,
    critical: c.critical,
    muted: analysis.muted,
    experimentMetadata: { stats: describe(experiment) },
    controlMetadata: { stats: describe(control) },
    resultMetadata: c.mannWhitney ? { ratio: c.ratio, mannWhitney: c.mannWhitney } : { ratio: c.ratio },
  };
}

/** §2.3: the classification rules, in Kayenta's order, on sorted preprocessed sides. */
function classify(
  name: string,
  experiment: Float64Array,
  control: Float64Array,
  a: MetricAnalysis,
  random: () => number,
): Classification {
  // 1. No data on a side.
  if (experiment.length === 0 || control.length === 0) {
    const missing =
      experiment.length === 0 && control.length === 0
        ? "no values on either side"
        : experiment.length === 0
          ? "the experiment has no values"
          : "the control has no values";
    if (a.nanStrategy === "replace")
      return {
        label: "Pass",
        reason: `${name}: ${missing}; nanStrategy replace counts that as a pass`,
        critical: false,
        ratio: 1,
      };
    if (a.mustHaveData && !a.critical)
      return {
        label: "NodataFailMetric",
        reason: `${name}: ${missing}, and the metric must have data (mustHaveData)`,
        critical: false,
        ratio: 1,
      };
    return {
      label: "Nodata",
      reason: `${name}: ${missing}${a.critical ? " (a critical metric: the canary fails)" : ""}`,
      critical: a.critical,
      ratio: 1,
    };
  }
  // 2. The same values on both sides.
  if (sameValues(experiment, control))
    return {
      label: "Pass",
      reason: `${name}: the experiment and control data are identical`,
      critical: false,
      ratio: 1,
    };
  // 3. One distinct value across both sides.
  if (experiment[0] === experiment[experiment.length - 1] && control[0] === control[control.length - 1]) {
    if (experiment[0] === control[0])
      return { label: "Pass", reason: `${name}: every value is ${experiment[0]}`, critical: false, ratio: 1 };
  }
  // 4-5. The rank-sum test, experiment as x, control as y; two constant sides get noise first.
  let x = experiment;
  let y = control;
  let noiseAdded = false;
  if (experiment[0] === experiment[experiment.length - 1] && control[0] === control[control.length - 1]) {
    x = withNoise(experiment, random);
    y = withNoise(control, random);
    noiseAdded = true;
  }
  let test: RankSumResult;
  try {
    if (!allFinite(x) || !allFinite(y)) throw new RankSumError("the values include infinity");
    test = rankSumTestSorted(x, y, JUDGE_CONFIDENCE_LEVEL);
  } catch (error) {
    if (!(error instanceof RankSumError)) throw error;
    // 10. A failed test is Error, with no critical flag.
    return {
      label: "Error",
      reason: `Metric Classification Failed: ${error.message}`,
      critical: false,
      ratio: Number.NaN,
    };
  }
  // 6. The tolerance band: 25% of the estimated shift either side of 0.
  const band = JUDGE_TOLERANCE * Math.abs(test.estimate);
  const lowerBound = -band;
  const upperBound = band;
  // 8. Effect sizes; the reported ratio is always the mean ratio.
  const ratio = meanRatio(x, y);
  const effect = a.effectSize.measure === "cles" ? cles(x, y, test) : ratio;
  const mannWhitney: MannWhitneyStats = {
    statistic: test.statistic,
    pValue: test.pValue,
    lowerConfidence: test.lower,
    upperConfidence: test.upper,
    estimate: test.estimate,
    confidenceLevel: test.confLevel,
    lowerBound,
    upperBound,
    effectSizeMeasure: a.effectSize.measure,
    effectSize: effect,
    noiseAdded,
  };
  const sizeOk = (threshold: number, higher: boolean) =>
    Number.isNaN(effect) || (higher ? effect >= threshold : effect <= threshold);
  const interval = `the ${pct(test.confLevel)} interval of the shift [${num(test.lower)}, ${num(test.upper)}]`;
  const effectText = `${a.effectSize.measure} ${num(effect)}`;
  // 7. High is tested first, then Low; neither is Pass.
  const isHigh =
    allows(a.direction, "increase") && test.lower > upperBound && sizeOk(a.effectSize.allowedIncrease, true);
  const isLow =
    allows(a.direction, "decrease") && test.upper < lowerBound && sizeOk(a.effectSize.allowedDecrease, false);
  if (isHigh || isLow) {
    const label = isHigh ? "High" : "Low";
    const limit = isHigh ? a.effectSize.criticalIncrease : a.effectSize.criticalDecrease;
    // 9. Critical only beyond the critical effect size; otherwise High/Low stays non-critical.
    const critical = a.critical && sizeOk(limit, isHigh);
    const side = isHigh ? `above +${num(upperBound)}` : `below ${num(lowerBound)}`;
    return {
      label,
      reason: `${name}: the experiment is ${isHigh ? "higher" : "lower"} than the control: ${interval} lies ${side} (${pct(JUDGE_TOLERANCE)} of the estimated shift ${num(test.estimate)}), ${effectText}${
        critical
          ? ` (critical: beyond ${isHigh ? "criticalIncrease" : "criticalDecrease"} ${num(limit)})`
          : ""
      }`,
      critical,
      ratio,
      mannWhitney,
    };
  }
  let why: string;
  if (test.lower > upperBound || test.upper < lowerBound) {
    const up = test.lower > upperBound;
    why = allows(a.direction, up ? "increase" : "decrease")
      ? `${interval} lies ${up ? "above" : "below"} the tolerance band, but ${effectText} is ${up ? "below allowedIncrease" : "above allowedDecrease"} ${num(up ? a.effectSize.allowedIncrease : a.effectSize.allowedDecrease)}`
      : `the experiment is ${up ? "higher" : "lower"}, which direction ${a.direction} allows`;
  } else {
    why = `${interval} overlaps the tolerance band ±${num(band)}`;
  }
  return {
    label: "Pass",
    reason: `${name}: no significant difference: ${why}`,
    critical: false,
    ratio,
    mannWhitney,
  };
}

function allows(direction: MetricDirection, change: "increase" | "decrease"): boolean {
  return direction === "either" || direction === change;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function allFinite(values: Float64Array): boolean {
  return Number.isFinite(values[0]) && Number.isFinite(values[values.length - 1]);
}

/** mean(experiment) / mean(control); NaN when either mean is 0. */
function meanRatio(experiment: Float64Array, control: Float64Array): number {
  const e = mean(experiment);
  const c = mean(control);
  return e === 0 || c === 0 ? Number.NaN : e / c;
}

/** The common-language effect size (2·R1 − m(m+1)) / (2·n·m), R1 the experiment's rank sum. */
function cles(experiment: Float64Array, control: Float64Array, test: RankSumResult): number {
  const m = experiment.length;
  const n = control.length;
  // The test's statistic is R1 − m(m+1)/2, from the same ranks.
  const r1 = test.statistic + (m * (m + 1)) / 2;
  return (2 * r1 - m * (m + 1)) / (2 * n * m);
}

/** A constant side with Gaussian noise of σ = value·1e-5 (Kayenta's degenerate-case transform), sorted. */
function withNoise(values: Float64Array, random: () => number): Float64Array {
  const sigma = values[0] * 1e-5;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] + gaussian(random) * sigma;
  return out.sort();
}

/** A standard normal draw (Marsaglia's polar method). */
function gaussian(random: () => number): number {
  for (;;) {
    const u = 2 * random() - 1;
    const v = 2 * random() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** A small seeded uniform generator (mulberry32). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LABELS: MetricClassificationLabel[] = ["Pass", "High", "Low", "Nodata", "NodataFailMetric", "Error"];

/** §2.4: group scores, their weighted sum, the overrides and the thresholds. */
export function scoreResults(
  results: readonly CanaryAnalysisResult[],
  groupWeights: Readonly<Record<string, number>>,
  thresholds: { marginal: number; pass: number },
): { groupScores: CanaryJudgeGroupScore[]; score: CanaryJudgeScore } {
  const counted = results.filter((r) => !r.muted);
  const groups = new Map<string, Record<MetricClassificationLabel, number>>();
  for (const r of counted)
    for (const g of r.groups) {
      let counts = groups.get(g);
      if (!counts) {
        counts = Object.fromEntries(LABELS.map((l) => [l, 0])) as Record<MetricClassificationLabel, number>;
        groups.set(g, counts);
      }
      counts[r.classification]++;
    }
  const groupScores: CanaryJudgeGroupScore[] = [...groups].map(([name, counts]) => {
    // Nodata and Error do not count.
    const total = counts.High + counts.Low + counts.Pass + counts.NodataFailMetric;
    return {
      name,
      score: total === 0 ? 0 : (counts.Pass / total) * 100,
      noData: total === 0,
      classification: "",
      classificationReason: "",
      counts,
    };
  });

  const classify = (score: number, reason: string): CanaryJudgeScore => ({
    score,
    classification: score >= thresholds.pass ? "Pass" : score >= thresholds.marginal ? "Marginal" : "Fail",
    classificationReason: reason,
  });
  const criticalFailure = counted.find((r) => r.critical && r.classification !== "Pass");
  if (criticalFailure)
    return { groupScores, score: classify(0, `Canary Failed: ${criticalFailure.classificationReason}`) };
  const nodata = counted.filter((r) => r.classification === "Nodata").length;
  if ((nodata / counted.length) * 100 >= 50)
    return { groupScores, score: classify(0, "Canary Failed: 50% or more metrics returned NODATA") };

  const weightSum = Object.values(groupWeights).reduce((a, b) => a + b, 0);
  const unweighted = groupScores.filter((g) => !Object.hasOwn(groupWeights, g.name)).length;
  const sharedWeight = unweighted > 0 ? (100 - weightSum) / unweighted : 0;
  let summary = 0;
  for (const g of groupScores) {
    const weight = Object.hasOwn(groupWeights, g.name) ? groupWeights[g.name] : sharedWeight;
    summary += (g.noData ? 100 : g.score) * (weight / 100);
  }
  const score = roundHalfUp(summary, 2);
  const reason =
    groupScores.length === 0
      ? "No metric counts in any group, so the score is 0"
      : score >= thresholds.pass
        ? `Score ${score} is at or above the pass threshold ${thresholds.pass}`
        : score >= thresholds.marginal
          ? `Score ${score} is at or above the marginal threshold ${thresholds.marginal} and below pass ${thresholds.pass}`
          : `Score ${score} is below the marginal threshold ${thresholds.marginal}`;
  return { groupScores, score: classify(score, reason) };
}

/**
 * Rounds half away from zero at `digits` decimals, on the number's shortest decimal form (as
 * Commons Math's Precision.round does through BigDecimal), so 0.125 → 0.13 and 1.005 → 1.01.
 */
export function roundHalfUp(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const negative = value < 0;
  const [mantissa, exp = "0"] = Math.abs(value).toExponential().split("e");
  const [whole, fraction = ""] = mantissa.split(".");
  // All the digits, and where the decimal point sits in them.
  const allDigits = whole + fraction;
  const point = 1 + Number(exp);
  const keep = point + digits;
  if (keep < 0) return negative ? -0 : 0;
  if (keep >= allDigits.length) return value;
  let kept = BigInt(allDigits.slice(0, keep) || "0");
  if (allDigits.charCodeAt(keep) >= 53 /* '5' */) kept += 1n;
  const rounded = Number(`${kept}e${-digits}`);
  return negative ? -rounded : rounded;
}

function num(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e6 || a < 1e-4 ? v.toPrecision(4) : String(Number(v.toPrecision(4)));
}

function pct(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
