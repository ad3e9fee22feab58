// Two rows reused across calls: the checker calls this for every unknown name against every
// stage name on every edit, and allocating rows per candidate showed up in profiles.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Levenshtein distance, bounded: returns `limit + 1` as soon as it is exceeded. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
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
  return previous[b.length];
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
  const lower = word.toLowerCase();
  const limit = Math.max(options.minLimit ?? 1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    // Only a strictly closer candidate can win, so the bound tightens as better ones are found.
    const bound = Math.min(limit, bestDistance - 1);
    let distance = editDistance(lower, c, bound);
    if (distance > bound) {
      // A name contained in the other is a plausible fix even when many letters differ (it counts
      // as `limit`, so it only wins while nothing within the limit has been found).
      const contained =
        options.containment &&
        Math.min(c.length, lower.length) >= 3 &&
        (c.includes(lower) || lower.includes(c));
      distance = contained ? limit : bound + 1;
    }
    if (distance < bestDistance) {
      best = candidate;
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
