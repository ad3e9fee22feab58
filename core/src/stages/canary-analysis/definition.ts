import { silent } from "../../import/stage-rules.js";
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
import { canaryAnalysisStage } from "./canary-analysis-stage.js";
import { kayentaCanaryBuild, kayentaDeployments } from "./kayenta-import.js";

const metric: JsonSchema = object(
  "canary metric",
  "One metric compared between baseline (control) and canary (experiment) with the Mann-Whitney U test.",
  {
    name: str("Metric name, shown in the report.", { examples: ["error rate"] }),
    query: str(
      'PromQL query, sent as written for each side; `{{scope}}` is replaced with the side\'s label matchers (`server_group="<server group>"`), e.g. `sum(rate(http_errors_total{{{scope}}}[30s]))`.',
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
  icon: "canary",
  schema: {
    properties: {
      canaryConfig: {
        type: ["string", "object"],
        description:
          "A Kayenta canary config (metrics, groups, classifier): its name, read from `.capstan/canary/NAME.json` (or `.yml`), a path in the repository, or the config itself. Instead of `metrics`.",
        examples: ["myapp"],
      },
      analysisType: oneOfValues(
        ["realTime", "retrospective"],
        "Analyse as time passes, or a past time range.",
        {
          default: "realTime",
        },
      ),
      prometheus: {
        type: ["string", "object"],
        pattern: "^(?:local|https?://.+|\\$\\{[\\s\\S]*\\})$",
        description:
          "Where the metrics come from (Kayenta: metricsAccountName): `local` (the Prometheus `capstan run` starts on loopback, scraping the local provider's instances), a URL, or `{ url, headers, timeout }`.",
        properties: {
          url: str("Base URL of the Prometheus server, or `local`.", { examples: ["http://127.0.0.1:9090"] }),
          headers: map({ type: "string", description: "Header value." }, "Extra request headers."),
          timeout: duration("Limit on each whole request to Prometheus.", { default: "30s" }),
        },
        additionalProperties: false,
        examples: ["local"],
      },
      scopes: object(
        "canary scopes",
        "The server groups compared (Kayenta: controlScope, experimentScope); each side's series are selected with `server_group=\"<name>\"` unless the canary config's query says otherwise.",
        {
          control: str("The baseline (control) server group.", { examples: ["myapp-prod-baseline-v000"] }),
          experiment: str("The canary (experiment) server group.", { examples: ["myapp-prod-canary-v000"] }),
          controlLocation: str("Kayenta: controlLocation (`${location}` in templates).", {
            default: "local",
          }),
          experimentLocation: str("Kayenta: experimentLocation.", { default: "local" }),
          extendedScopeParams: map(
            { type: "string", description: "Value." },
            "Extra template variables (Kayenta: extendedScopeParams), e.g. `resourceType`, `namespace`.",
          ),
        },
        ["control", "experiment"],
      ),
      lifetime: duration("Total analysis time (Orca: lifetimeDuration).", { examples: ["1h"] }),
      interval: duration(
        "Score every interval, over a growing window (Orca: canaryAnalysisIntervalMins); default: once, at the end.",
        { examples: ["15m"] },
      ),
      warmup: duration("Wait this long before the first interval (Orca: beginCanaryAnalysisAfterMins).", {
        default: "0s",
      }),
      lookback: duration(
        "Score only the last `lookback` of data (a sliding window) instead of all of it (Orca: lookbackMins).",
      ),
      baselineAnalysisOffset: duration(
        "Shift the baseline's window back by this much (Orca: baselineAnalysisOffsetInMins).",
        { default: "0s" },
      ),
      step: duration("Query resolution step (Kayenta: the scope's step).", { default: "60s" }),
      startTime: str("Analysis start, ISO-8601 (default: when the stage starts)."),
      endTime: str(
        "Analysis end, ISO-8601: the lifetime is endTime - startTime and the runs do not wait (Orca: endTimeIso).",
      ),
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
        "Weight of each group of the inline `metrics` in the score (Kayenta: classifier.groupWeights); unweighted groups share the rest.",
        { examples: [{ errors: 60, latency: 40 }] },
      ),
      metrics: list(metric, "The metrics to compare, instead of a `canaryConfig`.", { minItems: 1 }),
    },
    required: ["prometheus", "scopes"],
    allOf: [requiredUnless("lifetime", "endTime"), requiredUnless("metrics", "canaryConfig")],
    example: {
      id: "canary",
      type: "canaryAnalysis",
      dependsOn: ["deploy-canary"],
      canaryConfig: "myapp",
      prometheus: "local",
      scopes: {
        control: "${ #stage('Deploy canary')['outputs']['serverGroups'][0] }",
        experiment: "${ #stage('Deploy canary')['outputs']['serverGroups'][1] }",
      },
      lifetime: "30m",
      interval: "10m",
      scoreThresholds: { marginal: 50, pass: 75 },
      onFailure: "ignore",
    },
  },
  outputs: [
    {
      name: "overallResult",
      type: "string",
      description:
        "`Pass`, `Marginal` (the last score is above `marginal` but below `pass`), `Fail` (a score at or below `marginal`) or `Error` (no score: Prometheus or the config failed). Branches after the stage read it.",
    },
    { name: "canaryScore", type: "number", description: "The last run's score, 0-100." },
    {
      name: "canaryScores",
      type: "list of numbers",
      description: "Each run's score, in order (Orca: canaryScores).",
    },
    {
      name: "canaryScoreMessage",
      type: "string",
      description: "Why the stage ended as it did (Orca: canaryScoreMessage).",
    },
    {
      name: "judgeResult",
      type: "Kayenta CanaryJudgeResult",
      description:
        "The last run's judge result: each metric's classification and reason, the group scores, the score.",
    },
    {
      name: "canaryRuns",
      type: "list of {run, score, result, classification, controlWindow, experimentWindow}",
      description: "Each run's score and the windows it compared.",
    },
  ],
  contextKeys: ["canaryPlan", "canaryRuns", "canaryScores", "lastUpdated", "canaryScoreMessage"],
  import: {
    from: ["kayentaCanary"],
    build: kayentaCanaryBuild,
    rules: { canaryConfig: silent, analysisType: keepAnalysisType, deployments: kayentaDeployments },
  },
  docs: `Compares a canary server group against a baseline one with Kayenta's NetflixACAJudge, on
metrics from Prometheus, as Orca's \`kayentaCanary\` stage does. The runs are planned as Orca plans
them: \`lifetime\` (or \`endTime\` - \`startTime\`) divided by \`interval\`, after a \`warmup\`;
run *i* waits until its window \`[start + warmup, start + warmup + i·interval]\` has passed (a
sliding window with \`lookback\`), queries Prometheus with Kayenta's queries for each side, and
judges the metric pairs. A run scoring at or below \`scoreThresholds.marginal\` ends the stage at
once (TERMINAL, or FAILED_CONTINUE with \`onFailure: ignore\`); at the end the last score must reach
\`pass\`. The metrics come from a Kayenta canary config (\`canaryConfig: NAME\` reads
\`.capstan/canary/NAME.json\` or \`.yml\`, Kayenta's JSON as is) or inline \`metrics\`.
\`prometheus: local\` is the Prometheus that \`capstan run\` starts on loopback, scraping every
instance of the local provider. A Prometheus that is down, slow or answers with an error fails the
stage with that reason (\`overallResult: Error\`); a metric without series is the judge's Nodata.
Outputs \`overallResult\` (Pass, Marginal, Fail, Error), \`canaryScore\`, \`canaryScores\` and
the judge's result, so later stages can promote, ask, or roll back. See [canary.md](canary.md).
\`capstan import spinnaker\` turns a \`kayentaCanary\` stage into this one.

\`\`\`yaml
- id: canary
  type: canaryAnalysis
  dependsOn: [deploy-canary]
  canaryConfig: myapp
  prometheus: local
  scopes:
    control: "\${ #stage('Deploy canary')['outputs']['serverGroups'][0] }"
    experiment: "\${ #stage('Deploy canary')['outputs']['serverGroups'][1] }"
  lifetime: 30m
  interval: 10m
  onFailure: ignore
\`\`\``,
  handler: canaryAnalysisStage,
});

/** Kept: realTime or retrospective (Capstan reads endTime to tell them apart, as Orca does). */
function keepAnalysisType(value: unknown): Record<string, unknown> {
  return value === "realTime" || value === "retrospective" ? { analysisType: value } : {};
}
