import type { StageContext, StageHandler } from "../../engine/handler.js";
import { isActive, newestFirst } from "../../providers/operations/cluster-ops.js";
import { newPlan } from "../../providers/operations/executor.js";
import type { Op, PlanState } from "../../providers/operations/ops.js";
import { ancestorDeployedGroups, planStage, providerFor } from "../../providers/operations/stage-kit.js";
import { type DeployCluster, readDeployCluster } from "../../providers/stage-config.js";

/** Orca's strategy steps after the new group is up (redblack, highlander), given a source group exists. */
function strategyOps(c: DeployCluster): Op[] {
  if (c.strategy === "highlander") {
    return [{ op: "cluster.shrink", shrinkToSize: 1, allowDeleteActive: true, retainLargerOverNewer: false }];
  }
  if (c.strategy !== "redblack") return [];
  const ops: Op[] = [];
  if (c.maxRemainingAsgs > 0) {
    ops.push({
      op: "cluster.shrink",
      shrinkToSize: c.maxRemainingAsgs,
      allowDeleteActive: false,
      retainLargerOverNewer: false,
    });
  }
  if (c.delayBeforeDisableMs > 0)
    ops.push({ op: "delay", ms: c.delayBeforeDisableMs, label: "Wait Before Disable" });
  ops.push({ op: "cluster.disable", remaining: 1, preferLargerOverNewer: false });
  if (c.scaleDown) {
    if (c.delayBeforeScaleDownMs > 0)
      ops.push({ op: "delay", ms: c.delayBeforeScaleDownMs, label: "Wait Before Scale Down" });
    ops.push({
      op: "cluster.scaleDown",
      remaining: 1,
      preferLargerOverNewer: false,
      allowScaleDownActive: false,
    });
  }
  return ops;
}

/** Rolling red/black: grow the new group and take traffic off the source in `targetPercentages` steps. */
function rollingOps(c: DeployCluster): Op[] {
  const ops: Op[] = [{ op: "pinSource" }];
  for (const p of c.targetPercentages) {
    ops.push({ op: "growTo", percent: p, pin: p < 100 });
    ops.push({ op: "waitHealthy", target: { var: "deployed" }, percent: c.targetHealthyDeployPercentage });
    if (c.delayBeforeDisableMs > 0)
      ops.push({ op: "delay", ms: c.delayBeforeDisableMs, label: "Wait Before Disable" });
    if (c.pipelineBeforeCleanup) {
      const { pipeline, parameters } = c.pipelineBeforeCleanup;
      ops.push({ op: "validationPipeline", pipeline, parameters, percent: p });
    }
    ops.push({ op: "disable", target: { var: "source" }, percent: p });
  }
  if (c.scaleDown) {
    if (c.delayBeforeScaleDownMs > 0)
      ops.push({ op: "delay", ms: c.delayBeforeScaleDownMs, label: "Wait Before Scale Down" });
    ops.push({
      op: "resizeTo",
      target: { var: "source" },
      capacity: { min: 0, desired: 0, max: 0 },
      guard: true,
      label: "scaled down",
    });
  } else {
    ops.push({ op: "restoreSource" });
  }
  return ops;
}

async function planCluster(
  ctx: StageContext,
  c: DeployCluster,
  index: number,
  excluded: string[],
): Promise<PlanState | { error: string }> {
  const provider = providerFor(ctx, c.provider, c.account);
  if ("error" in provider) return provider;
  const existing = newestFirst(await provider.listServerGroups(c.cluster));
  // The source is the newest group still taking traffic (else the newest one), as Orca's
  // determineSourceServerGroup does.
  const source = existing.find(isActive) ?? existing[0];
  const rolling = c.strategy === "rollingredblack" && source !== undefined;
  const spec = {
    application: c.application,
    stack: c.stack,
    detail: c.detail,
    capacity: rolling ? { min: 0, desired: 0, max: 0 } : c.capacity,
    image: c.image,
    launchConfig: c.launchConfig,
    token: `${ctx.execution.id}/${ctx.stage.refId}/${index}`,
  };
  const ops: Op[] = [{ op: "create", spec }];
  let onFailure: Op[] | undefined;
  let rollbackUntil: number | undefined;
  if (rolling) {
    ops.push(...rollingOps(c));
    onFailure = c.rollbackOnFailure
      ? [{ op: "rollbackDeploy", mode: "enableAndDisableOnly", destroyLatest: c.destroyLatest }]
      : [{ op: "restoreSource" }];
  } else {
    ops.push({ op: "waitHealthy", target: { var: "deployed" }, percent: c.targetHealthyDeployPercentage });
    // Red/black rolls back only when launching the new group failed, not during cleanup.
    rollbackUntil = ops.length;
    if (source) ops.push(...strategyOps(c));
    if (c.rollbackOnFailure)
      onFailure = [{ op: "rollbackDeploy", mode: "disableOnly", destroyLatest: c.destroyLatest }];
  }
  return newPlan({ provider: c.provider, account: c.account, cluster: c.cluster }, ops, {
    excluded,
    onFailure,
    rollbackUntil,
    vars: source ? { source: source.name } : {},
    token: spec.token,
  });
}

/** `deploy`: a new server group per cluster entry (in parallel), then the strategy. */
export const deployStage: StageHandler = planStage({
  type: "deploy",
  async plan(ctx) {
    const entries = ctx.stage.context.clusters;
    if (!Array.isArray(entries) || entries.length === 0)
      return { error: "deploy needs 'clusters' (at least one)" };
    const excluded = ancestorDeployedGroups(ctx);
    const plans: PlanState[] = [];
    for (const [i, entry] of entries.entries()) {
      const c = readDeployCluster((entry ?? {}) as Record<string, unknown>, i);
      if ("error" in c) return c;
      const plan = await planCluster(ctx, c, i, excluded);
      if ("error" in plan) return plan;
      plans.push(plan);
    }
    return { plans };
  },
  outputs(plans) {
    const names = plans.map((p) => p.vars.deployed).filter((n): n is string => n !== undefined);
    const loadBalancers = plans.map((p) => p.loadBalancer).filter((a): a is string => a !== undefined);
    return {
      "deploy.server.groups": { local: names },
      "deploy.account.name": plans[0]?.target.account ?? "local",
      serverGroups: names,
      ...(loadBalancers.length > 0 ? { loadBalancers } : {}),
    };
  },
});
