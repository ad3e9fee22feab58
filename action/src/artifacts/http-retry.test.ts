import { describe, expect, it } from "vitest";
import { HttpRetryError, type RetryPolicy, sendWithRetry } from "./http-retry.js";

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 50 };
const SECRET = "secret-token-value";

/** A scripted fetch: each call takes the next answer (a status, an error, or "hang"). */
function scripted(answers: (number | Error | "hang" | [number, Record<string, string>])[]) {
  const seen: string[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push(String(url));
    const next = answers.shift();
    if (next === undefined) throw new Error("unexpected request");
    if (next instanceof Error) throw next;
    if (next === "hang")
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    return new Response(status === 204 ? null : `body ${status}`, { status, headers });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

describe("sendWithRetry", () => {
  it("retries 503, 429, network errors and timeouts with growing waits, then returns the answer", async () => {
    const waits: number[] = [];
    const log: string[] = [];
    const { fetch, seen } = scripted([503, [429, { "retry-after": "0.25" }], "hang", 200]);
    const res = await sendWithRetry("call", "https://h/x?sig=abc", {}, policy, {
      fetch,
      sleep: async (ms) => {
        waits.push(ms);
      },
      log: (l) => log.push(l),
      random: () => 0,
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("body 200");
    expect(seen).toHaveLength(4);
    expect(waits).toEqual([100, 250, 225]); // backoff, Retry-After, backoff * 1.5^2
    expect(log[2]).toMatch(/attempt 3 of 4 failed \(no response within 50 ms\)/);
  });

  it("does not retry answers that will not change (4xx)", async () => {
    const { fetch, seen } = scripted([404]);
    const res = await sendWithRetry("call", "https://h/x", {}, policy, { fetch, sleep: async () => {} });
    expect(res.status).toBe(404);
    expect(seen).toHaveLength(1);
  });

  it("gives up after the last attempt with a redacted message", async () => {
    const failure = new TypeError("fetch failed", {
      cause: { message: `connect to https://h/x?sig=abc with ${SECRET}` },
    });
    const { fetch } = scripted([503, 503, 500, failure]);
    const log: string[] = [];
    const error = await sendWithRetry(
      "call",
      "https://h/x?sig=abc",
      {},
      policy,
      {
        fetch,
        sleep: async () => {},
        log: (l) => log.push(l),
      },
      [SECRET],
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRetryError);
    expect((error as Error).message).toBe("call failed: connect to https://h/x?… with *** (4 attempts)");
    expect(log.join("\n")).not.toMatch(/sig=abc|secret-token/);
  });

  it("keeps the status of the last failed answer", async () => {
    const { fetch } = scripted([503, 503, 503, 503]);
    const error = await sendWithRetry("call", "https://h/x", {}, policy, {
      fetch,
      sleep: async () => {},
    }).catch((e: unknown) => e);
    expect((error as HttpRetryError).status).toBe(503);
    expect((error as Error).message).toBe("call failed: HTTP 503 (4 attempts)");
  });
});
