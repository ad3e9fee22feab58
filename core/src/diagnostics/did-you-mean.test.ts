import { describe, expect, test } from "vitest";
import { closest, editDistance, LENIENT_MATCH } from "./did-you-mean.js";

/** Textbook Levenshtein, no bound, no reuse. */
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** The matching rule spelled out: smallest distance within the limit, first on ties, containment as the limit. */
function reference(word: string, candidates: string[], minLimit: number, containment: boolean) {
  const lower = word.toLowerCase();
  const limit = Math.max(minLimit, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    let distance = levenshtein(lower, c);
    if (
      distance > limit &&
      containment &&
      Math.min(c.length, lower.length) >= 3 &&
      (c.includes(lower) || lower.includes(c))
    )
      distance = limit;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function words(seed: number) {
  let state = seed;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  // Upper case, a non-ASCII letter whose lower case is longer (İ), and one outside the BMP.
  const alphabet = ["a", "b", "c", "A", "B", " ", "-", "1", "é", "İ", "😀"];
  return (max: number) =>
    Array.from({ length: random(max) }, () => alphabet[random(alphabet.length)]).join("");
}

describe("did-you-mean", () => {
  test("the bounded distance equals Levenshtein within the bound, and exceeds it otherwise", () => {
    const word = words(3);
    for (let i = 0; i < 2000; i++) {
      // Words of up to 40 characters: both sides of the 32-character bit-parallel limit.
      const a = word(i % 2 ? 12 : 40);
      const b = word(40);
      const limit = i % 5;
      const exact = levenshtein(a, b);
      expect(editDistance(a, b), `${a}|${b}`).toBe(exact);
      expect(editDistance(a, b, limit), `${a}|${b}|${limit}`).toBe(exact <= limit ? exact : limit + 1);
    }
  });

  test("closest picks what the spelled-out rule picks (strict and lenient)", () => {
    const word = words(5);
    for (let i = 0; i < 400; i++) {
      // Every fourth round has long words (past the bit-parallel limit) and candidates.
      const max = i % 4 === 1 ? 40 : 10;
      const candidates = Array.from({ length: 1 + (i % 30) }, () => word(max));
      const target = i % 3 === 0 ? `${candidates[i % candidates.length]}x` : word(max);
      expect(closest(target, candidates), target).toBe(reference(target, candidates, 1, false));
      expect(closest(target, candidates, LENIENT_MATCH), target).toBe(reference(target, candidates, 2, true));
    }
  });
});
