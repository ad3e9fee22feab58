// The standard normal distribution function and its quantile, computed the way R computes them
// (the published algorithms R uses, so the Mann-Whitney p-value and the interval's quantile agree
// with R's wilcox.test to the last bits):
//   - Φ(x): W. J. Cody, "Rational Chebyshev approximations for the error function" (Math. Comp. 1969)
//     as in ACM TOMS Algorithm 715, with R's split of x² into a 1/16-exact head and a small tail;
//   - Φ⁻¹(p): M. J. Wichura, Algorithm AS 241 (Appl. Statist. 1988), PPND16, with a logarithm
//     rounded correctly (below): V8's Math.log can be an ulp off the C library's, and that ulp in the
//     98% quantile moves R's interval search onto other iterates.

const SQRT_32 = 5.656854249492381;
const ONE_OVER_SQRT_2PI = 0.3989422804014327;
const HALF_EPSILON = Number.EPSILON * 0.5;

// Cody's coefficients: |x| <= 0.67448975 (A/B), up to sqrt(32) (C/D), beyond (P/Q).
const A = [
  2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745,
];
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
];
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
];
const P = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934,
  0.000029112874951168793, 0.023073441764940174,
];
const Q = [
  1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 0.00007297515550839662,
];

/**
 * Both tails of the standard normal at x: `lower` = P[X <= x], `upper` = P[X > x], each computed
 * directly (no 1 - p cancellation in the far tail).
 */
export function normalTails(x: number): { lower: number; upper: number } {
  if (Number.isNaN(x)) return { lower: x, upper: x };
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    let num = 0;
    let den = 0;
    if (y > HALF_EPSILON) {
      const xsq = x * x;
      num = A[4] * xsq;
      den = xsq;
      for (let i = 0; i < 3; i++) {
        num = (num + A[i]) * xsq;
        den = (den + B[i]) * xsq;
      }
    }
    const t = (x * (num + A[3])) / (den + B[3]);
    return { lower: 0.5 + t, upper: 0.5 - t };
  }
  let tail: number;
  if (y <= SQRT_32) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    tail = farTail(y, (num + C[7]) / (den + D[7]));
  } else if (-37.5193 < x && x < 37.5193) {
    // Within the range where either tail is still representable (R's bounds for lower, upper).
    const xsq = 1 / (x * x);
    let num = P[5] * xsq;
    let den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * xsq;
      den = (den + Q[i]) * xsq;
    }
    let t = (xsq * (num + P[4])) / (den + Q[4]);
    t = (ONE_OVER_SQRT_2PI - t) / y;
    tail = farTail(x, t);
  } else {
    return x > 0 ? { lower: 1, upper: 0 } : { lower: 0, upper: 1 };
  }
  // `tail` is the probability beyond |x| on the side of x's sign.
  return x > 0 ? { lower: 1 - tail, upper: tail } : { lower: tail, upper: 1 - tail };
}

/** exp(-x²/2)·factor with x² split into a head exact in 1/16 and a tail, as Cody recommends. */
function farTail(x: number, factor: number): number {
  const head = Math.trunc(x * 16) / 16;
  const del = (x - head) * (x + head);
  return Math.exp(-head * (head / 2)) * Math.exp(-(del / 2)) * factor;
}

/** Φ(x) (lowerTail) or 1 − Φ(x). */
export function pnorm(x: number, lowerTail = true): number {
  const tails = normalTails(x);
  return lowerTail ? tails.lower : tails.upper;
}

/**
 * The standard normal quantile: the x with Φ(x) = p (lowerTail) or 1 − Φ(x) = p. p outside [0, 1]
 * gives NaN, 0 and 1 the infinities.
 */
export function qnorm(p: number, lowerTail = true): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return lowerTail ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (p === 1) return lowerTail ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  // The lower-tail probability, and the smaller tail taken straight from p when it is the input.
  const lowerP = lowerTail ? p : 0.5 - p + 0.5;
  const q = lowerP - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301227 + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) *
          r +
          13731.69376550946) *
          r +
          1971.5909503065513) *
          r +
          133.14166789178438) *
          r +
          3.3871328727963665)) /
      (((((((r * 5226.495278852854 + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
        r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
        1)
    );
  }
  const upperP = lowerTail ? 0.5 - p + 0.5 : p;
  let r = Math.sqrt(-log(q > 0 ? upperP : lowerP));
  let value: number;
  if (r <= 5) {
    r += -1.6;
    value =
      (((((((r * 0.0007745450142783414 + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) *
        r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((r * 1.0507500716444169e-9 + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1);
  } else {
    r += -5;
    value =
      (((((((r * 2.0103343992922881e-7 + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((r * 2.0442631033899397e-15 + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

// A correctly rounded natural logarithm (up to cases closer to a rounding boundary than 2^-100),
// from double-double arithmetic: x = 2^k·m with m in [√½, √2], log m = 2·atanh(s), s = (m−1)/(m+1).
const LN2_HI = Math.LN2;
const LN2_LO = 2.3190468138462996e-17;
const SPLITTER = 134217729; // 2^27 + 1

type DoubleDouble = [number, number];

function twoSum(a: number, b: number): DoubleDouble {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProduct(a: number, b: number): DoubleDouble {
  const p = a * b;
  const ca = SPLITTER * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLITTER * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function ddAdd(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const [s, e] = twoSum(a[0], b[0]);
  return quickTwoSum(s, e + a[1] + b[1]);
}

function quickTwoSum(a: number, b: number): DoubleDouble {
  const s = a + b;
  return [s, b - (s - a)];
}

function ddMul(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const [p, e] = twoProduct(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function ddDiv(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const q1 = a[0] / b[0];
  const r = ddAdd(a, ddMul(b, [-q1, 0]));
  const q2 = r[0] / b[0];
  const r2 = ddAdd(r, ddMul(b, [-q2, 0]));
  const q3 = r2[0] / b[0];
  return ddAdd(quickTwoSum(q1, q2), [q3, 0]);
}

/** log(x) for x > 0, correctly rounded. */
export function log(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  let k = Math.floor(Math.log2(x));
  let m = x / 2 ** k;
  while (m >= 2) {
    m /= 2;
    k++;
  }
  while (m < 1) {
    m *= 2;
    k--;
  }
  if (m > Math.SQRT2) {
    m /= 2;
    k++;
  }
  // m − 1 is exact (Sterbenz); m + 1 may round, so keep its error.
  const s = ddDiv([m - 1, 0], twoSum(m, 1));
  const s2 = ddMul(s, s);
  // 1 + s²/3 + s⁴/5 + ... : |s| <= 0.172, so 28 terms reach 2^-110.
  let sum: DoubleDouble = ddDiv([1, 0], [57, 0]);
  for (let n = 27; n >= 0; n--) sum = ddAdd(ddMul(sum, s2), ddDiv([1, 0], [2 * n + 1, 0]));
  const logM = ddMul(ddMul(s, sum), [2, 0]);
  const kLn2 = ddAdd(twoProduct(k, LN2_HI), twoProduct(k, LN2_LO));
  const total = ddAdd(kLn2, logM);
  return total[0] + total[1];
}
