import {
  bool,
  duration,
  type JsonSchema,
  list,
  map,
  num,
  object,
  oneOfValues,
  str,
} from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { canarySuggestion } from "./kayenta-import.js";

const metric: JsonSchema = object(
  "canary metric",
  "One metric compared between baseline (control) and canary (experiment) with the Mann-Whitney U test.",
  {
    name: str("Metric name, shown in the report.", { examples: ["error rate"] }),
    query: str(
      "PromQL query; `{{scope}}` is replaced with the scope's label matchers, e.g. `rate(http_errors_total{{{scope}}}[1m])`.",
      { examples: ['sum(rate(http_requests_total{status=~"5..",{{scope}}}[1m]))'] },
    ),
    groups: list(str("A group name."), "Groups the metric belongs to; weights are in `groupWeights`.", {
      examples: [["errors"]],
    }),
    direction: oneOfValues(["increase", "decrease", "either"], "Which change counts as a failure.", {
      default: "either",
    }),
    critical: bool("A failure of this metric fails the whole analysis (score 0).", { default: false }),
    mustHaveData: bool("Missing data fails the metric instead of being ignored.", { default: false }),
    nanStrategy: oneOfValues(["remove", "replace"], "Missing values: dropped, or replaced with 0.", {
      default: "remove",
    }),
    outliers: object("outlier settings", "Outlier removal before comparison.", {
      strategy: oneOfValues(["keep", "remove"], "Remove outliers (IQR fences) or keep them.", {
        default: "keep",
      }),
      factor: num("IQR multiplier for the fences.", { default: 3, minimum: 0 }),
    }),
    effectSize: object("effect size", "How large a difference must be to count (Kayenta effectSize).", {
      measure: oneOfValues(["meanRatio", "cles"], "Effect size measure.", { default: "meanRatio" }),
      allowedIncrease: num("Largest allowed increase.", { default: 1 }),
      allowedDecrease: num("Largest allowed decrease.", { default: 1 }),
      criticalIncrease: num("Increase beyond which a critical metric fails the analysis."),
      criticalDecrease: num("Decrease beyond which a critical metric fails the analysis."),
    }),
    muted: bool("Report the metric but leave it out of the score.", { default: false }),
  },
  ["name", "query"],
);

export const canaryAnalysisDefinition = defineStage({
  type: "canaryAnalysis",
  label: "Canary Analysis",
  description:
    "Compare canary and baseline metrics from Prometheus with Kayenta's NetflixACAJudge: each interval is scored 0-100; a score at or below `marginal` stops the analysis as failed, and the last score must reach `pass`.",
  group: "canary",
  schema: {
    properties: {
      analysisType: oneOfValues(
        ["realTime", "retrospective"],
        "Analyse as time passes, or a past time range.",
        {
          default: "realTime",
        },
      ),
      prometheus: object(
        "Prometheus source",
        "Where the metrics come from (Kayenta: metricsAccountName).",
        {
          url: str("Base URL of the Prometheus server.", { examples: ["http://localhost:9090"] }),
          headers: map({ type: "string", description: "Header value." }, "Extra request headers."),
        },
        ["url"],
      ),
      scopes: object(
        "canary scopes",
        "Label matchers selecting each side's series, substituted for `{{scope}}` in queries.",
        {
          control: str("Baseline (control) matchers.", { examples: ['server_group="myapp-prod-v000"'] }),
          experiment: str("Canary (experiment) matchers.", { examples: ['server_group="myapp-prod-v001"'] }),
        },
        ["control", "experiment"],
      ),
      lifetime: duration("Total analysis time (Kayenta: lifetimeDuration).", { examples: ["1h"] }),
      interval: duration("Score every interval, over a growing window; default: once, at the end.", {
        examples: ["15m"],
      }),
      warmup: duration("Wait this long before the first interval (Kayenta: beginCanaryAnalysisAfterMins).", {
        default: "0s",
      }),
      lookback: duration("Score only the last `lookback` of data (sliding window) instead of all of it."),
      step: duration("Query resolution step.", { default: "60s" }),
      startTime: str("Retrospective analysis start, ISO-8601."),
      endTime: str("Retrospective analysis end, ISO-8601."),
      scoreThresholds: object(
        "score thresholds",
        "Scores out of 100: at or below `marginal` fails at once; the final score must reach `pass`.",
        {
          marginal: num("Marginal threshold.", { default: 50, minimum: 0, maximum: 100 }),
          pass: num("Pass threshold.", { default: 75, minimum: 0, maximum: 100 }),
        },
      ),
      groupWeights: map(
        { type: "number", minimum: 0, maximum: 100, description: "Weight of the group, in percent." },
        "Weight of each metric group in the score (Kayenta: classifier.groupWeights); unweighted groups share the rest.",
        { examples: [{ errors: 60, latency: 40 }] },
      ),
      metrics: list(metric, "The metrics to compare.", { minItems: 1 }),
    },
    required: ["prometheus", "scopes", "metrics"],
    allOf: [requiredUnless("lifetime", "endTime")],
    example: {
      id: "canary",
      type: "canaryAnalysis",
      dependsOn: ["deploy-canary"],
      prometheus: { url: "http://localhost:9090" },
      scopes: { control: 'server_group="myapp-prod-v000"', experiment: 'server_group="myapp-prod-v001"' },
      lifetime: "30m",
      interval: "10m",
      scoreThresholds: { marginal: 50, pass: 75 },
      metrics: [
        {
          name: "errors",
          query: 'sum(rate(http_requests_total{status=~"5..",{{scope}}}[1m]))',
          direction: "increase",
          critical: true,
        },
      ],
    },
  },
  contextKeys: ["canaryScores", "lastUpdated", "canaryScoreMessage"],
  import: { from: ["kayentaCanary"], rules: {}, keptAsWritten: canarySuggestion },
  docs: `Compares canary and baseline metrics from Prometheus, scoring each \`interval\` out of 100 as
Kayenta's NetflixACAJudge does. The type is part of the format and validates, but this version of
Capstan cannot run it yet: \`capstan validate\` warns, and a run fails when it reaches the stage.
\`capstan import spinnaker\` keeps a \`kayentaCanary\` stage as written and notes what of it would
carry over into a \`canaryAnalysis\` stage (its metrics live in the Kayenta canary config).`,
});
