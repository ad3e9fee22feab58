// Transcripts as comparable fixtures: the recorded requests with what differs between two runs of
// the same steps (uids, resourceVersions, times, generated name suffixes, watch timeouts, document
// hashes, ports, the client's build) replaced by placeholders, so a run against the double and a
// later run against a real cluster can be diffed request by request.
import type { TranscriptEntry } from "./server.js";

export interface FixtureEntry {
  method: string;
  path: string;
  contentType?: string;
  requestBody?: unknown;
  status: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const VOLATILE_META = new Set(["uid", "resourceVersion", "creationTimestamp", "managedFields", "selfLink"]);

function scrub(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => scrub(x));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (key === "metadata" && VOLATILE_META.has(k)) continue;
      out[k] = scrub(x, k);
    }
    return out;
  }
  if (typeof v === "string") {
    if (UUID.test(v)) return "<uid>";
    if (TIME.test(v)) return "<time>";
  }
  return v;
}

function scrubPath(path: string): string {
  const [p, q] = path.split("?");
  const pathPart = p.replace(/-[bcdfghjklmnpqrstvwxz2456789]{5}(?=\/|$)/g, "-<suffix>");
  if (!q) return pathPart;
  const params = new URLSearchParams(q);
  for (const k of ["resourceVersion", "timeoutSeconds", "timeout", "hash", "continue"])
    if (params.has(k)) params.set(k, `<${k}>`);
  params.sort();
  return `${pathPart}?${decodeURIComponent(params.toString())}`;
}

/** The entries with run-specific values replaced, response bodies left out. */
export function toFixture(entries: TranscriptEntry[]): FixtureEntry[] {
  return entries.map((e) => {
    const f: FixtureEntry = { method: e.method, path: scrubPath(e.path), status: e.status };
    if (e.contentType) f.contentType = e.contentType;
    if (e.requestBody !== undefined) f.requestBody = scrub(e.requestBody);
    return f;
  });
}
