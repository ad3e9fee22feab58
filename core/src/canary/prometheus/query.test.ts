import { describe, expect, it } from "vitest";
import { parseRangeAnswer } from "./client.js";
import { buildPrometheusQuery, expandTemplate } from "./query.js";
import { scrapeTargets } from "./scrape-config.js";
import { pairSeries } from "./source.js";

const canary = { scope: "myapp-prod-canary-v000", location: "local" };

describe("Kayenta's Prometheus query shapes", () => {
  it("avg(metric{scope matchers, labelBindings}) by (groupByFields)", () => {
    expect(
      buildPrometheusQuery(
        "errors",
        { type: "prometheus", metricName: "http_requests_total", labelBindings: ['status=~"5.."'] },
        canary,
      ),
    ).toEqual({
      query: 'avg(http_requests_total{server_group="myapp-prod-canary-v000",status=~"5.."})',
    });
    expect(
      buildPrometheusQuery("cpu", { metricName: "cpu", groupByFields: ["job", "zone"] }, canary),
    ).toEqual({ query: 'avg(cpu{server_group="myapp-prod-canary-v000"}) by (job,zone)' });
  });

  it("a filter template's tokens replace the scope matchers; ${scope} and extended params expand", () => {
    const side = { scope: "canary", location: "us", extendedScopeParams: { namespace: "ns1" } };
    expect(
      buildPrometheusQuery(
        "cpu",
        { metricName: "container_cpu", customFilterTemplate: "std", labelBindings: ['a="b"'] },
        side,
        { std: "namespace='${namespace}', scope='${scope}'" },
      ),
    ).toEqual({ query: "avg(container_cpu{namespace='ns1', scope='canary',a=\"b\"})" });
    expect(buildPrometheusQuery("cpu", { metricName: "x", customFilterTemplate: "nope" }, side)).toEqual({
      error: "metric 'cpu': custom filter template 'nope' was not found in the config's templates",
    });
  });

  it("PromQL: passes the expansion through verbatim; {{scope}} stands for the scope's matchers", () => {
    expect(
      buildPrometheusQuery(
        "p99",
        { customInlineTemplate: 'PromQL:histogram_quantile(0.99, rate(lat_bucket{group="${scope}"}[1m]))' },
        canary,
      ),
    ).toEqual({ query: 'histogram_quantile(0.99, rate(lat_bucket{group="myapp-prod-canary-v000"}[1m]))' });
    expect(
      buildPrometheusQuery(
        "e",
        { customInlineTemplate: 'PromQL:sum(rate(x{{{scope}},a="1"}[30s]))' },
        canary,
      ),
    ).toEqual({ query: 'sum(rate(x{server_group="myapp-prod-canary-v000",a="1"}[30s]))' });
  });

  it("Kayenta's resource types; an unknown one and customFilter are errors", () => {
    expect(
      buildPrometheusQuery(
        "m",
        { metricName: "m", resourceType: "gce_instance" },
        { scope: "app-v001", location: "us-central1", extendedScopeParams: { project: "p" } },
      ),
    ).toEqual({ query: 'avg(m{instance=~"app-v001-.{4}",zone=~".+/projects/p/zones/us-central1-.{1}"})' });
    expect(
      buildPrometheusQuery(
        "m",
        { metricName: "m", resourceType: "aws_ec2_instance" },
        { scope: "asg", location: "us-east-1" },
      ),
    ).toEqual({ query: 'avg(m{asg_groupName="asg",zone=~"us-east-1.{1}"})' });
    expect(buildPrometheusQuery("m", { metricName: "m", resourceType: "k8s_pod" }, canary)).toHaveProperty(
      "error",
    );
    expect(buildPrometheusQuery("m", { metricName: "m", customFilter: "x" }, canary)).toHaveProperty("error");
    expect(buildPrometheusQuery("m", { type: "datadog", metricName: "m" }, canary)).toHaveProperty("error");
    expect(buildPrometheusQuery("m", {}, canary)).toHaveProperty("error");
  });

  it("expands like StringSubstitutor: unknown variables stay as written", () => {
    expect(expandTemplate("${a}-${b}", { a: "1" })).toBe("1-${b}");
  });
});

describe("query_range answers", () => {
  it("reads a matrix: __name__ out of the labels, NaN/Inf as doubles", () => {
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: { __name__: "up", job: "a" },
            values: [
              [1, "1"],
              [2, "NaN"],
              [3, "+Inf"],
              [4, "-Inf"],
            ],
          },
        ],
      },
    });
    expect(parseRangeAnswer(200, body)).toEqual({
      series: [
        {
          name: "up",
          labels: { job: "a" },
          timestamps: [1, 2, 3, 4],
          values: [1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
        },
      ],
    });
  });

  it("an error answer or a body that is not JSON is an error naming it", () => {
    expect(
      parseRangeAnswer(400, JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" })),
    ).toEqual({ error: "HTTP 400, bad_data: parse error" });
    expect(parseRangeAnswer(502, "<html>bad gateway</html>")).toEqual({
      error: "HTTP 502 with a body that is not Prometheus JSON: <html>bad gateway</html>",
    });
  });
});

describe("pairing series", () => {
  const s = (labels: Record<string, string>, values: number[]) => ({ labels, timestamps: [], values });
  it("no series on a side is an empty side (Nodata for the judge)", () => {
    expect(pairSeries("m", [], [s({}, [1])])).toEqual([
      { name: "m", tags: {}, values: { control: [], experiment: [1] } },
    ]);
  });
  it("pairs by labels; a label set on one side only gets an empty other side", () => {
    expect(
      pairSeries("m", [s({ z: "a" }, [1]), s({ z: "b" }, [2])], [s({ z: "b" }, [3]), s({ z: "c" }, [4])]),
    ).toEqual([
      { name: "m", tags: { z: "a" }, values: { control: [1], experiment: [] } },
      { name: "m", tags: { z: "b" }, values: { control: [2], experiment: [3] } },
      { name: "m", tags: { z: "c" }, values: { control: [], experiment: [4] } },
    ]);
  });
});

describe("scrape targets of the local provider", () => {
  it("one target per instance with its server group, cluster and moniker", () => {
    expect(
      scrapeTargets({
        clusters: [
          {
            name: "myapp-prod-canary",
            serverGroups: [
              {
                name: "myapp-prod-canary-v000",
                image: "v2",
                instances: [{ id: "myapp-prod-canary-v000-i0", port: 4001 }],
              },
              { name: "myapp-prod-canary-v001", destroying: true, instances: [{ id: "x", port: 4002 }] },
            ],
          },
        ],
      }),
    ).toEqual([
      {
        targets: ["127.0.0.1:4001"],
        labels: {
          server_group: "myapp-prod-canary-v000",
          cluster: "myapp-prod-canary",
          instance_id: "myapp-prod-canary-v000-i0",
          application: "myapp",
          stack: "prod",
          detail: "canary",
          image: "v2",
        },
      },
    ]);
  });
});
