import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { SourceText } from "../diagnostics/source-text.js";
import { isCanaryConfigPath, loadCanaryConfig, metricAnalysis } from "./config.js";
import { loadMetricSetPairs } from "./metric-set-pairs.js";

const KAYENTA_JSON = readFileSync(new URL("./testdata/kayenta-prometheus.json", import.meta.url), "utf8");

/** Each diagnostic as `line:col severity code message` (1-based), for readable expectations. */
function where(text: string, path: string) {
  const { diagnostics } = loadCanaryConfig(text, path);
  const source = new SourceText(text, path);
  return diagnostics.map((d) => {
    const p = source.position(d.span.start);
    return `${p.line + 1}:${p.character + 1} ${d.severity} ${d.code} ${d.message}`;
  });
}

describe("loadCanaryConfig", () => {
  it("reads Kayenta's canary config JSON as is into the typed model", () => {
    const { config, diagnostics } = loadCanaryConfig(KAYENTA_JSON, "checkout.json");
    expect(diagnostics).toEqual([]);
    expect(config?.name).toBe("checkout-canary");
    expect(config?.metrics.map((m) => m.name)).toEqual(["latency p50", "errors", "cpu"]);
    expect(config?.metrics[0].query).toEqual({
      type: "prometheus",
      serviceType: "prometheus",
      metricName: "http_request_duration_seconds",
      labelBindings: [],
      customFilterTemplate: "standard-template",
    });
    expect(config?.classifier?.groupWeights).toEqual({ latency: 50, errors: 30, system: 20 });
    expect(config?.templates?.["standard-template"]).toBe("namespace='${namespace}', scope='${scope}'");
    expect(metricAnalysis(config!.metrics[0])).toEqual({
      direction: "increase",
      nanStrategy: "remove",
      critical: false,
      mustHaveData: false,
      muted: false,
      outliers: { strategy: "remove", factor: 3 },
      effectSize: {
        measure: "meanRatio",
        allowedIncrease: 1.1,
        allowedDecrease: 1,
        criticalIncrease: 1.5,
        criticalDecrease: 1,
      },
    });
    expect(metricAnalysis(config!.metrics[2])).toMatchObject({ direction: "either", mustHaveData: true });
  });

  it("reads the same document written as YAML", () => {
    const yaml = stringify(JSON.parse(KAYENTA_JSON));
    const fromYaml = loadCanaryConfig(yaml, ".capstan/canary/checkout.yml");
    expect(fromYaml.diagnostics).toEqual([]);
    expect(fromYaml.config).toEqual(loadCanaryConfig(KAYENTA_JSON, "checkout.json").config);
    expect(isCanaryConfigPath(".capstan/canary/checkout.yml")).toBe(true);
    expect(isCanaryConfigPath("repo/.capstan/canary/a.json")).toBe(true);
    expect(isCanaryConfigPath(".capstan/pipelines/a.yml")).toBe(false);
  });

  it("applies Kayenta's defaults; cles thresholds default to 0.5", () => {
    expect(metricAnalysis({ name: "m" })).toMatchObject({
      direction: "either",
      nanStrategy: "remove",
      outliers: { strategy: "keep", factor: 3 },
      effectSize: { measure: "meanRatio", allowedIncrease: 1, criticalDecrease: 1 },
    });
    expect(
      metricAnalysis({ name: "m", analysisConfigurations: { canary: { effectSize: { measure: "cles" } } } })
        .effectSize,
    ).toEqual({
      measure: "cles",
      allowedIncrease: 0.5,
      allowedDecrease: 0.5,
      criticalIncrease: 0.5,
      criticalDecrease: 0.5,
    });
  });

  it("places schema errors at their line and column, says what was expected and suggests the fix", () => {
    const text = `name: bad
metrics:
  - name: latency
    query:
      type: prometheus
      metricNam: latency_ms
    groups: [latency]
    analysisConfigurations:
      canary:
        direction: decreese
        critical: "yes"
classifier:
  groupWeights: { latency: lots }
`;
    expect(where(text, "bad.yml")).toEqual([
      "4:5 error schema-required A Prometheus query needs 'metricName': the Prometheus metric name.",
      "6:7 warning schema-unknown-field Unknown field 'metricNam' in a Prometheus query. Did you mean 'metricName'? Kayenta ignores unknown fields, and so does Capstan.",
      "10:20 error schema-enum 'direction' must be one of increase, decrease, either; found the text 'decreese'. Did you mean 'decrease'?",
      "11:19 error schema-type 'critical' must be true or false; found the text 'yes'.",
      "13:28 error schema-type 'latency' must be a number; found the text 'lots'.",
    ]);
    expect(loadCanaryConfig(text, "bad.yml").config).toBeUndefined();
  });

  it("reports JSON syntax errors with their position", () => {
    const lines = where('{\n  "metrics": [\n    { "name": "a" "query": {} }\n  ]\n}', "broken.json");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^3:\d+ error yaml-/);
  });

  it("needs metrics", () => {
    expect(where("name: empty\n", "e.yml")).toEqual([
      expect.stringMatching(/^1:1 error schema-required A canary config needs 'metrics'/),
    ]);
    expect(where("metrics: []\n", "e.yml")).toEqual([
      "1:10 error schema-size 'metrics' needs at least 1 item.",
    ]);
  });

  it("checks names and weights as Kayenta would use them", () => {
    const text = `judge: { name: dredd-v1.0 }
metrics:
  - name: a
    query: { type: prometheus, metricName: a, customFilterTemplate: standrd }
    groups: [lat]
  - name: a
    query: { type: prometheus, metricName: b, customFilter: "x='1'" }
    groups: [lat]
  - name: c
    query: { type: datadog, metricName: c }
  - name: d
    query: { type: prometheus, metricName: d, customInlineTemplate: "PromQL:up", customFilterTemplate: standard }
    groups: [lat]
templates:
  standard: "scope='\${scope}'"
classifier:
  groupWeights: { lat: 60, latency: 50 }
  scoreThresholds: { marginal: 80, pass: 70 }
`;
    expect(where(text, "rules.yml")).toEqual([
      "1:16 warning canary-judge Capstan judges with NetflixACAJudge-v1.0, not 'dredd-v1.0'; the metrics are scored the NetflixACAJudge way.",
      "4:69 error canary-unknown-template No template named 'standrd' in 'templates'. Did you mean 'standard'?",
      "6:11 error canary-duplicate-metric Two metrics are named 'a': metric set pairs are matched by name, so only the first would be judged. Rename one.",
      "7:47 error canary-custom-filter 'customFilter' is deprecated and Kayenta refuses it: write the filter as 'customInlineTemplate' instead.",
      "9:11 warning canary-metric-without-group Metric 'c' is in no group, so it counts in no score (NetflixACAJudge scores groups). Add 'groups: [<name>]'.",
      "10:20 warning canary-query-type Capstan fetches metrics from Prometheus only; a 'datadog' metric can be judged from exported metric set pairs (capstan canary judge) but not read by a canary stage.",
      "12:82 warning canary-template-ignored 'customInlineTemplate' wins over 'customFilterTemplate', which is not used: remove one.",
      "17:3 warning canary-group-weights The group weights add up to 110, more than 100: Kayenta does not scale them, so scores can exceed 100.",
      "17:28 warning canary-unknown-group No metric is in group 'latency', so its weight counts for nothing. Did you mean 'lat'?",
      "18:32 error canary-thresholds The marginal threshold (80) is above the pass threshold (70): marginal must be at most pass.",
    ]);
  });

  it("needs a positive outlier factor", () => {
    const text = `metrics:
  - name: a
    query: { type: prometheus, metricName: a }
    groups: [x]
    analysisConfigurations: { canary: { outliers: { strategy: remove, outlierFactor: 0 } } }
`;
    expect(where(text, "o.yml")).toEqual([
      "5:86 error canary-outlier-factor 'outlierFactor' must be more than 0; found 0. Kayenta's default is 3.0.",
    ]);
  });

  it("warns when every group is weighted and the weights cannot reach 100", () => {
    const text = `metrics:
  - { name: a, query: { type: prometheus, metricName: a }, groups: [x] }
classifier: { groupWeights: { x: 60 } }
`;
    const { config, diagnostics } = loadCanaryConfig(text, "w.yml");
    expect(config).toBeDefined();
    expect(diagnostics.map((d) => d.message)).toEqual([
      "The group weights add up to 60, and every group has one: the score can never exceed 60.",
    ]);
  });
});

describe("loadMetricSetPairs", () => {
  it('reads Kayenta\'s MetricSetPair list; NaN as null or "NaN", infinities as text', () => {
    const text = JSON.stringify([
      {
        name: "a",
        id: "1",
        tags: { zone: "z" },
        values: { control: [1, null, "NaN"], experiment: [2, "+Inf", "-Inf"] },
      },
      { name: "b", values: { control: [], experiment: [] }, scopes: {}, attributes: {} },
    ]);
    const { pairs, diagnostics } = loadMetricSetPairs(text, "pairs.json");
    expect(diagnostics).toEqual([]);
    expect(pairs).toEqual([
      {
        name: "a",
        id: "1",
        tags: { zone: "z" },
        values: {
          control: [1, Number.NaN, Number.NaN],
          experiment: [2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
        },
      },
      { name: "b", values: { control: [], experiment: [] } },
    ]);
  });

  it("reads YAML, with .nan", () => {
    const { pairs } = loadMetricSetPairs(
      "- name: a\n  values:\n    control: [1, .nan]\n    experiment: [2]\n",
      "p.yml",
    );
    expect(pairs?.[0].values.control[1]).toBeNaN();
  });

  it("places what is wrong", () => {
    const text = `[
  { "name": "a", "values": { "control": [1, true], "experiment": [1] } },
  { "values": { "control": [] } },
  { "name": "c", "value": {} }
]`;
    const { pairs, diagnostics } = loadMetricSetPairs(text, "p.json");
    expect(pairs).toBeUndefined();
    const source = new SourceText(text, "p.json");
    expect(
      diagnostics.map((d) => {
        const p = source.position(d.span.start);
        return `${p.line + 1}:${p.character + 1} ${d.severity} ${d.code}`;
      }),
    ).toEqual([
      "2:45 error pairs-value",
      "3:3 error pairs-name",
      "3:15 error pairs-values",
      "4:18 warning pairs-unknown-field",
      "4:3 error pairs-values",
    ]);
    expect(diagnostics[0].message).toBe(
      "Value 2 of 'control' in pair 1 is not a number: true. Write a number, or null / \"NaN\" for a missing one.",
    );
  });
});
