import { ImportContext } from "./context.js";
import { formatSeconds, isoDurationSeconds } from "./duration.js";
import { childPath, isRecord, show, toNumber } from "./json-path.js";
import {
  asBoolean,
  asNumber,
  drop,
  isEmpty,
  keep,
  numberValue,
  type Rule,
  type StageSpec,
  silent,
} from "./stage-rules.js";

const ARTIFACTS =
  "Spinnaker artifacts are not supported; write the manifest inline (manifests) or as a file in the repository (manifestFile)";

// Spinnaker label selector kinds as kubectl selector syntax.
function selectorTerm(sel: Record<string, unknown>): string | undefined {
  const key = sel.key;
  const values = Array.isArray(sel.values) ? sel.values.map(String) : [];
  if (typeof key !== "string" || key === "") return undefined;
  switch (sel.kind) {
    case "EQUALS":
      return values.length === 1 ? `${key}=${values[0]}` : `${key} in (${values.join(",")})`;
    case "NOT_EQUALS":
      return values.length === 1 ? `${key}!=${values[0]}` : `${key} notin (${values.join(",")})`;
    case "CONTAINS":
    case "ANY":
      return `${key} in (${values.join(",")})`;
    case "NOT_CONTAINS":
      return `${key} notin (${values.join(",")})`;
    case "EXISTS":
      return key;
    case "NOT_EXISTS":
      return `!${key}`;
    default:
      return undefined;
  }
}

const labelSelectors: Rule = (value, path, ctx) => {
  const list = isRecord(value) && Array.isArray(value.selectors) ? value.selectors : undefined;
  if (!list) return drop("labelSelectors is not {selectors: [...]}")(value, path, ctx, {});
  const terms: string[] = [];
  list.forEach((sel, i) => {
    const term = isRecord(sel) ? selectorTerm(sel) : undefined;
    if (term === undefined)
      ctx.note(
        childPath(childPath(path, "selectors"), i),
        "dropped",
        `${show(sel)} is not a label selector term`,
      );
    else terms.push(term);
  });
  if (!terms.length) return {};
  ctx.note(path, "changed", `label selectors written as the kubectl selector "${terms.join(",")}"`);
  return { labelSelector: terms.join(",") };
};

/** `options` of delete/patch: the fields Capstan has are lifted to the stage. */
const options =
  (fields: Record<string, string>): Rule =>
  (value, path, ctx) => {
    if (!isRecord(value)) return {};
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key in fields)
        Object.assign(
          out,
          (fields[key] === "int" ? asNumber(key) : fields[key] === "bool" ? asBoolean(key) : keep(key))(
            v,
            childPath(path, key),
            ctx,
            value,
          ),
        );
      else if (!isEmpty(v))
        ctx.note(childPath(path, key), "dropped", `options.${key} has no Capstan equivalent`);
    }
    return out;
  };

const mode: Rule = (value, path, ctx) => {
  if (value === "dynamic")
    ctx.note(
      path,
      "unsupported",
      "dynamic target selection (cluster + criteria) is not supported; name the object in manifestName",
    );
  return {};
};

// Fields the Kubernetes manifest stages share.
const MANIFEST_COMMON: Record<string, Rule> = {
  account: keep(),
  cloudProvider: (value, path, ctx) => {
    if (value !== "kubernetes" && value !== undefined && value !== "")
      ctx.note(
        path,
        "unsupported",
        `manifest stages on ${show(value)} are not supported; Capstan applies manifests through the Kubernetes API`,
      );
    return {};
  },
  app: silent,
  moniker: silent, // the application, which is the repository
  location: keep("namespace"),
  manifestName: keep(),
  mode,
  cluster: drop("dynamic target selection is not supported; name the object in manifestName", "unsupported"),
  criteria: drop("dynamic target selection is not supported; name the object in manifestName", "unsupported"),
  kind: drop("name the object in manifestName as `kind name`"),
  manifestArtifactAccount: silent, // "embedded-artifact" for inline manifests; artifacts are reported below
  relationships: silent, // deck's empty {loadBalancers: [], securityGroups: []}
};

export const MANIFEST_SPECS: Record<string, StageSpec> = {
  deployManifest: {
    rules: {
      ...MANIFEST_COMMON,
      namespaceOverride: keep("namespace"),
      source: (value, path, ctx) => {
        if (value !== "text" && value !== undefined) ctx.note(path, "unsupported", ARTIFACTS);
        return {};
      },
      manifests: keep(),
      // Only `true` changes anything (expressions in the manifests are left alone).
      skipExpressionEvaluation: (value, path, ctx, stage) =>
        value === false ? {} : asBoolean()(value, path, ctx, stage),
      manifestArtifactId: drop(ARTIFACTS, "unsupported"),
      manifestArtifact: drop(ARTIFACTS, "unsupported"),
      requiredArtifactIds: drop(ARTIFACTS, "unsupported"),
      requiredArtifacts: drop(ARTIFACTS, "unsupported"),
      trafficManagement: (value, path, ctx) => {
        if (isRecord(value) && value.enabled !== true) return {}; // the switched-off default deck writes
        return drop(
          "Spinnaker's traffic management (Service selection per ReplicaSet) is not supported",
          "unsupported",
        )(value, path, ctx, {});
      },
    },
  },
  scaleManifest: { rules: { ...MANIFEST_COMMON, replicas: asNumber() } },
  patchManifest: {
    rules: {
      ...MANIFEST_COMMON,
      source: (value, path, ctx) => {
        if (value !== "text" && value !== undefined) ctx.note(path, "unsupported", ARTIFACTS);
        return {};
      },
      patchBody: keep(),
      options: options({ mergeStrategy: "string", record: "bool" }),
      patchArtifactId: drop(ARTIFACTS, "unsupported"),
      requiredArtifactIds: drop(ARTIFACTS, "unsupported"),
      manifestArtifactId: drop(ARTIFACTS, "unsupported"),
    },
  },
  deleteManifest: {
    rules: {
      ...MANIFEST_COMMON,
      kinds: keep(),
      labelSelectors,
      options: options({ cascading: "bool", gracePeriodSeconds: "int" }),
    },
  },
  undoRolloutManifest: { rules: { ...MANIFEST_COMMON, numRevisionsBack: asNumber() } },
};

/** Kayenta's canaryConfig: what maps to Capstan's canaryAnalysis, the rest reported. */
function canary(stage: Record<string, unknown>, path: string, ctx: ImportContext): Record<string, unknown> {
  const c = stage.canaryConfig;
  const cPath = childPath(path, "canaryConfig");
  if (!isRecord(c)) {
    ctx.note(cPath, "dropped", "no canaryConfig");
    return {};
  }
  const out: Record<string, unknown> = {};
  if (isRecord(c.scoreThresholds)) {
    const t: Record<string, unknown> = {};
    for (const k of ["marginal", "pass"]) {
      const v = c.scoreThresholds[k];
      if (v === undefined || v === null || v === "") continue;
      const n = numberValue(v, childPath(childPath(cPath, "scoreThresholds"), k), ctx);
      if (n !== undefined) t[k] = n;
    }
    if (Object.keys(t).length) out.scoreThresholds = t;
  }
  const minutes = (key: string, as: string) => {
    const v = c[key];
    if (v === undefined || v === null || v === "") return;
    const n = toNumber(v);
    if (n === undefined) ctx.note(childPath(cPath, key), "dropped", `${show(v)} is not a number of minutes`);
    else if (n > 0 || as !== "warmup") out[as] = formatSeconds(n * 60);
  };
  if (typeof c.lifetimeDuration === "string") {
    const s = isoDurationSeconds(c.lifetimeDuration);
    if (s === undefined)
      ctx.note(
        childPath(cPath, "lifetimeDuration"),
        "dropped",
        `${show(c.lifetimeDuration)} is not an ISO-8601 duration`,
      );
    else out.lifetime = formatSeconds(s);
  } else if (c.lifetimeHours !== undefined) {
    const h = toNumber(c.lifetimeHours);
    if (h === undefined)
      ctx.note(
        childPath(cPath, "lifetimeHours"),
        "dropped",
        `${show(c.lifetimeHours)} is not a number of hours`,
      );
    else out.lifetime = formatSeconds(h * 3600);
  }
  minutes("canaryAnalysisIntervalMins", "interval");
  minutes("beginCanaryAnalysisAfterMins", "warmup");
  const mapped = [
    "scoreThresholds",
    "lifetimeDuration",
    "lifetimeHours",
    "canaryAnalysisIntervalMins",
    "beginCanaryAnalysisAfterMins",
  ];
  const why: Record<string, string> = {
    canaryConfigId:
      "the metrics live in this Kayenta canary config; write them into the stage (Prometheus queries)",
    canaryConfigName:
      "the metrics live in this Kayenta canary config; write them into the stage (Prometheus queries)",
    scopes:
      "the control and experiment scopes name Kayenta metric scopes; set the canary and baseline of the stage instead",
    metricsAccountName: "Capstan reads metrics from Prometheus, not a Kayenta account",
    storageAccountName: "Capstan keeps canary results in the run's journal",
    configurationAccountName: "Capstan reads metrics from Prometheus, not a Kayenta account",
  };
  for (const key of Object.keys(c))
    if (!mapped.includes(key))
      ctx.note(
        childPath(cPath, key),
        why[key] ? "unsupported" : "dropped",
        why[key] ?? `${key} has no Capstan equivalent`,
      );
  return out;
}

/**
 * kayentaCanary stays a Spinnaker-only stage (Capstan's canaryAnalysis needs its metrics, which
 * live in a Kayenta canary config the pipeline only references). The note says what would carry
 * over, so the author can write the canaryAnalysis stage.
 */
export function canarySuggestion(stage: Record<string, unknown>, path: string, ctx: ImportContext): void {
  const probe = new ImportContext(ctx.options);
  const mapped = canary(stage, path, probe);
  ctx.note(
    path,
    "unsupported",
    `kayentaCanary kept as written: Capstan's canaryAnalysis needs the metrics (Prometheus queries) of Kayenta canary config ${show(isRecord(stage.canaryConfig) ? (stage.canaryConfig.canaryConfigId ?? stage.canaryConfig.canaryConfigName) : undefined)}. What carries over: ${show({ type: "canaryAnalysis", ...mapped }, 200)}`,
  );
}
