// The two-sample Wilcoxon rank-sum (Mann-Whitney U) test with its normal approximation,
// continuity and tie corrections, and the confidence interval and estimate of the location shift
// that go with it: the numbers R's
//   wilcox.test(x, y, conf.int = TRUE, conf.level = L, exact = FALSE, correct = TRUE)
// reports (statistic W, p.value, conf.int, estimate), to the last bits. Kayenta's NetflixACAJudge
// runs the same procedure (experiment as x, control as y); R is the oracle the tests compare with.
//
// The statistic of a shift d, W(d), ranks (x − d) together with y. Both samples are sorted once;
// x − d stays sorted, so W(d) is one merge of two sorted arrays: O(n + m), no allocation, ties
// found as equal neighbours. The interval ends and the estimate are roots of W(d) − z, found by
// the zero finder R's uniroot uses (zeroin.ts) to R's tolerance (1e-4): a monotone search over
// the shifts that never builds the n·m pairwise (Walsh) differences.

import { normalTails, qnorm } from "./normal.js";
import { zeroin } from "./zeroin.js";

/** R's `tol.root` for the interval and the estimate. */
export const RANK_SUM_ROOT_TOLERANCE = 1e-4;

export interface RankSumResult {
  /** R's W: the rank sum of x minus n(n+1)/2 (the Mann-Whitney U of x). */
  statistic: number;
  /** Two-sided, normal approximation with continuity and tie correction. */
  pValue: number;
  /** The interval of the shift x − y at `confLevel`. */
  lower: number;
  upper: number;
  /** R's "difference in location": the root of the uncorrected statistic. */
  estimate: number;
  confLevel: number;
  /** Set when some W(d) saw every observation tied (R's warning; values are then NaN-based). */
  allTiedWarning?: boolean;
}

/** The test cannot be computed (R stops with an error for the same inputs). */
export class RankSumError extends Error {
  override name = "RankSumError";
}

/**
 * The test of x against y. NaN values are left out (R drops NA and NaN); x and y may be in any
 * order and are not changed.
 */
export function rankSumTest(x: ArrayLike<number>, y: ArrayLike<number>, confLevel = 0.98): RankSumResult {
  return rankSumTestSorted(sortedWithoutNaN(x), sortedWithoutNaN(y), confLevel);
}

/** A sorted copy without NaN. */
export function sortedWithoutNaN(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) out[k++] = v;
  }
  return out.sort();
}

/** The test of two samples already sorted ascending, without NaN (not copied, not changed). */
export function rankSumTestSorted(x: Float64Array, y: Float64Array, confLevel = 0.98): RankSumResult {
  if (!(confLevel > 0 && confLevel < 1)) throw new RangeError("confLevel must be between 0 and 1");
  const nx = x.length;
  const ny = y.length;
  if (nx < 1) throw new RankSumError("not enough (non-missing) 'x' observations");
  if (ny < 1) throw new RankSumError("not enough 'y' observations");
  const ranks = new ShiftedRanks(x, y);

  // The statistic and its p-value, at d = 0.
  ranks.at(0);
  const statistic = ranks.rankSumX - (nx * (nx + 1)) / 2;
  const z0 = statistic - (nx * ny) / 2;
  const sigma0 = sigmaOf(nx, ny, ranks.tieTerm);
  const z = (z0 - Math.sign(z0) * 0.5) / sigma0;
  const tails = normalTails(z);
  const pValue = 2 * Math.min(tails.lower, tails.upper);

  // The interval: roots of W(d) − zq between the smallest and the largest possible shift.
  const alpha = 1 - confLevel;
  const muMin = x[0] - y[ny - 1];
  const muMax = x[nx - 1] - y[0];
  let allTied = false;
  const w = (d: number, correct: boolean): number => {
    ranks.at(d);
    const dz = ranks.rankSumX - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
    const correction = correct ? Math.sign(dz) * 0.5 : 0;
    const sigma = sigmaOf(nx, ny, ranks.tieTerm);
    if (sigma === 0) allTied = true;
    return (dz - correction) / sigma;
  };
  const wMin = w(muMin, true);
  const wMax = w(muMax, true);
  const root = (zq: number): number => {
    const fLower = wMin - zq;
    if (Number.isNaN(fLower)) throw new RankSumError("every observation is tied at the smallest shift");
    if (fLower <= 0) return muMin;
    const fUpper = wMax - zq;
    if (Number.isNaN(fUpper)) throw new RankSumError("every observation is tied at the largest shift");
    if (fUpper >= 0) return muMax;
    checkBracket(muMin, muMax);
    return zeroin((d) => w(d, true) - zq, muMin, muMax, fLower, fUpper, RANK_SUM_ROOT_TOLERANCE).root;
  };
  const lower = root(qnorm(alpha / 2, false));
  const upper = root(qnorm(alpha / 2, true));

  // The estimate: the root of the statistic without continuity correction (R sets correct <- FALSE).
  checkBracket(muMin, muMax);
  const eLower = w(muMin, false);
  const eUpper = w(muMax, false);
  if (Number.isNaN(eLower) || Number.isNaN(eUpper))
    throw new RankSumError("cannot compute the estimate when all observations are tied");
  if (Math.sign(eLower) * Math.sign(eUpper) > 0)
    throw new RankSumError("the statistic does not change sign between the smallest and largest shift");
  const estimate = zeroin((d) => w(d, false), muMin, muMax, eLower, eUpper, RANK_SUM_ROOT_TOLERANCE).root;

  const result: RankSumResult = { statistic, pValue, lower, upper, estimate, confLevel };
  if (allTied) result.allTiedWarning = true;
  return result;
}

/** The search needs a real interval (R: "lower < upper is not fulfilled"). */
function checkBracket(muMin: number, muMax: number): void {
  if (!(muMin < muMax))
    throw new RankSumError(
      Number.isFinite(muMin) && Number.isFinite(muMax)
        ? "the samples allow a single shift only (each side holds one distinct value)"
        : "the samples hold an infinite value",
    );
}

/** The standard deviation of W under the null, with R's tie correction Σ(t³ − t). */
function sigmaOf(nx: number, ny: number, tieTerm: number): number {
  return Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - tieTerm / ((nx + ny) * (nx + ny - 1))));
}

/**
 * Ranks of (x − d) among (x − d) ∪ y for a shift d, ties averaged, from two sorted arrays: the
 * rank sum of the x part and the tie term Σ(t³ − t) over groups of equal values.
 */
export class ShiftedRanks {
  rankSumX = 0;
  tieTerm = 0;

  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
  ) {}

  at(d: number): void {
    const { x, y } = this;
    const nx = x.length;
    const ny = y.length;
    let i = 0;
    let j = 0;
    let placed = 0;
    let rankSum = 0;
    let ties = 0;
    while (i < nx || j < ny) {
      // The smallest value left, then every x and y equal to it.
      const xv = i < nx ? x[i] - d : Number.POSITIVE_INFINITY;
      const yv = j < ny ? y[j] : Number.POSITIVE_INFINITY;
      const v = Math.min(xv, yv);
      let cx = 0;
      if (i < nx && xv === v) {
        cx = 1;
        i++;
        while (i < nx && x[i] - d === v) {
          cx++;
          i++;
        }
      }
      let cy = 0;
      while (j < ny && y[j] === v) {
        cy++;
        j++;
      }
      if (cx + cy === 0) {
        // x − d is NaN (∞ − ∞): take what is left as one group (finite data never gets here).
        cx = nx - i;
        cy = ny - j;
        i = nx;
        j = ny;
      }
      const t = cx + cy;
      // Ranks placed+1 ... placed+t share their average.
      rankSum += cx * (placed + (t + 1) / 2);
      if (t > 1) ties += t * t * t - t;
      placed += t;
    }
    this.rankSumX = rankSum;
    this.tieTerm = ties;
  }
}
