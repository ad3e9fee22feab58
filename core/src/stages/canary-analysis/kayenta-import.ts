import { ImportContext } from "../../import/context.js";
import { formatSeconds, isoDurationSeconds } from "../../import/duration.js";
import { childPath, isRecord, show, toNumber } from "../../import/json-path.js";
import { numberValue } from "../../import/stage-rules.js";

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
