// Kayenta canary configs: the typed model, and loadCanaryConfig, which reads Kayenta's JSON (or the
// same document as YAML, e.g. under .capstan/canary/) with a position for every node, checks it
// against the canary config schema and Kayenta's own rules, and never throws on bad input.
import { createRequire } from "node:module";
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from "ajv";
import { type Diagnostic, diagnostic, hasErrors, type Span } from "../diagnostics/diagnostic.js";
import { closest, LENIENT_MATCH } from "../diagnostics/did-you-mean.js";
import { type LoadedDocument, loadYaml, type PathSegment } from "../loader/yaml-loader.js";
import { ErrorMapper } from "../schema/schema-error-mapper.js";
import { canaryConfigSchema } from "./config-schema.js";

/** The judge Capstan runs, by Kayenta's name. */
export const CANARY_JUDGE_NAME = "NetflixACAJudge-v1.0";

/** Where a repository keeps its canary configs (`<name>.yml`, `.yaml` or `.json`). */
export const CANARY_CONFIG_DIR = ".capstan/canary";

export type MetricDirection = "increase" | "decrease" | "either";
export type NanStrategy = "remove" | "replace";
export type OutlierStrategy = "remove" | "keep";
export type EffectSizeMeasure = "meanRatio" | "cles";

/** `analysisConfigurations.canary` of a metric, as written (defaults: `metricAnalysis`). */
export interface CanaryAnalysisSettings {
  direction?: MetricDirection;
  nanStrategy?: NanStrategy;
  critical?: boolean;
  mustHaveData?: boolean;
  muted?: boolean;
  effectSize?: {
    measure?: EffectSizeMeasure;
    allowedIncrease?: number;
    allowedDecrease?: number;
    criticalIncrease?: number;
    criticalDecrease?: number;
  };
  outliers?: { strategy?: OutlierStrategy; outlierFactor?: number };
}

/** A metric's `query` with `type: prometheus` (Kayenta's PrometheusCanaryMetricSetQueryConfig). */
export interface PrometheusMetricQuery {
  type: "prometheus";
  serviceType?: string;
  metricName: string;
  labelBindings?: string[];
  groupByFields?: string[];
  customInlineTemplate?: string;
  customFilterTemplate?: string;
  customFilter?: string;
  resourceType?: "local" | "gce_instance" | "aws_ec2_instance";
  scopeLabel?: string;
}

/** A query for another Kayenta metric source: kept as written, not fetched by Capstan. */
export interface OtherMetricQuery {
  type: string;
  [field: string]: unknown;
}

export type CanaryMetricQuery = PrometheusMetricQuery | OtherMetricQuery;

export interface CanaryMetricConfig {
  name: string;
  query?: CanaryMetricQuery;
  groups?: string[];
  analysisConfigurations?: { canary?: CanaryAnalysisSettings; [analysis: string]: unknown };
  scopeName?: string;
}

/** A Kayenta canary config. */
export interface CanaryConfig {
  name?: string;
  description?: string;
  id?: string;
  applications?: string[];
  configVersion?: string;
  judge?: { name?: string; judgeConfigurations?: Record<string, unknown> };
  metrics: CanaryMetricConfig[];
  templates?: Record<string, string>;
  classifier?: {
    groupWeights?: Record<string, number>;
    scoreThresholds?: { marginal?: number; pass?: number };
  };
}

/** A metric's analysis settings with Kayenta's defaults applied. */
export interface MetricAnalysis {
  direction: MetricDirection;
  nanStrategy: NanStrategy;
  critical: boolean;
  mustHaveData: boolean;
  muted: boolean;
  outliers: { strategy: OutlierStrategy; factor: number };
  effectSize: {
    measure: EffectSizeMeasure;
    allowedIncrease: number;
    allowedDecrease: number;
    criticalIncrease: number;
    criticalDecrease: number;
  };
}

/**
 * The settings NetflixACAJudge uses for a metric, read as Kayenta reads them: a value it does not
 * know falls back to the default (direction either, NaN removed, outliers kept, factor 3,
 * meanRatio with 1.0 thresholds, or 0.5 for cles). loadCanaryConfig refuses such values first.
 */
export function metricAnalysis(metric: CanaryMetricConfig): MetricAnalysis {
  const c = metric.analysisConfigurations?.canary ?? {};
  const direction: MetricDirection =
    c.direction === "increase" || c.direction === "decrease" ? c.direction : "either";
  const measure: EffectSizeMeasure = c.effectSize?.measure === "cles" ? "cles" : "meanRatio";
  const fallback = measure === "cles" ? 0.5 : 1.0;
  const size = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
  const factor = c.outliers?.outlierFactor;
  return {
    direction,
    nanStrategy: c.nanStrategy === "replace" ? "replace" : "remove",
    critical: c.critical === true,
    mustHaveData: c.mustHaveData === true,
    muted: c.muted === true,
    outliers: {
      strategy: c.outliers?.strategy === "remove" ? "remove" : "keep",
      factor: typeof factor === "number" && factor > 0 ? factor : 3.0,
    },
    effectSize: {
      measure,
      allowedIncrease: size(c.effectSize?.allowedIncrease),
      allowedDecrease: size(c.effectSize?.allowedDecrease),
      criticalIncrease: size(c.effectSize?.criticalIncrease),
      criticalDecrease: size(c.effectSize?.criticalDecrease),
    },
  };
}

/** True for a path Capstan reads as a canary config by location (`.capstan/canary/*.yml|yaml|json`). */
export function isCanaryConfigPath(path: string): boolean {
  return /(^|[\\/])\.capstan[\\/]canary[\\/][^\\/]+\.(ya?ml|json)$/i.test(path);
}

type AjvConstructor = new (options: object) => AjvClass;
let compiled: ValidateFunction | undefined;

/** The schema validator, compiled on first use (canary configs are small and read rarely). */
function validator(): ValidateFunction {
  if (!compiled) {
    const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: AjvConstructor };
    // The pipeline validators' options: every error, each with its schema node for messages.
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
    compiled = ajv.compile(canaryConfigSchema() as object);
  }
  return compiled;
}

/**
 * Reads a canary config (Kayenta's JSON, or YAML). `config` is set when there is no error;
 * warnings (unknown fields, which Kayenta ignores, and suspicious settings) come with it.
 */
export function loadCanaryConfig(
  text: string,
  path: string,
): { config?: CanaryConfig; diagnostics: Diagnostic[] } {
  const doc = loadYaml(text, path);
  const diagnostics = [...doc.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics };
  diagnostics.push(...schemaDiagnostics(doc));
  if (hasErrors(diagnostics)) return { diagnostics: sorted(diagnostics) };
  const config = buildConfig(doc.value as Record<string, unknown>);
  diagnostics.push(...configChecks(config, doc));
  return hasErrors(diagnostics)
    ? { diagnostics: sorted(diagnostics) }
    : { config, diagnostics: sorted(diagnostics) };
}

function sorted(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

function schemaDiagnostics(doc: LoadedDocument): Diagnostic[] {
  const fn = validator();
  if (fn(doc.value)) return [];
  const mapper = new ErrorMapper(doc, canaryConfigSchema(), "canary config");
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of (fn.errors ?? []) as ErrorObject[]) {
    const d = mapper.map(error, []);
    if (!d) continue;
    if (d.code === "schema-unknown-field") {
      // Kayenta reads past fields it does not know; a warning still catches the typo.
      d.severity = "warning";
      d.message += " Kayenta ignores unknown fields, and so does Capstan.";
    }
    const key = `${d.code}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** The typed config from data the schema accepted (fields it does not know are left out). */
function buildConfig(data: Record<string, unknown>): CanaryConfig {
  const pick = <T>(source: Record<string, unknown>, keys: readonly string[]): T => {
    const out: Record<string, unknown> = {};
    for (const key of keys) if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
    return out as T;
  };
  const config = pick<CanaryConfig>(data, [
    "name",
    "description",
    "id",
    "applications",
    "configVersion",
    "judge",
    "templates",
    "classifier",
  ]);
  config.metrics = (data.metrics as Record<string, unknown>[]).map((m) => {
    const metric = pick<CanaryMetricConfig>(m, [
      "name",
      "query",
      "groups",
      "analysisConfigurations",
      "scopeName",
    ]);
    if (metric.query && (metric.query as { type?: unknown }).type === "prometheus") {
      metric.query = pick<PrometheusMetricQuery>(metric.query as Record<string, unknown>, [
        "type",
        "serviceType",
        "metricName",
        "labelBindings",
        "groupByFields",
        "customInlineTemplate",
        "customFilterTemplate",
        "customFilter",
        "resourceType",
        "scopeLabel",
      ]);
    }
    return metric;
  });
  return config;
}

/** Kayenta's rules the schema cannot say: names that must match, weights that must add up. */
function configChecks(config: CanaryConfig, doc: LoadedDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PathSegment[], key = false): Span => {
    const location = doc.locate(path);
    if (!location) return { start: 0, end: 0 };
    return key && location.key ? location.key : location.value;
  };
  if (config.judge?.name !== undefined && config.judge.name !== CANARY_JUDGE_NAME) {
    out.push(
      diagnostic(
        "canary-judge",
        "warning",
        `Capstan judges with ${CANARY_JUDGE_NAME}, not '${config.judge.name}'; the metrics are scored the NetflixACAJudge way.`,
        at(["judge", "name"]),
      ),
    );
  }
  const templates = Object.keys(config.templates ?? {});
  const firstByName = new Map<string, number>();
  const groupsUsed = new Set<string>();
  config.metrics.forEach((metric, i) => {
    const previous = firstByName.get(metric.name);
    if (previous !== undefined) {
      out.push(
        diagnostic(
          "canary-duplicate-metric",
          "error",
          `Two metrics are named '${metric.name}': metric set pairs are matched by name, so only the first would be judged. Rename one.`,
          at(["metrics", i, "name"]),
          { related: [{ message: "the first one", span: at(["metrics", previous, "name"]) }] },
        ),
      );
    } else firstByName.set(metric.name, i);
    const groups = metric.groups ?? [];
    for (const g of groups) groupsUsed.add(g);
    if (groups.length === 0 && !metric.analysisConfigurations?.canary?.muted) {
      out.push(
        diagnostic(
          "canary-metric-without-group",
          "warning",
          `Metric '${metric.name}' is in no group, so it counts in no score (NetflixACAJudge scores groups). Add 'groups: [<name>]'.`,
          at(["metrics", i, "name"]),
        ),
      );
    }
    const factor = metric.analysisConfigurations?.canary?.outliers?.outlierFactor;
    if (factor !== undefined && !(factor > 0)) {
      out.push(
        diagnostic(
          "canary-outlier-factor",
          "error",
          `'outlierFactor' must be more than 0; found ${factor}. Kayenta's default is 3.0.`,
          at(["metrics", i, "analysisConfigurations", "canary", "outliers", "outlierFactor"]),
        ),
      );
    }
    const query = metric.query as Partial<PrometheusMetricQuery> | undefined;
    if (!query) return;
    const q = (field: string) => at(["metrics", i, "query", field]);
    if (query.type !== "prometheus") {
      out.push(
        diagnostic(
          "canary-query-type",
          "warning",
          `Capstan fetches metrics from Prometheus only; a '${query.type}' metric can be judged from exported metric set pairs (capstan canary judge) but not read by a canary stage.`,
          q("type"),
        ),
      );
      return;
    }
    if (query.customFilter !== undefined) {
      out.push(
        diagnostic(
          "canary-custom-filter",
          "error",
          "'customFilter' is deprecated and Kayenta refuses it: write the filter as 'customInlineTemplate' instead.",
          at(["metrics", i, "query", "customFilter"], true),
          { data: { replacement: "customInlineTemplate" } },
        ),
      );
    }
    if (query.customFilterTemplate !== undefined) {
      if (query.customInlineTemplate !== undefined) {
        out.push(
          diagnostic(
            "canary-template-ignored",
            "warning",
            "'customInlineTemplate' wins over 'customFilterTemplate', which is not used: remove one.",
            at(["metrics", i, "query", "customFilterTemplate"], true),
          ),
        );
      } else if (!templates.includes(query.customFilterTemplate)) {
        const near = closest(query.customFilterTemplate, templates);
        out.push(
          diagnostic(
            "canary-unknown-template",
            "error",
            `No template named '${query.customFilterTemplate}' in 'templates'${
              near
                ? `. Did you mean '${near}'?`
                : templates.length
                  ? ` (there are: ${templates.join(", ")}).`
                  : ", which is empty."
            }`,
            q("customFilterTemplate"),
            near ? { data: { replacement: near } } : {},
          ),
        );
      }
    }
  });

  const weights = config.classifier?.groupWeights ?? {};
  const used = [...groupsUsed];
  for (const group of Object.keys(weights)) {
    if (groupsUsed.has(group)) continue;
    const near = closest(group, used, LENIENT_MATCH);
    out.push(
      diagnostic(
        "canary-unknown-group",
        "warning",
        `No metric is in group '${group}', so its weight counts for nothing${near ? `. Did you mean '${near}'?` : "."}`,
        at(["classifier", "groupWeights", group], true),
        near ? { data: { replacement: near } } : {},
      ),
    );
  }
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const unweighted = used.filter((g) => !Object.hasOwn(weights, g));
  if (total > 100) {
    out.push(
      diagnostic(
        "canary-group-weights",
        "warning",
        `The group weights add up to ${total}, more than 100: Kayenta does not scale them, so scores can exceed 100${
          unweighted.length ? " and the groups without a weight get a negative one" : ""
        }.`,
        at(["classifier", "groupWeights"], true),
      ),
    );
  } else if (total < 100 && unweighted.length === 0 && used.length > 0 && Object.keys(weights).length > 0) {
    out.push(
      diagnostic(
        "canary-group-weights",
        "warning",
        `The group weights add up to ${total}, and every group has one: the score can never exceed ${total}.`,
        at(["classifier", "groupWeights"], true),
      ),
    );
  }
  const thresholds = config.classifier?.scoreThresholds;
  if (
    thresholds?.marginal !== undefined &&
    thresholds.pass !== undefined &&
    thresholds.marginal > thresholds.pass
  ) {
    out.push(
      diagnostic(
        "canary-thresholds",
        "error",
        `The marginal threshold (${thresholds.marginal}) is above the pass threshold (${thresholds.pass}): marginal must be at most pass.`,
        at(["classifier", "scoreThresholds", "marginal"]),
      ),
    );
  }
  return out;
}
