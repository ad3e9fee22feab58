const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds of a duration like `90s`, `1h30m`, `2d`; undefined when it isn't one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]];
  return Math.round(total);
}

/** A duration in the shortest form, e.g. 5400000 -> `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0s";
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join("");
}

/** A duration in words, e.g. `1 hour 30 minutes` (for hovers and inlay hints). */
export function durationInWords(ms: number): string {
  const names: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  const words: string[] = [];
  let rest = ms;
  for (const [size, name] of names) {
    const count = Math.floor(rest / size);
    if (count > 0) words.push(`${count} ${name}${count === 1 ? "" : "s"}`);
    rest %= size;
  }
  if (rest > 0 || words.length === 0) words.push(`${rest} ms`);
  return words.join(" ");
}
