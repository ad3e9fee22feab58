// The metric source against a real Prometheus (Debian's, on 127.0.0.1, a free port, a temp
// storage folder), backfilled with promtool so nothing waits on the clock; and against a
// Prometheus that is down, slow or answers with an error.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchHttpClient } from "../../engine/node-services.js";
import { checkHealthy, queryRange } from "./client.js";
import { fetchMetricSetPairs, type RunScope } from "./source.js";
import {
  freePort,
  type Sample,
  startTestPrometheus,
  type TestPrometheus,
} from "./testdata/prometheus-kit.js";

// An hour ago, on a whole minute: 60 samples 15 s apart per group.
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
const POINTS = 60;
const samples: Sample[] = [];
for (let i = 0; i < POINTS; i++) {
  const time = T0 + i * 15_000;
  // Deterministic jitter: baseline ~100 ms, canary ~130 ms.
  const jitter = ((i * 37) % 11) - 5;
  samples.push({
    metric: "req_latency_ms",
    labels: { server_group: "app-v000", zone: "a" },
    time,
    value: 100 + jitter,
  });
  samples.push({
    metric: "req_latency_ms",
    labels: { server_group: "app-v001", zone: "a" },
    time,
    value: 130 + jitter,
  });
  samples.push({
    metric: "req_errors",
    labels: { server_group: "app-v000" },
    time,
    value: i % 7 === 0 ? Number.NaN : 0,
  });
}

let prom: TestPrometheus;
beforeAll(async () => {
  prom = await startTestPrometheus(samples);
}, 60_000);
afterAll(async () => {
  await prom?.stop();
});

const scope = (): RunScope => ({
  control: { scope: "app-v000", start: T0, end: T0 + (POINTS - 1) * 15_000 },
  experiment: { scope: "app-v001", start: T0, end: T0 + (POINTS - 1) * 15_000 },
  stepSeconds: 15,
});

describe("Prometheus metric source (real Prometheus)", () => {
  it("is healthy, and query_range over the window with the step gives every backfilled point", async () => {
    expect(await checkHealthy(fetchHttpClient, { url: prom.url })).toBeUndefined();
    const r = await queryRange(
      fetchHttpClient,
      { url: prom.url },
      {
        query: 'avg(req_latency_ms{server_group="app-v001"}) by (zone)',
        start: T0,
        end: T0 + (POINTS - 1) * 15_000,
        stepSeconds: 15,
      },
    );
    if ("error" in r) throw new Error(r.error);
    expect(r.series).toHaveLength(1);
    expect(r.series[0].labels).toEqual({ zone: "a" });
    expect(r.series[0].values).toEqual(
      samples.filter((s) => s.labels.server_group === "app-v001").map((s) => s.value),
    );
  });

  it("builds Kayenta's queries for both sides and pairs them; NaN comes through as NaN", async () => {
    const r = await fetchMetricSetPairs({
      http: fetchHttpClient,
      source: { url: prom.url },
      metrics: [
        {
          name: "latency",
          query: { type: "prometheus", metricName: "req_latency_ms", groupByFields: ["zone"] },
        },
        {
          name: "errors",
          query: { customInlineTemplate: 'PromQL:req_errors{server_group="${scope}"}' },
        },
      ],
      scope: scope(),
    });
    if ("error" in r) throw new Error(r.error);
    expect(r.queries.map((q) => q.experiment)).toEqual([
      'avg(req_latency_ms{server_group="app-v001"}) by (zone)',
      'req_errors{server_group="app-v001"}',
    ]);
    const latency = r.pairs.find((p) => p.name === "latency")!;
    expect(latency.tags).toEqual({ zone: "a" });
    expect(latency.values.control).toHaveLength(POINTS);
    expect(latency.values.experiment.every((v, i) => v - latency.values.control[i] === 30)).toBe(true);
    // The canary has no req_errors series: an empty experiment side (the judge's Nodata).
    const errors = r.pairs.find((p) => p.name === "errors")!;
    expect(errors.values.experiment).toEqual([]);
    expect(errors.values.control.filter(Number.isNaN)).toHaveLength(Math.ceil(POINTS / 7));
    expect(r.warnings).toEqual(["metric 'errors': no experiment series"]);
  });

  it("a metric with no series at all is one empty pair, not an error", async () => {
    const r = await fetchMetricSetPairs({
      http: fetchHttpClient,
      source: { url: prom.url },
      metrics: [{ name: "absent", query: { metricName: "no_such_metric" } }],
      scope: scope(),
    });
    expect(r).toMatchObject({
      pairs: [{ name: "absent", tags: {}, values: { control: [], experiment: [] } }],
    });
  });

  it("a query Prometheus rejects is an error naming the metric, Prometheus' reason and the query", async () => {
    const r = await fetchMetricSetPairs({
      http: fetchHttpClient,
      source: { url: prom.url },
      metrics: [{ name: "broken", query: { customInlineTemplate: "PromQL:sum(rate(x[1m]" } }],
      scope: scope(),
    });
    expect("error" in r && r.error).toMatch(
      /^metric 'broken' \(control\): Prometheus at http:\/\/127\.0\.0\.1:\d+: HTTP 400, bad_data: .*; query: sum\(rate\(x\[1m\]$/,
    );
  });
});

describe("a Prometheus that is down or slow", () => {
  let slow: Server;
  let slowUrl: string;
  beforeAll(async () => {
    // Accepts the request and never answers.
    slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", () => r()));
    const address = slow.address();
    slowUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });

  it("down: connection refused, said so", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await fetchMetricSetPairs({
      http: fetchHttpClient,
      source: { url },
      metrics: [{ name: "latency", query: { metricName: "req_latency_ms" } }],
      scope: scope(),
    });
    expect("error" in r && r.error).toBe(
      `metric 'latency' (control): Prometheus at ${url} is not reachable (connection refused): is it running?; query: avg(req_latency_ms{server_group="app-v000"})`,
    );
    expect(await checkHealthy(fetchHttpClient, { url })).toMatch(/connection refused/);
  });

  it("slow: the whole request is bounded by the timeout", async () => {
    const started = Date.now();
    const r = await queryRange(
      fetchHttpClient,
      { url: slowUrl, timeoutMs: 300 },
      { query: "up", start: T0, end: T0 + 60_000, stepSeconds: 15 },
    );
    expect(r).toEqual({ error: `Prometheus at ${slowUrl} did not answer within 300 ms` });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
