import type { StageContext } from "../../engine/handler.js";
import { type HttpResponse, HttpTransportError } from "../../engine/services.js";
import { checkUrlAllowed, type UrlPolicy } from "../../expr/index.js";

/** Headers Orca silently drops from custom headers. */
const DENIED_HEADERS = new Set([
  "x-spinnaker-user",
  "x-spinnaker-account",
  "x-spinnaker-user-origin",
  "x-spinnaker-request-id",
  "x-spinnaker-execution-id",
]);

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Custom headers as single strings (lists joined), deny-listed ones removed. */
export function headersOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (DENIED_HEADERS.has(k.toLowerCase())) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(", ") : typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

/**
 * Orca's URL restrictions (via the expression module's policy). Loopback URLs are refused unless
 * the engine was started with `allowLoopbackUrls` (tests against a local server, local tools).
 */
export async function urlRefusal(ctx: StageContext, url: string): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${url}' is not an absolute URL`;
  }
  if (ctx.services.allowLoopbackUrls && LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase())) return undefined;
  const policy: UrlPolicy = {};
  const staticVerdict = checkUrlAllowed(url, [], policy);
  if (!staticVerdict.allowed) return staticVerdict.reason;
  const lookup = ctx.services.http?.lookup;
  if (!lookup) return undefined;
  let addresses: string[];
  try {
    addresses = await lookup(parsed.hostname);
  } catch {
    // An unknown host is a transport error the tasks retry; the request itself will report it.
    return undefined;
  }
  const verdict = checkUrlAllowed(url, addresses, policy);
  return verdict.allowed ? undefined : verdict.reason;
}

/** Orca's `webhook` result shape for a response. */
export function responseView(res: HttpResponse): Record<string, unknown> {
  const text = res.body.trim();
  let body: unknown = res.body;
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = res.body;
    }
  }
  return { statusCode: res.status, statusCodeValue: res.status, headers: res.headers, body };
}

export type Sent = { ok: true; response: HttpResponse } | { ok: false; error: HttpTransportError };

/** Sends a request through the injected client; transport failures come back as data. */
export async function send(
  ctx: StageContext,
  method: string,
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
): Promise<Sent> {
  const http = ctx.services.http;
  if (!http)
    return { ok: false, error: new HttpTransportError("other", "no HTTP client was given to the engine") };
  const hasBody = payload !== undefined && payload !== null && !["GET", "HEAD"].includes(method);
  const body = hasBody ? (typeof payload === "string" ? payload : JSON.stringify(payload)) : undefined;
  const allHeaders =
    hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")
      ? { "Content-Type": "application/json", ...headers }
      : headers;
  try {
    return {
      ok: true,
      response: await http.request({ method, url, headers: allHeaders, body, signal: ctx.signal }),
    };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof HttpTransportError ? error : new HttpTransportError("other", String(error)),
    };
  }
}
