import type { ImportContext } from "../../import/context.js";
import { childPath, isRecord, show } from "../../import/json-path.js";
import {
  asBoolean,
  asNumber,
  asSeconds,
  capacity,
  keep,
  provider,
  type Rule,
} from "../../import/stage-rules.js";
import { resolvePipeline } from "../../import/triggers.js";

/** Fields of a deploy cluster the format has; everything else is provider detail Capstan drops. */
const CLUSTER_RULES: Record<string, Rule> = {
  provider,
  cloudProvider: provider,
  account: keep("account"),
  credentials: keep("account"),
  namespace: keep(),
  application: keep(),
  stack: keep(),
  freeFormDetails: keep("detail"),
  capacity,
  strategy: (value, path, ctx) => {
    if (value === undefined || value === null || value === "") return { strategy: "none" };
    const s = String(value).toLowerCase();
    if (["none", "highlander", "redblack", "rollingredblack"].includes(s)) return { strategy: s };
    ctx.note(
      path,
      "unsupported",
      `strategy ${show(value)} is not none, highlander, redblack or rollingredblack; kept`,
    );
    return { strategy: value };
  },
  maxRemainingAsgs: asNumber(),
  scaleDown: asBoolean(),
  delayBeforeDisableSec: asSeconds("delayBeforeDisable"),
  delayBeforeCleanup: asSeconds("delayBeforeDisable"),
  delayBeforeScaleDownSec: asSeconds("delayBeforeScaleDown"),
  targetPercentages: keep(),
  pipelineBeforeCleanup: (value, path, ctx) => {
    if (!isRecord(value) || typeof value.pipelineId !== "string" || value.pipelineId === "") return {};
    const out: Record<string, unknown> = {
      pipeline: resolvePipeline(value.pipelineId, childPath(path, "pipelineId"), ctx, ctx.pipelineNames),
    };
    if (isRecord(value.pipelineParameters) && Object.keys(value.pipelineParameters).length)
      out.parameters = value.pipelineParameters;
    for (const key of Object.keys(value))
      if (!["pipelineId", "pipelineParameters", "application"].includes(key))
        ctx.note(childPath(path, key), "dropped", `${key} has no Capstan equivalent`);
    return { pipelineBeforeCleanup: out };
  },
  rollback: (value, path, ctx) => {
    if (!isRecord(value)) return {};
    for (const key of Object.keys(value))
      if (key !== "onFailure" && key !== "destroyLatest")
        ctx.note(childPath(path, key), "dropped", `rollback.${key} has no Capstan equivalent`);
    const r: Record<string, unknown> = {};
    if (value.onFailure !== undefined) r.onFailure = value.onFailure === true;
    if (value.destroyLatest !== undefined) r.destroyLatest = value.destroyLatest === true;
    return Object.keys(r).length ? { rollback: r } : {};
  },
};

function convertCluster(raw: unknown, path: string, ctx: ImportContext): Record<string, unknown> | undefined {
  if (!isRecord(raw)) {
    ctx.note(path, "unsupported", `cluster ${show(raw)} is not a cluster definition; dropped`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(CLUSTER_RULES))
    if (key in raw && raw[key] !== undefined)
      Object.assign(out, rule(raw[key], childPath(path, key), ctx, raw));
  // Provider detail (instance types, subnets, load balancers, IAM ...) is listed key by key.
  for (const key of Object.keys(raw))
    if (!(key in CLUSTER_RULES)) {
      const v = raw[key];
      const empty =
        v === null ||
        v === "" ||
        (Array.isArray(v) && v.length === 0) ||
        (isRecord(v) && Object.keys(v).length === 0);
      if (!empty)
        ctx.note(childPath(path, key), "dropped", `${key} is provider detail Capstan does not model`);
    }
  if (!("strategy" in out)) out.strategy = "none";
  return out;
}

/** `clusters`, plus the legacy single `cluster` map as one more entry (as Orca's ParallelDeployStage). */
export function deployClusters(
  stage: Record<string, unknown>,
  path: string,
  ctx: ImportContext,
): Record<string, unknown> {
  const list: Record<string, unknown>[] = [];
  const cPath = childPath(path, "clusters");
  if (Array.isArray(stage.clusters))
    stage.clusters.forEach((c, i) => {
      const out = convertCluster(c, childPath(cPath, i), ctx);
      if (out) list.push(out);
    });
  else if (stage.clusters !== undefined) ctx.note(cPath, "dropped", "clusters is not a list");
  if (isRecord(stage.cluster)) {
    const out = convertCluster(stage.cluster, childPath(path, "cluster"), ctx);
    if (out) list.push(out);
  }
  return { clusters: list };
}
