// NetflixACAJudge's preprocessing of each side of a metric (KAYENTA-AND-KUBERNETES.md §2.2): NaN
// handling, then outlier removal with Kayenta's IQR detector in its reduced-sensitivity form, and
// the descriptive statistics reported for the result. Every step works on one sorted copy: the
// values an IQR fence keeps are a contiguous run of it, so removing outliers allocates nothing.
import type { NanStrategy, OutlierStrategy } from "./config.js";

/**
 * The values after NaN handling, sorted: `remove` drops NaN, `replace` makes it 0.
 * Infinite values are kept, as Kayenta keeps them.
 */
export function withoutNaN(values: ArrayLike<number>, strategy: NanStrategy): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  const out = new Float64Array(strategy === "replace" ? values.length : n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) out[k++] = v;
    else if (strategy === "replace") out[k++] = 0;
  }
  return out.sort();
}

/**
 * The R-7 percentile (Apache Commons Math's `Percentile` with EstimationType.R_7, which Kayenta
 * uses) of sorted values, `p` in percent. NaN when there are none.
 */
export function percentileR7(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0];
  const q = p / 100;
  const pos = q === 0 ? 0 : q === 1 ? n : 1 + (n - 1) * q;
  if (pos < 1) return sorted[0];
  if (pos >= n) return sorted[n - 1];
  const whole = Math.floor(pos);
  const lower = sorted[whole - 1];
  const upper = sorted[whole];
  return lower + (pos - whole) * (upper - lower);
}

/**
 * The sorted values without outliers: a value is an outlier when it lies beyond both the IQR
 * fence (Q1 − f·IQR, Q3 + f·IQR) and the 1st/99th percentile (Kayenta's reduceSensitivity).
 */
export function withoutOutliers(
  sorted: Float64Array,
  strategy: OutlierStrategy,
  factor: number,
): Float64Array {
  if (strategy !== "remove" || sorted.length === 0) return sorted;
  const p01 = percentileR7(sorted, 1);
  const p25 = percentileR7(sorted, 25);
  const p75 = percentileR7(sorted, 75);
  const p99 = percentileR7(sorted, 99);
  const iqr = p75 - p25;
  const lowerFence = Math.min(p01, p25 - factor * iqr);
  const upperFence = Math.max(p99, p75 + factor * iqr);
  let start = 0;
  let end = sorted.length;
  while (start < end && sorted[start] < lowerFence) start++;
  while (end > start && sorted[end - 1] > upperFence) end--;
  return start === 0 && end === sorted.length ? sorted : sorted.subarray(start, end);
}

/** Kayenta's per-side statistics of the preprocessed values (all 0 when there are none). */
export interface MetricStats {
  count: number;
  mean: number;
  median: number;
  min: number;
  max: number;
}

export function describe(sorted: Float64Array): MetricStats {
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: 0, median: 0, min: 0, max: 0 };
  return {
    count: n,
    mean: mean(sorted),
    median: percentileR7(sorted, 50),
    min: sorted[0],
    max: sorted[n - 1],
  };
}

/** The mean with a second-pass correction (as Apache Commons Math's Mean computes it). */
export function mean(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const xbar = sum / n;
  let correction = 0;
  for (let i = 0; i < n; i++) correction += values[i] - xbar;
  return xbar + correction / n;
}
