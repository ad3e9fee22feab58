// A bounded loopback load generator: `workers` concurrent loops send GET requests to a URL until
// stopped, `maxRequests` are sent, or `maxMs` pass. Records every request's outcome, latency and the
// image that answered, so a test or benchmark can check that no request failed during a switch.
import { Agent, get } from "node:http";

/**
 * Starts generating load; returns { stop(): Promise<Result> }.
 * Result: { sent, failed, failures: [{at, error}], samples: [{at, ms, image, status}] }.
 */
export function startLoad(url, { workers = 4, maxRequests = 200_000, maxMs = 120_000, path = "/" } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const samples = [];
  const failures = [];
  let sent = 0;
  let stopped = false;
  const started = Date.now();
  const one = () =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const at = Date.now();
      const req = get(`${url}${path}`, { agent, timeout: 10_000 }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => {
          const ms = performance.now() - t0;
          if (res.statusCode !== 200) {
            failures.push({ at, error: `HTTP ${res.statusCode}: ${body.trim().slice(0, 200)}` });
          } else {
            let image;
            try {
              image = JSON.parse(body).image;
            } catch {
              failures.push({ at, error: `bad body: ${body.slice(0, 200)}` });
            }
            samples.push({ at, ms, image, status: res.statusCode });
          }
          resolve();
        });
        res.on("error", (error) => {
          failures.push({ at, error: String(error) });
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error) => {
        failures.push({ at, error: String(error.code ?? error.message) });
        resolve();
      });
    });
  const loop = async () => {
    while (!stopped && sent < maxRequests && Date.now() - started < maxMs) {
      sent++;
      await one();
    }
  };
  const loops = Array.from({ length: workers }, loop);
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return { sent, failed: failures.length, failures, samples, durationMs: Date.now() - started };
    },
  };
}

/** p-th percentile (0..100) of a list of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The images that answered, in order of first appearance, with the time each was first and last seen. */
export function imageTimeline(samples) {
  const seen = new Map();
  for (const s of [...samples].sort((a, b) => a.at - b.at)) {
    const entry = seen.get(s.image) ?? { image: s.image, first: s.at, last: s.at, count: 0 };
    entry.last = s.at;
    entry.count++;
    seen.set(s.image, entry);
  }
  return [...seen.values()];
}
