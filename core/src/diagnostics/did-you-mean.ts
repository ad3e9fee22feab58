// Did-you-mean: the closest known name to a misspelt one. The checker runs it for every unknown
// name against every stage name and id on every edit, so a word is prepared once (Myers' bit-parallel
// Levenshtein: one pass of word operations per candidate character), and callers may keep the
// candidates' lower-case forms between calls (closestFolded).

/** Longest word the bit-parallel distance handles (one 32-bit word of state). */
const MAX_BITS = 32;

/** Longest word `closest` looks for a match of. */
const MAX_WORD = 10_000;

/** A word prepared for distance computations against many candidates (case-sensitive). */
class Pattern {
  private readonly ascii = new Int32Array(128);
  private readonly other = new Map<number, number>();
  readonly length: number;

  constructor(readonly text: string) {
    this.length = text.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 128) this.ascii[code] |= 1 << i;
      else this.other.set(code, (this.other.get(code) ?? 0) | (1 << i));
    }
  }

  /**
   * Levenshtein distance to `b`, or `limit + 1` once it is certain to exceed `limit`. Myers (1999)
   * in Hyyrö's formulation; `length` is at most 32.
   */
  distance(b: string, limit: number): number {
    const m = this.length;
    const n = b.length;
    if (Math.abs(m - n) > limit) return limit + 1;
    if (m === 0) return n;
    const last = 1 << (m - 1);
    let pv = -1;
    let mv = 0;
    let score = m;
    for (let j = 0; j < n; j++) {
      const code = b.charCodeAt(j);
      const eq = code < 128 ? this.ascii[code] : (this.other.get(code) ?? 0);
      const xv = eq | mv;
      // The addition may carry past bit 31; `^` brings it back to 32 bits, as the algorithm wants.
      const xh = (((eq & pv) + pv) ^ pv) | eq;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      if (ph & last) score++;
      else if (mh & last) score--;
      // Each remaining character lowers the score by at most one.
      if (score - (n - j - 1) > limit) return limit + 1;
      ph = (ph << 1) | 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    return score <= limit ? score : limit + 1;
  }
}

// Two rows reused across calls, for words longer than MAX_BITS.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Row-by-row Levenshtein for long words, bounded like `Pattern.distance`. */
function rowDistance(a: string, b: string, limit: number): number {
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length * 2 + 1);
    rowB = new Int32Array(b.length * 2 + 1);
  }
  let previous = rowA;
  let current = rowB;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] <= limit ? previous[b.length] : limit + 1;
}

/** Levenshtein distance, bounded: returns `limit + 1` as soon as it is exceeded. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length <= MAX_BITS) return new Pattern(a).distance(b, limit);
  if (b.length <= MAX_BITS) return new Pattern(b).distance(a, limit);
  return rowDistance(a, b, limit);
}

export interface MatchOptions {
  /** The smallest distance limit, whatever the word's length (the limit is otherwise length / 3). */
  minLimit?: number;
  /** Accept a candidate containing the word or contained in it (both at least 3 letters long). */
  containment?: boolean;
}

/** The candidate closest to `word` (case-insensitive), if it is close enough to be a typo. */
export function closest(
  word: string,
  candidates: Iterable<string>,
  options: MatchOptions = {},
): string | undefined {
  const list = [...candidates];
  return closestFolded(
    word,
    list,
    list.map((c) => c.toLowerCase()),
    options,
  );
}

/**
 * `closest` over candidates whose lower-case forms are given (`folded[i]` is
 * `candidates[i].toLowerCase()`), for callers that keep them between calls.
 */
export function closestFolded(
  word: string,
  candidates: readonly string[],
  folded: readonly string[],
  options: MatchOptions = {},
): string | undefined {
  // No name worth suggesting is this long; a huge word (a 50 MB key) must not be compared at all.
  if (word.length > MAX_WORD) return undefined;
  const lower = word.toLowerCase();
  const limit = Math.max(options.minLimit ?? 1, Math.floor(word.length / 3));
  const pattern = lower.length <= MAX_BITS ? new Pattern(lower) : undefined;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (let i = 0; i < candidates.length; i++) {
    const c = folded[i];
    // Only a strictly closer candidate can win, so the bound tightens as better ones are found.
    const bound = Math.min(limit, bestDistance - 1);
    let distance =
      Math.abs(c.length - lower.length) > bound
        ? bound + 1
        : pattern
          ? pattern.distance(c, bound)
          : rowDistance(lower, c, bound);
    // A name contained in the other is a plausible fix even when many letters differ (it counts as
    // `limit`, so it only wins while nothing within the limit has been found).
    if (distance > bound && options.containment && bestDistance > limit) {
      const contained = Math.min(c.length, lower.length) >= 3 && (c.includes(lower) || lower.includes(c));
      distance = contained ? limit : bound + 1;
    }
    if (distance < bestDistance) {
      best = candidates[i];
      bestDistance = distance;
      if (distance === 0) break;
    }
  }
  return best;
}

/** The lenient matching expressions use: a limit of at least 2, and containment counts. */
export const LENIENT_MATCH: MatchOptions = { minLimit: 2, containment: true };

/** `closest` with `LENIENT_MATCH`. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  return closest(word, candidates, LENIENT_MATCH);
}

/** ` Did you mean 'x'?` or the empty string; `quote` surrounds the suggestion. */
export function didYouMean(
  word: string,
  candidates: Iterable<string>,
  quote = "'",
  options: MatchOptions = {},
): string {
  const match = closest(word, candidates, options);
  return match === undefined ? "" : ` Did you mean ${quote}${match}${quote}?`;
}
