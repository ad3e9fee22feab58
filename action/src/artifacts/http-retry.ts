import { redactText } from "./redact.js";

/** How hard to try one HTTP exchange. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; each later wait is 1.5 times longer, plus up to 50% jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Limit for one try, response body included. */
  timeoutMs: number;
}

/** The outside world of the artifact client, replaceable in tests. */
export interface HttpHooks {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Progress lines (retries); already redacted. */
  log?: (line: string) => void;
  random?: () => number;
}

/** A response read to its end. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** The exchange failed on every try (network errors, timeouts, 429 or 5xx responses). */
export class HttpRetryError extends Error {
  override name = "HttpRetryError";
  constructor(
    message: string,
    /** The last response's status, when the last try got one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

// What GitHub's artifact client retries (429, 500, 502, 503, 504), plus 408 (request timeout).
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no response within ${timeoutMs} ms`;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Sends a request, retrying network errors, timeouts, 408, 429 and 5xx answers with exponential
 * backoff (or the server's Retry-After); returns the first other response, whatever its status.
 * `what` names the exchange in messages; every message is redacted of URL queries and `secrets`.
 */
export async function sendWithRetry(
  what: string,
  url: string,
  init: RequestInit,
  policy: RetryPolicy,
  hooks: HttpHooks = {},
  secrets: readonly string[] = [],
): Promise<HttpResponse> {
  const doFetch = hooks.fetch ?? fetch;
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let status: number | undefined;
    let serverWait: number | undefined;
    try {
      const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
      const body = Buffer.from(await res.arrayBuffer());
      if (!RETRYABLE.has(res.status)) return { status: res.status, headers: res.headers, body };
      status = res.status;
      failure = `HTTP ${res.status}`;
      serverWait = retryAfterMs(res.headers.get("retry-after"));
    } catch (error) {
      failure = describe(error, policy.timeoutMs);
    }
    if (attempt >= policy.attempts)
      throw new HttpRetryError(
        redactText(`${what} failed: ${failure} (${attempt} attempt${attempt > 1 ? "s" : ""})`, secrets),
        status,
      );
    const backoff = policy.baseDelayMs * 1.5 ** (attempt - 1) * (1 + random() / 2);
    const wait = Math.round(Math.min(policy.maxDelayMs, serverWait ?? backoff));
    hooks.log?.(
      redactText(
        `${what}: attempt ${attempt} of ${policy.attempts} failed (${failure}), retrying in ${wait} ms`,
        secrets,
      ),
    );
    await sleep(wait);
  }
}
