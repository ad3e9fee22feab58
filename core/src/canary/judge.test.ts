// NetflixACAJudge's rules (KAYENTA-AND-KUBERNETES.md §2.1-2.4), one by one in the notes' order,
// then the scoring. The statistics themselves are checked against R in rank-sum.r.test.ts.
import { describe, expect, it } from "vitest";
import type { CanaryAnalysisSettings, CanaryConfig, CanaryMetricConfig } from "./config.js";
import {
  type CanaryAnalysisResult,
  judgeCanary,
  type MetricSetPair,
  roundHalfUp,
  scoreResults,
} from "./judge.js";
import { percentileR7, withoutNaN, withoutOutliers } from "./preprocess.js";
import { rankSumTest } from "./rank-sum.js";
import { seededRandom } from "./testdata/sample-pairs.js";

const random = seededRandom(42);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const sample = (n: number, mean: number, sd: number) => Array.from({ length: n }, () => mean + sd * normal());

function metric(name: string, canary: CanaryAnalysisSettings = {}, groups = ["g"]): CanaryMetricConfig {
  return {
    name,
    query: { type: "prometheus", metricName: name },
    groups,
    analysisConfigurations: { canary },
  };
}

function config(metrics: CanaryMetricConfig[], groupWeights?: Record<string, number>): CanaryConfig {
  return { name: "test", metrics, ...(groupWeights ? { classifier: { groupWeights } } : {}) };
}

const pair = (name: string, control: number[], experiment: number[]): MetricSetPair => ({
  name,
  values: { control, experiment },
});

/** Judges one metric and returns its result. */
function one(
  settings: CanaryAnalysisSettings,
  control: number[],
  experiment: number[],
): CanaryAnalysisResult {
  return judgeCanary(config([metric("m", settings)]), [pair("m", control, experiment)]).results[0];
}

const baseline = sample(200, 100, 5);

describe("must show", () => {
  it("a clearly worse canary is High and the canary fails", () => {
    const r = judgeCanary(config([metric("latency", { direction: "increase" })]), [
      pair("latency", baseline, sample(200, 140, 5)),
    ]);
    expect(r.results[0].classification).toBe("High");
    expect(r.score).toMatchObject({ score: 0, classification: "Fail" });
  });

  it("a clearly lower metric whose direction is decrease is Low, and the canary fails", () => {
    const r = judgeCanary(config([metric("throughput", { direction: "decrease" })]), [
      pair("throughput", baseline, sample(200, 60, 5)),
    ]);
    expect(r.results[0].classification).toBe("Low");
    expect(r.score.classification).toBe("Fail");
  });

  it("identical pairs score 100", () => {
    const r = judgeCanary(config([metric("a"), metric("b", {}, ["h"])]), [
      pair("a", baseline, [...baseline]),
      pair("b", [1, 2, 3], [3, 2, 1]),
    ]);
    expect(r.results.map((x) => x.classification)).toEqual(["Pass", "Pass"]);
    expect(r.score).toMatchObject({ score: 100, classification: "Pass" });
  });

  it("empty pairs are Nodata", () => {
    const r = judgeCanary(config([metric("a")]), [pair("a", [], [])]);
    expect(r.results[0]).toMatchObject({ classification: "Nodata", critical: false });
    expect(r.score).toMatchObject({ score: 0, classification: "Fail" });
    expect(r.score.classificationReason).toBe("Canary Failed: 50% or more metrics returned NODATA");
  });
});

describe("classification rules, in order", () => {
  it("1. an empty side: Nodata (with the metric's critical flag), NodataFailMetric when mustHaveData and not critical, Pass with nanStrategy replace", () => {
    expect(one({}, [], [1, 2])).toMatchObject({ classification: "Nodata", critical: false });
    expect(one({ critical: true }, [1], [])).toMatchObject({ classification: "Nodata", critical: true });
    expect(one({ mustHaveData: true }, [], [1])).toMatchObject({
      classification: "NodataFailMetric",
      critical: false,
    });
    expect(one({ mustHaveData: true, critical: true }, [], [1])).toMatchObject({
      classification: "Nodata",
      critical: true,
    });
    expect(one({ nanStrategy: "replace" }, [], [1])).toMatchObject({
      classification: "Pass",
      critical: false,
    });
    // Only NaN is no data once NaN is removed (the default) ...
    expect(one({}, [Number.NaN, Number.NaN], [1, 2])).toMatchObject({ classification: "Nodata" });
    // ... and zeros when it is replaced: [0, 0] against [0, 0] is identical.
    expect(one({ nanStrategy: "replace" }, [Number.NaN, Number.NaN], [0, Number.NaN])).toMatchObject({
      classification: "Pass",
      classificationReason: "m: the experiment and control data are identical",
    });
  });

  it("2. the same values in any order pass, before any test (even for a critical metric)", () => {
    const r = one({ critical: true }, [5, 1, 3, Number.NaN], [3, 5, 1]);
    expect(r).toMatchObject({ classification: "Pass", critical: false });
    expect(r.resultMetadata).toEqual({ ratio: 1 });
  });

  it("3. one distinct value across both sides passes", () => {
    const r = one({}, [7, 7, 7], [7, 7]);
    expect(r.classification).toBe("Pass");
    expect(r.classificationReason).toContain("every value is 7");
  });

  it("4. two constant, different sides get Gaussian noise (σ = value·1e-5) and are then tested", () => {
    const r = one({}, [100, 100, 100, 100, 100, 100], [200, 200, 200, 200, 200, 200]);
    expect(r.classification).toBe("High");
    expect(r.resultMetadata.mannWhitney?.noiseAdded).toBe(true);
    expect(r.resultMetadata.ratio).toBeCloseTo(2, 4);
    // Seeded by default: the same input gives the same result.
    expect(one({}, [100, 100, 100, 100, 100, 100], [200, 200, 200, 200, 200, 200])).toEqual(r);
    // A noise source can be passed in.
    const uniform = seededRandom(7);
    const other = judgeCanary(config([metric("m")]), [pair("m", [1, 1, 1], [2, 2, 2])], undefined, {
      random: uniform,
    });
    expect(other.results[0].resultMetadata.mannWhitney?.noiseAdded).toBe(true);
  });

  it("5. the rank-sum test runs with the experiment as x and the control as y, at 98%", () => {
    const control = sample(60, 10, 2);
    const experiment = sample(50, 11, 2);
    const r = one({}, control, experiment);
    const test = rankSumTest(experiment, control, 0.98);
    expect(r.resultMetadata.mannWhitney).toMatchObject({
      statistic: test.statistic,
      pValue: test.pValue,
      lowerConfidence: test.lower,
      upperConfidence: test.upper,
      estimate: test.estimate,
      confidenceLevel: 0.98,
    });
  });

  it("6. the interval must clear the tolerance band ±25% of the estimated shift", () => {
    const control = Array.from({ length: 100 }, (_, i) => i);
    const outcomes = Array.from({ length: 30 }, (_, k) => {
      const r = one(
        {},
        control,
        control.map((v) => v + k + 1),
      );
      const mw = r.resultMetadata.mannWhitney!;
      expect(mw.upperBound).toBe(0.25 * Math.abs(mw.estimate));
      expect(mw.lowerBound).toBe(-mw.upperBound);
      return { r, mw };
    });
    // A shift whose interval excludes 0 but not the band passes; a larger one is High.
    const insideBand = outcomes.find(
      ({ mw }) => mw.lowerConfidence > 0 && mw.lowerConfidence <= mw.upperBound,
    );
    expect(insideBand?.r.classification).toBe("Pass");
    expect(insideBand?.r.classificationReason).toContain("overlaps the tolerance band");
    const beyond = outcomes.find(({ mw }) => mw.lowerConfidence > mw.upperBound);
    expect(beyond?.r.classification).toBe("High");
  });

  it("7. High is tested before Low, each only in the directions the metric allows", () => {
    const higher = sample(100, 130, 5);
    const lower = sample(100, 70, 5);
    expect(one({}, baseline, higher).classification).toBe("High");
    expect(one({}, baseline, lower).classification).toBe("Low");
    expect(one({ direction: "increase" }, baseline, lower).classification).toBe("Pass");
    expect(one({ direction: "decrease" }, baseline, higher).classification).toBe("Pass");
    expect(one({ direction: "decrease" }, baseline, higher).classificationReason).toContain(
      "which direction decrease allows",
    );
  });

  it("8. effect sizes gate High and Low: meanRatio (default), cles, and a NaN effect size does not gate", () => {
    const higher = sample(100, 130, 5);
    expect(one({ effectSize: { allowedIncrease: 1.2 } }, baseline, higher).classification).toBe("High");
    const gated = one({ effectSize: { allowedIncrease: 1.5 } }, baseline, higher);
    expect(gated.classification).toBe("Pass");
    expect(gated.classificationReason).toContain("below allowedIncrease 1.5");
    // cles: the share of (experiment, control) pairs where the experiment is higher; 1 here.
    const c = one({ effectSize: { measure: "cles" } }, baseline, higher);
    expect(c.resultMetadata.mannWhitney).toMatchObject({ effectSizeMeasure: "cles", effectSize: 1 });
    expect(c.resultMetadata.ratio).toBeCloseTo(1.3, 1);
    expect(c.classification).toBe("High");
    // Somewhat lower: cles near 0.3, Low at the default 0.5, not when at most 0.1 is allowed.
    const somewhatLower = sample(200, 96, 5);
    expect(one({ effectSize: { measure: "cles" } }, baseline, somewhatLower).classification).toBe("Low");
    const clesGated = one({ effectSize: { measure: "cles", allowedDecrease: 0.1 } }, baseline, somewhatLower);
    expect(clesGated.resultMetadata.mannWhitney?.effectSize).toBeGreaterThan(0.1);
    expect(clesGated.classification).toBe("Pass");
    // A control averaging 0 makes meanRatio NaN: the size check is skipped.
    const zeroMean = [-2, -1, 0, 1, 2, -2, -1, 0, 1, 2];
    const nan = one(
      { effectSize: { allowedIncrease: 100 } },
      zeroMean,
      zeroMean.map((v) => v + 50),
    );
    expect(nan.resultMetadata.ratio).toBeNaN();
    expect(nan.classification).toBe("High");
  });

  it("9. a critical metric fails the canary only beyond the critical effect size", () => {
    const higher = sample(100, 130, 5);
    const hard = judgeCanary(
      config([metric("m", { critical: true, effectSize: { criticalIncrease: 1.2 } })]),
      [pair("m", baseline, higher)],
    );
    expect(hard.results[0]).toMatchObject({ classification: "High", critical: true });
    expect(hard.score.score).toBe(0);
    expect(hard.score.classificationReason).toMatch(/^Canary Failed: m: the experiment is higher/);
    // Between allowedIncrease (1.0) and criticalIncrease (2.0): High, not critical.
    const soft = one({ critical: true, effectSize: { criticalIncrease: 2 } }, baseline, higher);
    expect(soft).toMatchObject({ classification: "High", critical: false });
    const low = one(
      { critical: true, direction: "decrease", effectSize: { criticalDecrease: 0.8 } },
      higher,
      baseline,
    );
    expect(low).toMatchObject({ classification: "Low", critical: true });
  });

  it("10. a test that cannot run is Error, without the critical flag", () => {
    const r = one({ critical: true }, [1, 2, Number.POSITIVE_INFINITY], [1, 2, 3]);
    expect(r).toMatchObject({ classification: "Error", critical: false });
    expect(r.classificationReason).toMatch(/^Metric Classification Failed: /);
    // One value per side, different: a single possible shift, which R's interval search refuses too.
    expect(one({}, [1], [2]).classification).toBe("Error");
  });

  it("a pair for a metric the config does not have is Error; a config metric without a pair is Nodata", () => {
    const r = judgeCanary(config([metric("a"), metric("b")]), [
      pair("zzz", [1], [2]),
      pair("a", [1, 2], [1, 2]),
    ]);
    expect(r.results.map((x) => [x.name, x.classification])).toEqual([
      ["zzz", "Error"],
      ["a", "Pass"],
      ["b", "Nodata"],
    ]);
  });
});

describe("preprocessing", () => {
  it("removes NaN or replaces it with 0, per side", () => {
    expect([...withoutNaN([3, Number.NaN, 1], "remove")]).toEqual([1, 3]);
    expect([...withoutNaN([3, Number.NaN, 1], "replace")]).toEqual([0, 1, 3]);
  });

  it("R-7 percentiles", () => {
    const s = new Float64Array([1, 2, 3, 4]);
    expect(percentileR7(s, 25)).toBe(1.75);
    expect(percentileR7(s, 50)).toBe(2.5);
    expect(percentileR7(s, 99)).toBeCloseTo(3.97, 12);
    expect(percentileR7(new Float64Array([5]), 1)).toBe(5);
  });

  it("removes outliers beyond both the IQR fence and the 1st/99th percentile, only when asked", () => {
    const values = [...Array.from({ length: 200 }, (_, i) => 100 + (i % 10)), 1e6];
    const sorted = withoutNaN(values, "remove");
    expect(withoutOutliers(sorted, "keep", 3).length).toBe(201);
    expect(withoutOutliers(sorted, "remove", 3).length).toBe(200);
    // With few values the 99th percentile reaches the outlier itself: nothing is removed.
    const few = withoutNaN([1, 2, 3, 1000], "remove");
    expect(withoutOutliers(few, "remove", 3).length).toBe(4);
    const r = one({ outliers: { strategy: "remove" } }, values, values);
    expect(r.controlMetadata.stats).toMatchObject({ count: 200, max: 109 });
    const kept = one({}, values, values);
    expect(kept.controlMetadata.stats).toMatchObject({ count: 201, max: 1e6 });
  });

  it("reports count, mean, median, min and max of each preprocessed side", () => {
    const r = one({}, [1, 2, 3, Number.NaN, 10], [4, 4, 5]);
    expect(r.controlMetadata.stats).toEqual({ count: 4, mean: 4, median: 2.5, min: 1, max: 10 });
    expect(r.experimentMetadata.stats).toMatchObject({ count: 3, median: 4 });
    expect(one({}, [], []).controlMetadata.stats).toEqual({ count: 0, mean: 0, median: 0, min: 0, max: 0 });
  });
});

describe("scoring", () => {
  const result = (
    classification: CanaryAnalysisResult["classification"],
    groups: string[],
    extra: Partial<CanaryAnalysisResult> = {},
  ): CanaryAnalysisResult => ({
    name: `${classification}-${groups.join("+")}`,
    tags: {},
    groups,
    classification,
    classificationReason: `${classification} reason`,
    critical: false,
    muted: false,
    experimentMetadata: { stats: { count: 0, mean: 0, median: 0, min: 0, max: 0 } },
    controlMetadata: { stats: { count: 0, mean: 0, median: 0, min: 0, max: 0 } },
    resultMetadata: { ratio: 1 },
    ...extra,
  });
  const t = { marginal: 50, pass: 75 };

  it("a group scores Pass / (Pass + High + Low + NodataFailMetric); Nodata and Error do not count", () => {
    const { groupScores, score } = scoreResults(
      [
        result("Pass", ["a"]),
        result("Pass", ["a"]),
        result("High", ["a"]),
        result("NodataFailMetric", ["a"]),
        result("Error", ["a"]),
        result("Nodata", ["a"]),
      ],
      {},
      t,
    );
    expect(groupScores).toEqual([
      expect.objectContaining({
        name: "a",
        score: 50,
        noData: false,
        classification: "",
        classificationReason: "",
      }),
    ]);
    expect(groupScores[0].counts).toEqual({
      Pass: 2,
      High: 1,
      Low: 0,
      Nodata: 1,
      NodataFailMetric: 1,
      Error: 0 + 1,
    });
    expect(score).toMatchObject({ score: 50, classification: "Marginal" });
  });

  it("a group with nothing countable is reported 0 and summed as 100", () => {
    const { groupScores, score } = scoreResults([result("Error", ["a"]), result("Pass", ["b"])], {}, t);
    expect(groupScores.map((g) => [g.name, g.score, g.noData])).toEqual([
      ["a", 0, true],
      ["b", 100, false],
    ]);
    expect(score.score).toBe(100);
  });

  it("weights: given ones as written, the rest share what is left of 100; a metric counts in each of its groups", () => {
    const results = [result("Pass", ["a", "b"]), result("High", ["b"]), result("High", ["c"])];
    // a = 100, b = 50, c = 0; a weighs 50, b and c 25 each.
    expect(scoreResults(results, { a: 50 }, t).score.score).toBe(50 + 12.5 + 0);
    // Not normalised: weights over 100 give the others a negative share (here -20).
    expect(scoreResults(results, { a: 80, b: 40 }, t).score.score).toBe(80 + 20 + 0);
    expect(scoreResults(results, { a: 80, c: 40 }, t).score.score).toBe(80 - 10 + 0);
  });

  it("rounds the sum half up to 2 decimals", () => {
    const results = [result("Pass", ["a"]), result("High", ["b"]), result("High", ["c"])];
    expect(scoreResults(results, {}, t).score.score).toBe(33.33);
    expect(roundHalfUp(0.125, 2)).toBe(0.13);
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(66.666666, 2)).toBe(66.67);
    expect(roundHalfUp(-2.675, 2)).toBe(-2.68);
    expect(roundHalfUp(12, 2)).toBe(12);
    expect(roundHalfUp(0.004, 2)).toBe(0);
  });

  it("muted metrics are listed but not scored", () => {
    const r = judgeCanary(config([metric("a"), metric("b", { muted: true })]), [
      pair("a", [1, 2, 3], [1, 2, 3]),
      pair("b", [], []),
    ]);
    expect(r.results.map((x) => [x.classification, x.muted])).toEqual([
      ["Pass", false],
      ["Nodata", true],
    ]);
    expect(r.score.score).toBe(100);
  });

  it("a critical failure scores 0 first; then half or more Nodata scores 0", () => {
    const critical = scoreResults(
      [result("Pass", ["a"]), result("Nodata", ["a"], { critical: true, classificationReason: "gone" })],
      {},
      t,
    );
    expect(critical.score).toEqual({
      score: 0,
      classification: "Fail",
      classificationReason: "Canary Failed: gone",
    });
    const nodata = scoreResults([result("Pass", ["a"]), result("Nodata", ["a"])], {}, t);
    expect(nodata.score.classificationReason).toBe("Canary Failed: 50% or more metrics returned NODATA");
    expect(
      scoreResults([result("Pass", ["a"]), result("Pass", ["a"]), result("Nodata", ["a"])], {}, t).score
        .score,
    ).toBe(100);
  });

  it("score >= pass is Pass, >= marginal is Marginal, else Fail; thresholds from the call, the config, or 50/75", () => {
    const four = [result("Pass", ["a"]), result("Pass", ["a"]), result("Pass", ["a"]), result("High", ["a"])];
    expect(scoreResults(four, {}, { marginal: 50, pass: 75 }).score.classification).toBe("Pass");
    expect(scoreResults(four, {}, { marginal: 75, pass: 76 }).score.classification).toBe("Marginal");
    expect(scoreResults(four, {}, { marginal: 75.01, pass: 80 }).score.classification).toBe("Fail");
    const cfg = config([metric("a")]);
    expect(judgeCanary(cfg, []).thresholds).toEqual({ marginal: 50, pass: 75 });
    expect(
      judgeCanary({ ...cfg, classifier: { scoreThresholds: { marginal: 60, pass: 90 } } }, []).thresholds,
    ).toEqual({ marginal: 60, pass: 90 });
    expect(judgeCanary(cfg, [], { marginal: 10, pass: 20 }).thresholds).toEqual({ marginal: 10, pass: 20 });
    expect(() => judgeCanary(cfg, [], { marginal: 80, pass: 20 })).toThrow(RangeError);
  });

  it("keeps Kayenta's result shape", () => {
    const r = judgeCanary(config([metric("a")]), [
      { ...pair("a", [1, 2, 3], [2, 3, 4]), id: "p1", tags: { zone: "a" } },
    ]);
    expect(r.judgeName).toBe("NetflixACAJudge-v1.0");
    expect(Object.keys(r.results[0]).sort()).toEqual(
      [
        "classification",
        "classificationReason",
        "controlMetadata",
        "critical",
        "experimentMetadata",
        "groups",
        "id",
        "muted",
        "name",
        "resultMetadata",
        "tags",
      ].sort(),
    );
    expect(r.results[0]).toMatchObject({ id: "p1", tags: { zone: "a" }, groups: ["g"] });
    expect(Object.keys(r.score).sort()).toEqual(["classification", "classificationReason", "score"]);
  });
});
