/** What replaces a secret's value wherever it would be written or shown. */
export const MASK = "***";

/**
 * Replaces every occurrence of the secret values in the strings (and map keys) of a plain value,
 * as GitHub masks secrets in logs. Values shorter than 4 characters are not masked (they would
 * blank out ordinary text).
 */
export function maskSecrets<T>(value: T, secrets: readonly string[]): T {
  const list = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return value;
  const maskText = (text: string): string => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return maskText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[maskText(k)] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
