import type { ImportContext } from "../../import/context.js";
import { formatSeconds, isoDurationSeconds } from "../../import/duration.js";
import { childPath, hasExpression, isRecord, show, toNumber } from "../../import/json-path.js";
import { numberValue } from "../../import/stage-rules.js";

/** Fields of Kayenta's canaryConfig the build reads; the others are reported. */
const MAPPED = [
  "canaryConfigId",
  "canaryConfigName",
  "scopes",
  "scoreThresholds",
  "lifetimeDuration",
  "lifetimeHours",
  "canaryAnalysisIntervalMins",
  "beginCanaryAnalysisAfterMins",
  "lookbackMins",
  "baselineAnalysisOffsetInMins",
  "metricsAccountName",
];

const WHY_DROPPED: Record<string, string> = {
  storageAccountName: "Capstan keeps canary results in the run's journal",
  configurationAccountName: "Capstan reads canary configs from .capstan/canary/ in the repository",
  siteLocal: "Kayenta's siteLocal has no Capstan equivalent",
  combinedCanaryResultStrategy: "Capstan uses the last run's score, as Orca does by default",
};

/**
 * Orca's kayentaCanary stage as a runnable canaryAnalysis stage: the canary config by name (the
 * Kayenta canary-config JSON goes in `.capstan/canary/<name>.json`), the first scope's server
 * groups, locations and step, the timing in Capstan durations, the thresholds; the metrics account
 * becomes `prometheus: local` (noted: give the Prometheus URL the account pointed to).
 */
export function kayentaCanaryBuild(
  stage: Record<string, unknown>,
  path: string,
  ctx: ImportContext,
): Record<string, unknown> {
  const c = stage.canaryConfig;
  const cPath = childPath(path, "canaryConfig");
  if (!isRecord(c)) {
    ctx.note(cPath, "dropped", "no canaryConfig: write the canary config and scopes of the stage");
    return {};
  }
  const out: Record<string, unknown> = {};
  const configName = [c.canaryConfigName, c.canaryConfigId].find((v) => typeof v === "string" && v !== "");
  if (typeof configName === "string") {
    out.canaryConfig = configName;
    ctx.note(
      childPath(cPath, c.canaryConfigName ? "canaryConfigName" : "canaryConfigId"),
      "changed",
      `the metrics live in Kayenta canary config ${show(configName)}: save its JSON (as Kayenta exports it) as .capstan/canary/${configName}.json`,
    );
  } else ctx.note(cPath, "dropped", "no canaryConfigId or canaryConfigName: set canaryConfig or metrics");

  out.prometheus = "local";
  ctx.note(
    childPath(cPath, "metricsAccountName"),
    "changed",
    `${c.metricsAccountName ? `metrics account ${show(c.metricsAccountName)}` : "no metrics account"}: prometheus is local (the Prometheus capstan run starts); set prometheus.url to the account's Prometheus`,
  );

  // Scopes: the first one (Capstan compares one control and one experiment).
  const scopes = Array.isArray(c.scopes) ? c.scopes : [];
  const sPath = childPath(cPath, "scopes");
  if (scopes.length === 0) ctx.note(sPath, "dropped", "no scopes: set scopes.control and scopes.experiment");
  if (scopes.length > 1)
    ctx.note(
      sPath,
      "unsupported",
      `${scopes.length} scopes; Capstan compares one, the first (${show(scopes[0])})`,
    );
  const scope = scopes[0];
  if (isRecord(scope)) {
    const s: Record<string, unknown> = {};
    const p0 = childPath(sPath, 0);
    if (scope.controlScope) s.control = scope.controlScope;
    if (scope.experimentScope) s.experiment = scope.experimentScope;
    if (scope.controlLocation) s.controlLocation = scope.controlLocation;
    if (scope.experimentLocation) s.experimentLocation = scope.experimentLocation;
    if (isRecord(scope.extendedScopeParams) && Object.keys(scope.extendedScopeParams).length > 0)
      s.extendedScopeParams = scope.extendedScopeParams;
    out.scopes = s;
    if (scope.step !== undefined && scope.step !== null && scope.step !== "") {
      const n = numberValue(scope.step, childPath(p0, "step"), ctx);
      if (typeof n === "number") out.step = formatSeconds(n);
      else if (n !== undefined) out.step = n;
    }
    if (typeof scope.startTimeIso === "string" && scope.startTimeIso !== "")
      out.startTime = scope.startTimeIso;
    if (typeof scope.endTimeIso === "string" && scope.endTimeIso !== "") out.endTime = scope.endTimeIso;
    for (const key of Object.keys(scope))
      if (
        ![
          "controlScope",
          "experimentScope",
          "controlLocation",
          "experimentLocation",
          "extendedScopeParams",
          "step",
          "startTimeIso",
          "endTimeIso",
          "scopeName",
        ].includes(key)
      )
        ctx.note(childPath(p0, key), "dropped", `${key} has no Capstan equivalent`);
  }

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

  const minutes = (key: string, as: string, keepZero: boolean) => {
    const v = c[key];
    if (v === undefined || v === null || v === "") return;
    if (hasExpression(v)) {
      ctx.note(
        childPath(cPath, key),
        "dropped",
        `${show(v)}: minutes from an expression cannot become a duration`,
      );
      return;
    }
    const n = toNumber(v);
    if (n === undefined) ctx.note(childPath(cPath, key), "dropped", `${show(v)} is not a number of minutes`);
    else if (n > 0 || keepZero) out[as] = formatSeconds(n * 60);
  };
  if (typeof c.lifetimeDuration === "string" && c.lifetimeDuration !== "") {
    const s = isoDurationSeconds(c.lifetimeDuration);
    if (s === undefined)
      ctx.note(
        childPath(cPath, "lifetimeDuration"),
        "dropped",
        `${show(c.lifetimeDuration)} is not an ISO-8601 duration`,
      );
    else out.lifetime = formatSeconds(s);
  } else if (c.lifetimeHours !== undefined && c.lifetimeHours !== null && c.lifetimeHours !== "") {
    const h = toNumber(c.lifetimeHours);
    if (h === undefined)
      ctx.note(
        childPath(cPath, "lifetimeHours"),
        "dropped",
        `${show(c.lifetimeHours)} is not a number of hours`,
      );
    else out.lifetime = formatSeconds(h * 3600);
  }
  minutes("canaryAnalysisIntervalMins", "interval", false);
  minutes("beginCanaryAnalysisAfterMins", "warmup", false);
  minutes("lookbackMins", "lookback", false);
  minutes("baselineAnalysisOffsetInMins", "baselineAnalysisOffset", false);

  for (const key of Object.keys(c))
    if (!MAPPED.includes(key) && !(c[key] === null || c[key] === ""))
      ctx.note(childPath(cPath, key), "dropped", WHY_DROPPED[key] ?? `${key} has no Capstan equivalent`);
  return out;
}

/** Orca-managed baseline/canary clusters (`deployments`): deploy them with deploy stages instead. */
export function kayentaDeployments(
  value: unknown,
  path: string,
  ctx: ImportContext,
): Record<string, unknown> {
  if (value === undefined || value === null || (isRecord(value) && Object.keys(value).length === 0))
    return {};
  ctx.note(
    path,
    "unsupported",
    "Orca-managed canary deployments are not imported: deploy the baseline and canary server groups with deploy stages before the analysis (see examples/canary.yml)",
  );
  return {};
}
