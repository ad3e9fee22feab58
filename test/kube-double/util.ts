// Small helpers shared by the machinery and the controllers.
import { createHash, randomBytes, randomUUID } from "node:crypto";

// The alphabet Kubernetes uses for generated name suffixes and hashes (no vowels, no confusable digits).
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A random suffix like the server's generateName uses (5 characters). */
export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  let out = "";
  for (let i = 0; i < n; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

/** A short stable hash of a value (pod-template-hash, controller-revision-hash). */
export function shortHash(value: unknown, collisionCount = 0): string {
  const digest = createHash("sha256").update(stableJson(value)).update(String(collisionCount)).digest();
  let n = digest.readUInt32BE(0);
  let out = "";
  for (let i = 0; i < 10 && n > 0; i++) {
    out += ALPHABET[n % ALPHABET.length];
    n = Math.floor(n / ALPHABET.length);
  }
  return out || "b";
}

/** JSON with object keys sorted, so equal values hash equally. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(",")}}`;
}

export function uid(): string {
  return randomUUID();
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function now(ms = Date.now()): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** RFC 3339 with microseconds (metav1.MicroTime: managedFields times, events' eventTime). */
export function microNow(ms = Date.now()): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** Human-readable age as kubectl and the server's tables print it. */
export function age(fromIso: string | undefined, nowMs = Date.now()): string {
  if (!fromIso) return "<unknown>";
  const s = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** An int-or-string like "25%" or 2 against a total; percentages round up or down as asked. */
export function intOrPercent(
  v: number | string | undefined,
  total: number,
  roundUp: boolean,
  fallback: number,
): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) {
    const x = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
