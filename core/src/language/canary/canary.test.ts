// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold Kayenta's `${scope}` templates.
import { describe, expect, test } from "vitest";
import { analyzePipeline } from "../analysis.js";
import { withCursor } from "../test-cursor.js";
import {
  analyzeCanaryConfig,
  canaryCodeActions,
  canaryConfigsFromFiles,
  completeCanaryConfig,
  completeCanaryConfigReference,
  hoverCanaryConfig,
  validateCanaryConfig,
} from "./index.js";

const YAML = `name: checkout
metrics:
  - name: latency p50
    query:
      type: prometheus
      metricName: http_request_duration_seconds
      customFilterTemplate: standard
    groups: [latency]
    analysisConfigurations:
      canary: { direction: increase }
  - name: errors
    query: { type: prometheus, metricName: http_requests_total }
    groups: [errors, http]
templates:
  standard: "namespace='\${namespace}'"
  local: "server_group='\${scope}'"
classifier:
  groupWeights:
    latency: 60
`;

const JSON_CONFIG = `{
  "name": "checkout",
  "metrics": [
    { "name": "latency", "query": { "type": "prometheus", "metricName": "x" }, "groups": ["latency"] },
    { "name": "errors", "query": { "type": "prometheus", "metricName": "y" }, "groups": ["errors"] }
  ],
  "classifier": { "groupWeights": { "latency": 50 } }
}
`;

const PATH = ".capstan/canary/checkout.yml";
const at = (line: number, start: number, end = start) => ({
  start: { line, character: start },
  end: { line, character: end },
});

/** The completion items at the `|` of a fixture. */
const completeAt = (fixture: string) => {
  const { text, position } = withCursor(fixture);
  return completeCanaryConfig(analyzeCanaryConfig(text, 0, PATH), position);
};
/** Label, inserted text and replaced columns of each item. */
const edits = (fixture: string) =>
  completeAt(fixture).map((i) => [
    i.label,
    i.textEdit.newText,
    i.textEdit.range.start.character,
    i.textEdit.range.end.character,
  ]);
const hoverAt = (fixture: string) => {
  const { text, position } = withCursor(fixture);
  return hoverCanaryConfig(analyzeCanaryConfig(text, 0, PATH), position);
};

describe("canary config completion: group names", () => {
  test("classifier.groupWeights keys are the groups the metrics use, less those with a weight", () => {
    expect(completeAt(`${YAML}    |\n`)).toEqual([
      {
        label: "errors",
        kind: 18,
        detail: "group of errors",
        textEdit: { range: at(19, 4), newText: "errors: " },
      },
      {
        label: "http",
        kind: 18,
        detail: "group of errors",
        textEdit: { range: at(19, 4), newText: "http: " },
      },
    ]);
    expect(edits(`${YAML}    ht|\n`)).toEqual([
      ["errors", "errors: ", 4, 6],
      ["http", "http: ", 4, 6],
    ]);
  });

  test("in JSON: a quoted key (also one still missing its comma) and an empty position", () => {
    const open = JSON_CONFIG.replace('"latency": 50 }', '"latency": 50,\n    "|"\n  }');
    expect(completeAt(open)).toEqual([
      {
        label: "errors",
        kind: 18,
        detail: "group of errors",
        filterText: '"errors"',
        textEdit: { range: at(7, 4, 6), newText: '"errors": ' },
      },
    ]);
    expect(edits(open.replace('50,\n    "|"', '50\n    "|"'))).toEqual([["errors", '"errors": ', 4, 6]]);
    expect(edits(JSON_CONFIG.replace('"latency": 50 }', '"latency": 50, | }'))).toEqual([
      ["errors", '"errors": ', 51, 51],
    ]);
  });

  test("a metric's groups: the other groups (weighted ones included), not its own", () => {
    const weighted = YAML.replace("latency: 60", "latency: 60\n    cpu: 10");
    expect(edits(weighted.replace("groups: [errors, http]", "groups: [errors, |]"))).toEqual([
      ["latency", "latency", 21, 21],
      ["cpu", "cpu", 21, 21],
    ]);
    expect(edits(YAML.replace("groups: [errors, http]", "groups:\n      - |"))).toEqual([
      ["latency", "latency", 8, 8],
    ]);
    expect(edits(YAML.replace("groups: [errors, http]", "groups: |"))).toEqual([
      ["latency", "[latency]", 12, 12],
    ]);
    expect(
      completeAt(JSON_CONFIG.replace('"groups": ["errors"]', '"groups": ["l|"]')).map((i) => [
        i.label,
        i.textEdit.newText,
        i.filterText,
      ]),
    ).toEqual([["latency", '"latency"', '"latency"']]);
  });
});

describe("canary config completion: templates, metric names, schema keys and values", () => {
  test("customFilterTemplate: the names in templates, with their text", () => {
    expect(completeAt(YAML.replace("customFilterTemplate: standard", "customFilterTemplate: st|"))).toEqual([
      {
        label: "standard",
        kind: 18,
        detail: "template",
        documentation: { kind: "markdown", value: "```\nnamespace='${namespace}'\n```" },
        textEdit: { range: at(6, 28, 30), newText: "standard" },
      },
      {
        label: "local",
        kind: 18,
        detail: "template",
        documentation: { kind: "markdown", value: "```\nserver_group='${scope}'\n```" },
        textEdit: { range: at(6, 28, 30), newText: "local" },
      },
    ]);
  });

  test("metricName: the Prometheus metric names the other metrics query", () => {
    expect(completeAt(YAML.replace("metricName: http_requests_total", "metricName: |"))).toEqual([
      {
        label: "http_request_duration_seconds",
        kind: 12,
        detail: "metric name of latency p50",
        textEdit: { range: at(11, 43), newText: "http_request_duration_seconds" },
      },
    ]);
  });

  test("keys of the metric's analysis, from the schema, less the ones present", () => {
    const fixture = YAML.replace(
      "      canary: { direction: increase }",
      "      canary:\n        direction: increase\n        |",
    );
    expect(edits(fixture)).toEqual([
      ["nanStrategy", "nanStrategy: ", 8, 8],
      ["critical", "critical: ", 8, 8],
      ["mustHaveData", "mustHaveData: ", 8, 8],
      ["muted", "muted: ", 8, 8],
      ["effectSize", "effectSize: ", 8, 8],
      ["outliers", "outliers: ", 8, 8],
    ]);
    const items = completeAt(fixture);
    expect(items[0]).toEqual({
      label: "nanStrategy",
      kind: 10,
      detail: "remove | replace",
      documentation: {
        kind: "markdown",
        value:
          "What happens to NaN values before the test: `remove` them (default; a side left empty is Nodata) or `replace` them with 0.",
      },
      sortText: "1nanStrategy",
      textEdit: { range: at(11, 8), newText: "nanStrategy: " },
    });
  });

  test("a word typed as a new metric starts its keys, the required ones first", () => {
    expect(
      completeAt(YAML.replace("  - name: errors\n", "  - na|\n  - name: errors\n")).map((i) => [
        i.label,
        i.detail,
        i.sortText,
        i.textEdit.newText,
      ]),
    ).toEqual([
      ["name", "string (required)", "0name", "name: "],
      ["query", "metric query (required)", "0query", "query: "],
      ["groups", "list of string", "1groups", "groups: "],
      [
        "analysisConfigurations",
        "analysis configurations",
        "1analysisConfigurations",
        "analysisConfigurations: ",
      ],
      ["scopeName", "string", "1scopeName", "scopeName: "],
    ]);
  });

  test("a Prometheus query's keys in JSON (the if/then branch of type), replacing the quoted word", () => {
    const fixture = JSON_CONFIG.replace('"metricName": "y" }', '"metricName": "y", "custom|" }');
    expect(completeAt(fixture).map((i) => [i.label, i.textEdit.newText, i.filterText])).toEqual([
      ["serviceType", '"serviceType": ', '"serviceType"'],
      ["labelBindings", '"labelBindings": ', '"labelBindings"'],
      ["groupByFields", '"groupByFields": ', '"groupByFields"'],
      ["customInlineTemplate", '"customInlineTemplate": ', '"customInlineTemplate"'],
      ["customFilterTemplate", '"customFilterTemplate": ', '"customFilterTemplate"'],
      ["customFilter", '"customFilter": ', '"customFilter"'],
      ["resourceType", '"resourceType": ', '"resourceType"'],
      ["scopeLabel", '"scopeLabel": ', '"scopeLabel"'],
    ]);
    expect(completeAt(fixture)[0].textEdit.range).toEqual(at(4, 76, 84));
    // On an existing key the colon is kept.
    expect(
      completeAt(JSON_CONFIG.replace('"metricName": "y"', '"metricNa|": "y"')).map((i) => i.textEdit.newText),
    ).toContain('"metricName"');
  });

  test("enum values, booleans, the query type and the judge", () => {
    expect(edits(YAML.replace("canary: { direction: increase }", "canary: { direction: | }"))).toEqual([
      ["increase", "increase", 27, 27],
      ["decrease", "decrease", 27, 27],
      ["either", "either", 27, 27],
    ]);
    expect(
      completeAt(YAML.replace("canary: { direction: increase }", "canary: { critical: | }")).map((i) => [
        i.label,
        i.kind,
        i.detail,
      ]),
    ).toEqual([
      ["true", 20, "critical"],
      ["false", 20, "critical"],
    ]);
    expect(edits(JSON_CONFIG.replace('"metricName": "y"', '"metricName": "y", "resourceType": "|"'))).toEqual(
      [
        ["local", '"local"', 92, 94],
        ["gce_instance", '"gce_instance"', 92, 94],
        ["aws_ec2_instance", '"aws_ec2_instance"', 92, 94],
      ],
    );
    expect(edits(YAML.replace("      type: prometheus", "      type: |"))).toEqual([
      ["prometheus", "prometheus", 12, 12],
    ]);
    expect(edits(`judge:\n  name: |\n${YAML}`)).toEqual([
      ["NetflixACAJudge-v1.0", "NetflixACAJudge-v1.0", 8, 8],
    ]);
  });
});

describe("canary config hover", () => {
  test("a group: its metrics and weight, or the share it gets without one", () => {
    expect(hoverAt(YAML.replace("groups: [latency]", "groups: [lat|ency]"))).toEqual({
      contents: {
        kind: "markdown",
        value: "**group** `latency`\n\nMetrics: `latency p50`.\n\nWeight: 60 (percent of the score).",
      },
      range: at(7, 13, 20),
    });
    expect(hoverAt(YAML.replace("    latency: 60", "    lat|ency: 60"))?.range).toEqual(at(18, 4, 11));
    expect(hoverAt(YAML.replace("groups: [errors, http]", "groups: [errors, ht|tp]"))?.contents.value).toBe(
      "**group** `http`\n\nMetrics: `errors`.\n\nNo weight in `classifier.groupWeights`: the 2 groups without one share what is left of 100 (20 each).",
    );
  });

  test("the schema's description of a key, and a template's text", () => {
    expect(
      hoverAt(YAML.replace("metricName: http_requests_total", "metricNa|me: http_requests_total")),
    ).toEqual({
      contents: {
        kind: "markdown",
        value: "**metricName**: `string` (required)\n\nThe Prometheus metric name.",
      },
      range: at(11, 31, 41),
    });
    expect(
      hoverAt(YAML.replace("customFilterTemplate: standard", "customFilterTemplate: stan|dard")),
    ).toEqual({
      contents: { kind: "markdown", value: "**template** `standard`\n\n```\nnamespace='${namespace}'\n```" },
      range: at(6, 28, 36),
    });
  });
});

describe("canary config diagnostics and quick fixes", () => {
  test("loadCanaryConfig's problems at LSP ranges, with a did-you-mean fix in the file's quotes", () => {
    const text = JSON_CONFIG.replace(
      '"metricName": "y" }',
      '"metricName": "y" }, "analysisConfigurations": { "canary": { "direction": "increse" } }',
    );
    const analysis = analyzeCanaryConfig(text, 0, PATH);
    const diagnostic = {
      range: at(4, 131, 140),
      severity: 1,
      code: "schema-enum",
      source: "capstan",
      message:
        "'direction' must be one of increase, decrease, either; found the text 'increse'. Did you mean 'increase'?",
      data: { allowed: ["increase", "decrease", "either"], replacement: "increase" },
    };
    expect(validateCanaryConfig(analysis, "file:///c.json")).toEqual([diagnostic]);
    expect(canaryCodeActions(analysis, at(4, 135), "file:///c.json")).toEqual([
      {
        title: "Change to 'increase'",
        kind: "quickfix",
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { "file:///c.json": [{ range: at(4, 131, 140), newText: '"increase"' }] } },
      },
    ]);
    expect(canaryCodeActions(analysis, at(1, 2), "file:///c.json")).toEqual([]);
  });

  test("Kayenta's rules: a weight for a group no metric is in, the duplicate with its related place", () => {
    const text = YAML.replace("latency: 60", "latncy: 60").replace("- name: errors", "- name: latency p50");
    expect(validateCanaryConfig(analyzeCanaryConfig(text, 0, PATH), "file:///c.yml")).toEqual([
      {
        range: at(10, 10, 21),
        severity: 1,
        code: "canary-duplicate-metric",
        source: "capstan",
        message:
          "Two metrics are named 'latency p50': metric set pairs are matched by name, so only the first would be judged. Rename one.",
        relatedInformation: [
          { location: { uri: "file:///c.yml", range: at(2, 10, 21) }, message: "the first one" },
        ],
      },
      {
        range: at(18, 4, 10),
        severity: 2,
        code: "canary-unknown-group",
        source: "capstan",
        message: "No metric is in group 'latncy', so its weight counts for nothing. Did you mean 'latency'?",
        data: { replacement: "latency" },
      },
    ]);
  });
});

describe("canaryConfig in pipeline files", () => {
  const configs = canaryConfigsFromFiles([
    { file: "checkout.yml", uri: "file:///r/.capstan/canary/checkout.yml" },
    { file: "checkout.json", uri: "file:///r/.capstan/canary/checkout.json" },
    { file: "api.yaml", uri: "file:///r/.capstan/canary/api.yaml" },
    { file: "notes.md", uri: "file:///r/.capstan/canary/notes.md" },
  ]);
  const PIPELINE = `name: demo
stages:
  - id: canary
    type: canaryAnalysis
    canaryConfig: |
    prometheus: local
`;
  const referenceAt = (fixture: string) => {
    const { text, position } = withCursor(fixture);
    return completeCanaryConfigReference(analyzePipeline(text), position, configs);
  };

  test("one config per name, the file the stage reads first", () => {
    expect(configs).toEqual([
      { name: "api", uri: "file:///r/.capstan/canary/api.yaml", path: ".capstan/canary/api.yaml" },
      {
        name: "checkout",
        uri: "file:///r/.capstan/canary/checkout.json",
        path: ".capstan/canary/checkout.json",
      },
    ]);
  });

  test("completes the names on a canaryConfig value, replacing the word; nothing elsewhere", () => {
    expect(referenceAt(PIPELINE)).toEqual([
      {
        label: "api",
        kind: 17,
        detail: ".capstan/canary/api.yaml",
        textEdit: { range: at(4, 18), newText: "api" },
      },
      {
        label: "checkout",
        kind: 17,
        detail: ".capstan/canary/checkout.json",
        textEdit: { range: at(4, 18), newText: "checkout" },
      },
    ]);
    expect(referenceAt(PIPELINE.replace("canaryConfig: |", 'canaryConfig: "ch|eck"'))?.[1].textEdit).toEqual({
      range: at(4, 19, 24),
      newText: "checkout",
    });
    expect(
      referenceAt(PIPELINE.replace("canaryConfig: |", "canaryConfig: api").replace("local", "loc|al")),
    ).toBeUndefined();
  });
});

describe("canary config features on any position", () => {
  test("an empty file completes the top-level keys, the required metrics first", () => {
    const items = completeAt("|");
    expect(items.map((i) => i.label)).toEqual([
      "name",
      "description",
      "id",
      "applications",
      "configVersion",
      "createdTimestamp",
      "updatedTimestamp",
      "createdTimestampIso",
      "updatedTimestampIso",
      "judge",
      "metrics",
      "templates",
      "classifier",
    ]);
    expect(items.find((i) => i.label === "metrics")?.sortText).toBe("0metrics");
  });

  test("completion and hover never throw, at every offset of a JSON and a YAML config, cut anywhere", () => {
    const check = (analysis: ReturnType<typeof analyzeCanaryConfig>, offset: number) => {
      const position = analysis.source.position(offset);
      expect(() => completeCanaryConfig(analysis, position)).not.toThrow();
      expect(() => hoverCanaryConfig(analysis, position)).not.toThrow();
    };
    for (const text of [YAML, JSON_CONFIG]) {
      const whole = analyzeCanaryConfig(text, 0, PATH);
      for (let offset = 0; offset <= text.length; offset += 7) {
        check(whole, offset);
        check(analyzeCanaryConfig(text.slice(0, offset), 0, PATH), offset);
      }
    }
  });
});
