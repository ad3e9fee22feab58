// Brent's zero finder in the form of Forsythe, Malcolm and Moler, "Computer Methods for
// Mathematical Computations" (1977), the `zeroin` that R's uniroot() runs: bisection combined with
// linear or inverse quadratic interpolation on a bracket [b, c] where f changes sign. Written here
// step for step in that book's order, because the Mann-Whitney interval must land on the same
// iterate as R's (R stops at its tolerance, 1e-4, not at the exact step of the rank statistic).

const MAX_FINITE = Number.MAX_VALUE;

export interface ZeroinResult {
  root: number;
  /** Iterations used; -1 when `maxIterations` ran out. */
  iterations: number;
  /** |c − b| at the end: how wide the last bracket was. */
  precision: number;
}

/**
 * A zero of `f` in [lower, upper], given f at both ends (of opposite signs, or one of them 0).
 * `f` values that are not finite are read as ±Number.MAX_VALUE (−∞ as the most negative, NaN and
 * +∞ as the most positive), as R's uniroot reads them.
 */
export function zeroin(
  f: (x: number) => number,
  lower: number,
  upper: number,
  fLower: number,
  fUpper: number,
  tolerance: number,
  maxIterations = 1000,
): ZeroinResult {
  const g = (x: number): number => {
    const v = f(x);
    if (Number.isFinite(v)) return v;
    return v === Number.NEGATIVE_INFINITY ? -MAX_FINITE : MAX_FINITE;
  };
  let a = lower;
  let b = upper;
  let fa = fLower;
  let fb = fUpper;
  let c = a;
  let fc = fa;
  if (fa === 0) return { root: a, iterations: 0, precision: 0 };
  if (fb === 0) return { root: b, iterations: 0, precision: 0 };

  for (let left = maxIterations + 1, used = 1; left > 0; left--, used++) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // Keep b the best approximation so far.
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + tolerance / 2;
    let step = (c - b) / 2;
    if (Math.abs(step) <= tol || fb === 0)
      return { root: b, iterations: used - 1, precision: Math.abs(c - b) };

    // Interpolate when the previous step was large enough and went the right way.
    if (Math.abs(previousStep) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        // Two distinct points: the secant.
        const t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        // Three: inverse quadratic interpolation.
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
        q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q;
      else p = -p;
      // Accept b + p/q when it falls well inside [b, c] and is smaller than half the step before.
      if (p < 0.75 * cb * q - Math.abs(tol * q) / 2 && p < Math.abs((previousStep * q) / 2)) step = p / q;
    }
    if (Math.abs(step) < tol) step = step > 0 ? tol : -tol;
    a = b;
    fa = fb;
    b += step;
    fb = g(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      // Keep the sign change between b and c.
      c = a;
      fc = fa;
    }
  }
  return { root: b, iterations: -1, precision: Math.abs(c - b) };
}
