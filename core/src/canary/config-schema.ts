// The JSON Schema (draft-07) of a Kayenta canary config: the JSON Kayenta stores and Deck exports,
// read as is, or the same document written as YAML under .capstan/canary/. Written from Kayenta's
// config model as KAYENTA-AND-KUBERNETES.md §2.1 and §2.6 describe it. scripts/build-schema.mjs
// writes it to schemas/canary-config.schema.json for editors.
import {
  anyValue,
  flag,
  type JsonSchema,
  list,
  map,
  object,
  oneOfValues,
  ref,
  str,
} from "../schema/schema-kit.js";

const number = (description: string, extra: Omit<JsonSchema, "description"> = {}): JsonSchema => ({
  type: "number",
  description,
  ...extra,
});

const canaryAnalysis = object(
  "canary analysis",
  "How NetflixACAJudge classifies this metric (Kayenta's `analysisConfigurations.canary`).",
  {
    direction: oneOfValues(
      ["increase", "decrease", "either"],
      "Which change fails the metric: `increase` (only a higher experiment is High), `decrease` (only a lower one is Low) or `either` (default).",
    ),
    nanStrategy: oneOfValues(
      ["remove", "replace"],
      "What happens to NaN values before the test: `remove` them (default; a side left empty is Nodata) or `replace` them with 0.",
    ),
    critical: flag(
      "A critical metric that is High or Low beyond the critical effect sizes (or has no data) fails the whole canary with score 0. Default false.",
    ),
    mustHaveData: flag(
      "No data is a failure (NodataFailMetric, counted against the group) instead of Nodata (not counted). Default false.",
    ),
    muted: flag("Classified and listed, but left out of every score. Default false."),
    effectSize: object(
      "effect size",
      "How large a significant change must be to count (defaults: 1.0 for meanRatio, 0.5 for cles).",
      {
        measure: oneOfValues(
          ["meanRatio", "cles"],
          "`meanRatio` (default): mean(experiment) / mean(control); `cles`: the common-language effect size, the probability that an experiment value exceeds a control value.",
        ),
        allowedIncrease: number("High needs an effect size at or above this."),
        allowedDecrease: number("Low needs an effect size at or below this."),
        criticalIncrease: number(
          "A critical metric fails the canary when High with an effect size at or above this.",
        ),
        criticalDecrease: number(
          "A critical metric fails the canary when Low with an effect size at or below this.",
        ),
      },
    ),
    outliers: object(
      "outliers",
      "Outlier removal before the test (Kayenta's IQR detector, reduced sensitivity).",
      {
        strategy: oneOfValues(["remove", "keep"], "`keep` (default) or `remove` outliers."),
        outlierFactor: number(
          "How many interquartile ranges beyond the quartiles a value must lie (and beyond the 1st/99th percentile) to be an outlier; more than 0. Default 3.0.",
        ),
      },
    ),
  },
);

const prometheusQuery = object(
  "Prometheus query",
  "A metric read from Prometheus: `avg(<metricName>{<filter>,<labelBindings>}) by (<groupByFields>)`, or the text after `PromQL:` in the filter template, sent as written.",
  {
    type: { const: "prometheus", description: "The metric source: `prometheus`." },
    serviceType: str("Kayenta's metrics service type (`prometheus`); informational."),
    metricName: str("The Prometheus metric name.", { minLength: 1 }),
    labelBindings: list(str('A label matcher, e.g. `status=~"5.."`.'), "Extra label matchers."),
    groupByFields: list(
      str("A label name."),
      "Labels to group the `avg` by; each group is one metric set pair.",
    ),
    customInlineTemplate: str(
      "A filter template written in place: label matchers, or `PromQL:<query>`; `${scope}`, `${location}` and the scope's extended parameters are expanded. Wins over customFilterTemplate.",
    ),
    customFilterTemplate: str(
      "The name of an entry in the config's `templates` to use as the filter template.",
    ),
    customFilter: str("Deprecated in Kayenta, which refuses it: use customInlineTemplate."),
    resourceType: oneOfValues(
      ["local", "gce_instance", "aws_ec2_instance"],
      "Which scope matchers apply when there is no filter template: `local` (Capstan's local provider, `server_group=\"<scope>\"`), or Kayenta's `gce_instance` and `aws_ec2_instance`.",
    ),
    scopeLabel: str(
      "The label the scope is matched on (default `server_group` for local, `instance` for gce_instance).",
    ),
  },
  ["type", "metricName"],
);

const otherQuery: JsonSchema = {
  type: "object",
  title: "metric query",
  description: "The metric's query; its fields depend on `type` (the metric source).",
  properties: {
    type: str("The metric source: `prometheus` (other Kayenta sources are read but not fetched)."),
  },
  required: ["type"],
};

const metric = object(
  "canary metric",
  "One metric compared between the control (baseline) and the experiment (canary).",
  {
    name: str("The metric's name; metric set pairs are matched to metrics by it.", { minLength: 1 }),
    query: {
      ...otherQuery,
      if: { type: "object", properties: { type: { const: "prometheus" } }, required: ["type"] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
      then: ref("prometheus-query"),
    },
    groups: list(
      str("A group name."),
      "The groups the metric counts in; the score is a weighted sum of group scores (a metric in no group counts in none).",
    ),
    analysisConfigurations: {
      type: "object",
      title: "analysis configurations",
      description: "Per-judge settings; NetflixACAJudge reads `canary`.",
      properties: { canary: ref("canary-analysis") },
      additionalProperties: anyValue("Settings for other analyses (not read)."),
    },
    scopeName: str("The scope the metric is read in (default `default`)."),
  },
  ["name", "query"],
);

/** The canary config schema, with `definitions` for the metric, its query and its analysis. */
export function canaryConfigSchema(): JsonSchema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $comment: "Generated from core/src/canary by `npm run schema:build`; do not edit by hand.",
    ...object(
      "canary config",
      "A Kayenta canary config: the metrics compared between baseline and canary, their groups and weights.",
      {
        name: str("The config's name (how a canary stage refers to it)."),
        description: str("What the config checks."),
        id: str("Kayenta's id of the stored config."),
        applications: list(str("An application name."), "The applications the config belongs to."),
        configVersion: str("Kayenta's config format version."),
        createdTimestamp: number("When Kayenta stored it (epoch ms)."),
        updatedTimestamp: number("When Kayenta last stored it (epoch ms)."),
        createdTimestampIso: str("When Kayenta stored it (ISO-8601)."),
        updatedTimestampIso: str("When Kayenta last stored it (ISO-8601)."),
        judge: object("judge", "The judge that scores the metrics.", {
          name: str("The judge's name: `NetflixACAJudge-v1.0`, the judge Capstan runs."),
          judgeConfigurations: map(
            anyValue("A judge setting."),
            "Judge settings (NetflixACAJudge has none).",
          ),
        }),
        metrics: list(ref("metric"), "The metrics to compare.", { minItems: 1 }),
        templates: map(
          str("A filter template: label matchers, or `PromQL:<query>`."),
          "Named filter templates, referred to by `customFilterTemplate`.",
        ),
        classifier: object("classifier", "How metric results become a score.", {
          groupWeights: map(
            number("The group's weight, in percent of the score.", { minimum: 0 }),
            "Weights of the groups in percent; groups without a weight share what is left of 100.",
          ),
          scoreThresholds: object(
            "score thresholds",
            "Default thresholds when the run does not give its own.",
            {
              marginal: number("Scores at or above this (and below pass) are Marginal.", {
                minimum: 0,
                maximum: 100,
              }),
              pass: number("Scores at or above this are Pass.", { minimum: 0, maximum: 100 }),
            },
          ),
        }),
      },
      ["metrics"],
    ),
    definitions: {
      metric,
      "prometheus-query": prometheusQuery,
      "canary-analysis": canaryAnalysis,
    },
  };
}
