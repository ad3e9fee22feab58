import type { ImportContext } from "./context.js";
import { childPath, isRecord, show } from "./json-path.js";
import {
  asBoolean,
  asNumber,
  asSeconds,
  capacity,
  drop,
  isEmpty,
  keep,
  numberValue,
  provider,
  type Rule,
  type StageSpec,
  silent,
} from "./stage-rules.js";
import { resolvePipeline } from "./triggers.js";

const NO_REGIONS =
  "Capstan server groups have no regions or zones; the provider account decides where they run";

// Orca's dynamic targets and Capstan's names for them.
const TARGETS: Record<string, string> = {
  current_asg_dynamic: "newest",
  ancestor_asg_dynamic: "previous",
  oldest_asg_dynamic: "oldest",
  // Deprecated static forms, resolved by Orca at pipeline start to the same server groups.
  current_asg: "newest",
  ancestor_asg: "previous",
};

const target: Rule = (value, path, ctx) => {
  if (typeof value !== "string" || value === "") return {};
  const t = TARGETS[value];
  if (t) return { target: t };
  ctx.note(path, "unsupported", `target ${show(value)} is not newest, previous or oldest; kept as written`);
  return { target: value };
};

/** Where server-group stages find their cluster: `cluster`, else `moniker.cluster`. */
const cluster: Rule = (value) => (typeof value === "string" && value !== "" ? { cluster: value } : {});
const moniker: Rule = (value, path, ctx, stage) => {
  if (!isRecord(value)) return {};
  if (!stage.cluster && typeof value.cluster === "string") return { cluster: value.cluster };
  if (stage.cluster && value.cluster !== undefined && value.cluster !== stage.cluster)
    ctx.note(path, "dropped", `moniker.cluster ${show(value.cluster)} differs from cluster; cluster wins`);
  return {};
};

/** Fields shared by every stage that acts on a cluster or server group. */
const LOCATING: Record<string, Rule> = {
  cluster,
  moniker,
  credentials: keep("account"),
  account: keep("account"),
  cloudProvider: provider,
  provider,
  cloudProviderType: silent,
  namespace: keep(),
  regions: drop(NO_REGIONS),
  region: drop(NO_REGIONS),
  zones: drop(NO_REGIONS),
  namespaces: drop(NO_REGIONS),
  continueIfClusterNotFound: asBoolean(),
  interestingHealthProviderNames: drop("Capstan checks the provider's own health check"),
};

const serverGroup = (extra: Record<string, Rule>): StageSpec => ({
  rules: { ...LOCATING, target, serverGroupName: keep(), ...extra },
});
const clusterWide = (extra: Record<string, Rule>): StageSpec => ({ rules: { ...LOCATING, ...extra } });

const ACTIONS: Record<string, string> = {
  scale_up: "scaleUp",
  scale_down: "scaleDown",
  scale_to_cluster: "scaleToCluster",
  scale_exact: "scaleExact",
};

/**
 * Resize amount. Orca's effective action is scale_exact for resizeType "exact" or a missing
 * action; deck writes resizeType "pct" (scalePct) or "incr" (scaleNum) for the relative ones.
 */
function resize(stage: Record<string, unknown>, path: string, ctx: ImportContext): Record<string, unknown> {
  const raw = stage.action;
  const type = stage.resizeType;
  const out: Record<string, unknown> = {};
  const exact = type === "exact" || raw === undefined || raw === null || raw === "";
  if (exact) out.action = "scaleExact";
  else if (typeof raw === "string" && ACTIONS[raw]) out.action = ACTIONS[raw];
  else {
    ctx.note(
      childPath(path, "action"),
      "unsupported",
      `action ${show(raw)} is not scale_up, scale_down, scale_to_cluster or scale_exact; kept`,
    );
    out.action = raw;
  }
  const unused = (key: string, why: string) => {
    if (stage[key] !== undefined && stage[key] !== null && stage[key] !== "")
      ctx.note(childPath(path, key), "dropped", why);
  };
  if (exact) {
    if (stage.capacity !== undefined)
      Object.assign(out, capacity(stage.capacity, childPath(path, "capacity"), ctx, stage));
    unused("scaleNum", "a scale_exact resize uses capacity only");
    if (stage.scalePct !== undefined && stage.scalePct !== null && stage.scalePct !== "") {
      // Orca applies scalePct to the desired size of an exact resize too.
      const n = numberValue(stage.scalePct, childPath(path, "scalePct"), ctx);
      if (n !== undefined) out.percent = n;
    }
  } else if (type === "pct" || (type === undefined && stage.scalePct !== undefined)) {
    const n = numberValue(stage.scalePct, childPath(path, "scalePct"), ctx);
    if (n !== undefined) out.percent = n;
    unused("scaleNum", "resizeType pct uses scalePct");
    unused("capacity", "a relative resize does not use capacity");
  } else if (type === "incr" || (type === undefined && stage.scaleNum !== undefined)) {
    const n = numberValue(stage.scaleNum, childPath(path, "scaleNum"), ctx);
    if (n !== undefined) out.amount = n;
    unused("scalePct", "resizeType incr uses scaleNum");
    unused("capacity", "a relative resize does not use capacity");
  }
  return out;
}

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
function deployClusters(
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

export const SERVER_GROUP_SPECS: Record<string, StageSpec> = {
  deploy: { build: deployClusters, rules: { clusters: silent, cluster: silent } },
  resizeServerGroup: {
    build: resize,
    rules: {
      ...LOCATING,
      target,
      serverGroupName: keep(),
      action: silent,
      resizeType: silent,
      scalePct: silent,
      scaleNum: silent,
      capacity: silent,
      targetHealthyDeployPercentage: asNumber(),
      pinCapacity: asBoolean(),
      pinMinimumCapacity: asBoolean(),
      unpinMinimumCapacity: asBoolean(),
    },
  },
  enableServerGroup: serverGroup({}),
  disableServerGroup: serverGroup({ desiredPercentage: asNumber() }),
  destroyServerGroup: serverGroup({}),
  rollbackCluster: clusterWide({
    targetHealthyRollbackPercentage: asNumber(),
    waitTimeBetweenRegions: drop(NO_REGIONS),
  }),
  disableCluster: clusterWide({
    remainingEnabledServerGroups: asNumber(),
    preferLargerOverNewer: asBoolean(),
  }),
  scaleDownCluster: clusterWide({
    remainingFullSizeServerGroups: asNumber(),
    preferLargerOverNewer: asBoolean(),
    allowScaleDownActive: asBoolean(),
  }),
  shrinkCluster: clusterWide({
    shrinkToSize: asNumber(),
    allowDeleteActive: asBoolean(),
    retainLargerOverNewer: asBoolean(),
  }),
  findImageFromCluster: clusterWide({
    onlyEnabled: asBoolean(),
    selectionStrategy: (value, path, ctx) => {
      const v = typeof value === "string" ? value.toLowerCase() : undefined;
      if (v && ["newest", "largest", "oldest", "fail"].includes(v)) return { selectionStrategy: v };
      return drop(`${show(value)} is not NEWEST, LARGEST, OLDEST or FAIL`)(value, path, ctx, {});
    },
    imageNamePattern: drop("Capstan finds the image by cluster alone"),
  }),
  // Spinnaker clones `source.serverGroupName` into a cluster named by application/stack/detail;
  // Capstan clones the source into its own cluster.
  cloneServerGroup: serverGroup({
    capacity,
    source: (value, path, ctx) => {
      if (!isRecord(value)) return {};
      for (const key of Object.keys(value))
        if (key !== "serverGroupName" && !isEmpty(value[key]))
          ctx.note(childPath(path, key), "dropped", NO_REGIONS);
      return typeof value.serverGroupName === "string" ? { serverGroupName: value.serverGroupName } : {};
    },
    application: drop("the clone goes into the source's cluster"),
    stack: drop("the clone goes into the source's cluster"),
    freeFormDetails: drop("the clone goes into the source's cluster"),
    targetHealthyDeployPercentage: asNumber(),
  }),
};
