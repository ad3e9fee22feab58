import type { StageContext } from "../../engine/handler.js";
import { type HttpClient, type HttpResponse, HttpTransportError } from "../../engine/services.js";
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

/** Largest webhook response body read, as for URL functions. */
export const MAX_WEBHOOK_BODY_BYTES = 10 << 20;

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
 * Where a request to `url` may go: refused (Orca's URL restrictions, via the expression module's
 * policy), or allowed with the addresses that were checked, to which the request must connect (a
 * second DNS answer cannot send it elsewhere). A lookup that fails sends nothing: it comes back as
 * the unknown-host transport error, which the tasks retry as Orca retries an UnknownHostException.
 * Names that resolve to loopback (and the literal loopback hosts) are accepted only when
 * `allowLoopback` is set (tests against a local server, local tools).
 */
export type Target =
  | { ok: true; addresses?: string[] }
  | { ok: false; refusal: string }
  | { ok: false; error: HttpTransportError };

export async function checkTarget(
  http: Pick<HttpClient, "lookup"> | undefined,
  url: string,
  allowLoopback: boolean,
): Promise<Target> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, refusal: `'${url}' is not an absolute URL` };
  }
  if (allowLoopback && LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase())) return { ok: true };
  const policy: UrlPolicy = { allowLoopbackAddresses: allowLoopback };
  const staticVerdict = checkUrlAllowed(url, [], policy);
  if (!staticVerdict.allowed) return { ok: false, refusal: staticVerdict.reason };
  // A client without a resolver is a test double or does its own checks.
  const lookup = http?.lookup;
  if (!lookup) return { ok: true };
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = await lookup(host);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      error: new HttpTransportError("unknown-host", `could not resolve ${host} (${why}); nothing was sent`),
    };
  }
  if (addresses.length === 0)
    return {
      ok: false,
      error: new HttpTransportError(
        "unknown-host",
        `could not resolve ${host} (no address); nothing was sent`,
      ),
    };
  const verdict = checkUrlAllowed(url, addresses, policy);
  return verdict.allowed ? { ok: true, addresses } : { ok: false, refusal: verdict.reason };
}

/** `checkTarget` with the stage's HTTP client and the engine's loopback switch. */
export function stageTarget(ctx: StageContext, url: string): Promise<Target> {
  return checkTarget(ctx.services.http, url, ctx.services.allowLoopbackUrls === true);
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
  payload: unknown,
  addresses: readonly string[] | undefined,
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
      response: await http.request({
        method,
        url,
        headers: allHeaders,
        body,
        signal: ctx.signal,
        maxBodyBytes: MAX_WEBHOOK_BODY_BYTES,
        ...(addresses ? { addresses } : {}),
      }),
    };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof HttpTransportError ? error : new HttpTransportError("other", String(error)),
    };
  }
}
