// A tiny demo service for the local provider: answers with its image label and instance id.
//   GET /healthz        health check
//   GET /?delay=200     answers after 200 ms (to watch in-flight requests drain)
//   GET /metrics        Prometheus metrics (prom-client): http_requests_total{status},
//                       http_request_duration_seconds (histogram, by status)
// FAIL_START=true makes it exit at once (to show a deploy failing and rolling back).
// Switches that make a version worse, for canary analysis (examples/canary.yml):
//   CAPSTAN_DEMO_ERROR_RATE=0.1    answer 10% of requests with 500 (every tenth: deterministic;
//                                  "10%" works too)
//   CAPSTAN_DEMO_LATENCY_MS=200    add 200 ms to every answer
// Without prom-client installed (npm install prom-client) the service runs and /metrics is 404.
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 8080);
const image = process.env.CAPSTAN_IMAGE ?? "unknown";
const instance = process.env.CAPSTAN_INSTANCE_ID ?? `pid-${process.pid}`;

if (process.env.FAIL_START === "true") {
  console.error(`${instance}: FAIL_START=true, exiting`);
  process.exit(1);
}

/** A rate from "0.1", "10%" or "" (0), clamped to [0, 1]. */
function rate(text) {
  const t = String(text ?? "").trim();
  if (t === "") return 0;
  const n = t.endsWith("%") ? Number(t.slice(0, -1)) / 100 : Number(t);
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}
const errorRate = rate(process.env.CAPSTAN_DEMO_ERROR_RATE);
const extraLatencyMs = Math.max(0, Number(process.env.CAPSTAN_DEMO_LATENCY_MS ?? 0) || 0);
if (errorRate > 0 || extraLatencyMs > 0)
  console.log(`${instance}: answering ${errorRate * 100}% of requests with 500, adding ${extraLatencyMs} ms`);

const metrics = await import("prom-client").then(
  (m) => {
    const client = m.default ?? m;
    const register = new client.Registry();
    const requests = new client.Counter({
      name: "http_requests_total",
      help: "Requests answered, by status code.",
      labelNames: ["status"],
      registers: [register],
    });
    const duration = new client.Histogram({
      name: "http_request_duration_seconds",
      help: "Time to answer a request, by status code.",
      labelNames: ["status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [register],
    });
    // Both statuses exist from the start, so an error rate of 0 is a series of zeros, not no data.
    for (const status of ["200", "500"]) {
      requests.labels({ status }).inc(0);
      duration.labels({ status });
    }
    return { register, requests, duration };
  },
  () => {
    console.log(`${instance}: prom-client is not installed; /metrics is off`);
    return undefined;
  },
);

let answered = 0;
/** Deterministic errors: request n fails when floor(n * rate) moves (every tenth at 0.1). */
function shouldFail() {
  answered += 1;
  return Math.floor(answered * errorRate) > Math.floor((answered - 1) * errorRate);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  if (url.pathname === "/healthz") {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("ok\n");
    return;
  }
  if (url.pathname === "/metrics") {
    if (!metrics) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("prom-client is not installed\n");
      return;
    }
    metrics.register.metrics().then(
      (text) => {
        response.writeHead(200, { "content-type": metrics.register.contentType });
        response.end(text);
      },
      (error) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(`${error}\n`);
      },
    );
    return;
  }
  const started = process.hrtime.bigint();
  const delay = Math.min(Number(url.searchParams.get("delay") ?? 0) || 0, 10_000) + extraLatencyMs;
  const fail = shouldFail();
  setTimeout(() => {
    const status = fail ? 500 : 200;
    response.writeHead(status, { "content-type": "application/json" });
    response.end(`${JSON.stringify(fail ? { image, instance, error: "injected" } : { image, instance })}\n`);
    if (metrics) {
      const labels = { status: String(status) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }, delay);
});

server.listen(port, "127.0.0.1");
// Finish in-flight requests, then exit.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
