import { Agent, get } from "node:http";

const agent = new Agent({ keepAlive: false });

/** What one health check found; `reason` says why it failed, for the supervisor's log. */
export type HealthCheckResult = { ok: true } | { ok: false; reason: string };

/**
 * One HTTP health check: ok when GET 127.0.0.1:port/path answers 2xx within the timeout. The timeout
 * bounds the whole exchange (a response that trickles in slower fails too), so it always settles.
 */
export function checkHealth(port: number, path: string, timeoutMs: number): Promise<HealthCheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: HealthCheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const req = get({ host: "127.0.0.1", port, path, agent }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on("end", () =>
        done(status >= 200 && status < 300 ? { ok: true } : { ok: false, reason: `answered ${status}` }),
      );
      res.on("error", (error) => done({ ok: false, reason: error.message }));
      res.on("aborted", () => done({ ok: false, reason: "the answer was cut off" }));
    });
    const deadline = setTimeout(() => {
      done({ ok: false, reason: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      done({ ok: false, reason: code === "ECONNREFUSED" ? "connection refused" : error.message });
    });
  });
}
