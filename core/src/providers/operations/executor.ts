import { requiredHealthy, resizeCapacity, scaleExact } from "../capacity.js";
import { GUARDED_OPERATIONS, type TrafficGuard, verifyTrafficRemoval } from "../traffic-guards.js";
import type { Capacity, Provider, ServerGroup } from "../types.js";
import {
  newestFirst,
  selectDisableCluster,
  selectScaleDownCluster,
  selectShrinkCluster,
} from "./cluster-ops.js";
import type { Op, PlanState, SgRef } from "./ops.js";

/** What a plan runs against. */
export interface PlanEnv {
  provider: Provider;
  guards: readonly TrafficGuard[];
  minCapacityRatio: number;
  now(): number;
  log(text: string): void;
  /** Longest wait for instances to become healthy or go away before the step fails. */
  waitLimitMs: number;
  /** Aborted when the stage is canceled: no further step starts (the current one finishes). */
  signal?: AbortSignal;
  /**
   * Runs (or follows, after a resume) another pipeline of the repository as a child execution with
   * this id; resolves RUNNING until it ends.
   */
  runPipeline?(
    name: string,
    parameters: Record<string, unknown>,
    id: string,
  ): Promise<{ status: "RUNNING" } | { status: string; error?: string }>;
}

export type PlanResult =
  | { status: "RUNNING"; waitingFor: string }
  | { status: "SUCCEEDED" }
  | { status: "TERMINAL"; error: string };

class StepError extends Error {}

/** An instance restarted this often without being healthy means the deploy cannot succeed. */
const CRASH_LOOP_RESTARTS = 3;

type StepOutcome = { done: true; replace?: Op[] } | { done: false; waitingFor: string };

const capText = (c: Capacity) => `${c.min}/${c.desired}/${c.max}`;

async function group(env: PlanEnv, plan: PlanState, ref: SgRef): Promise<ServerGroup> {
  const name = "name" in ref ? ref.name : plan.vars[ref.var];
  if (!name) throw new StepError(`no ${"var" in ref ? ref.var : ""} server group to act on`);
  const found = await env.provider.getServerGroup(name);
  if (!found) throw new StepError(`server group ${name} does not exist`);
  return found;
}

const refName = (plan: PlanState, ref: SgRef) =>
  "name" in ref ? ref.name : (plan.vars[ref.var] ?? `(${ref.var})`);

function guard(
  env: PlanEnv,
  plan: PlanState,
  groups: ServerGroup[],
  goingAway: string[],
  operation: string,
): void {
  if (goingAway.length === 0) return;
  const sample = groups.find((g) => goingAway.includes(g.name));
  const verdict = verifyTrafficRemoval(
    {
      cluster: plan.target.cluster,
      account: env.provider.account,
      location: sample?.location ?? "local",
      serverGroups: groups,
      goingAway,
      operation,
    },
    env.guards,
    env.minCapacityRatio,
  );
  if (!verdict.ok) throw new StepError(verdict.error);
}

function crashLoop(g: ServerGroup): string | undefined {
  const bad = g.instances.find(
    (i) =>
      (i.restarts ?? 0) >= CRASH_LOOP_RESTARTS && i.healthState !== "Up" && i.healthState !== "OutOfService",
  );
  if (!bad) return undefined;
  return `instance ${bad.id} of ${g.name} keeps exiting (restarted ${bad.restarts} times without becoming healthy); see its log in .capstan/local/logs/${bad.id}.log`;
}

/** Waits for a group to have exactly `desired` instances, at least `required` of them healthy. */
function capacityWait(env: PlanEnv, plan: PlanState, g: ServerGroup, required: number): StepOutcome {
  const crashing = crashLoop(g);
  if (crashing) throw new StepError(crashing);
  // In a (partly) disabled group healthy instances show OutOfService; they count as healthy.
  const healthy = g.instances.filter(
    (i) => i.healthState === "Up" || i.healthState === "OutOfService",
  ).length;
  if (healthy >= required && g.instances.length === g.capacity.desired) return { done: true };
  const since = Number(plan.stepData?.waitSince ?? env.now());
  plan.stepData = { ...plan.stepData, waitSince: since };
  if (env.now() - since > env.waitLimitMs) {
    throw new StepError(
      `timed out after ${Math.round(env.waitLimitMs / 1000)} s waiting for ${g.name}: ${healthy} of ${required} healthy, ${g.instances.length} instances for desired ${g.capacity.desired}`,
    );
  }
  return {
    done: false,
    waitingFor: `${g.name}: ${healthy}/${required} healthy, ${g.instances.length} instances (desired ${g.capacity.desired})`,
  };
}

async function resizeStep(
  env: PlanEnv,
  plan: PlanState,
  ref: SgRef,
  target: (g: ServerGroup, all: ServerGroup[]) => Capacity,
  checkGuard: boolean,
  label: string,
): Promise<StepOutcome> {
  if (!plan.stepData?.capacity) {
    const g = await group(env, plan, ref);
    const all = await env.provider.listServerGroups(plan.target.cluster);
    const capacity = target(g, all);
    if (checkGuard && capacity.desired === 0 && g.capacity.desired > 0) {
      guard(env, plan, all, [g.name], GUARDED_OPERATIONS.resizeToZero);
    }
    plan.originalCapacity[g.name] ??= g.capacity;
    await env.provider.resizeServerGroup(g.name, capacity);
    plan.stepData = { capacity };
    plan.done.push(`${label} ${g.name} ${capText(g.capacity)} -> ${capText(capacity)}`);
    env.log(`${label} ${g.name}: ${capText(g.capacity)} -> ${capText(capacity)}`);
  }
  const g = await group(env, plan, ref);
  return capacityWait(env, plan, g, g.capacity.desired);
}

async function runStep(env: PlanEnv, plan: PlanState, op: Op): Promise<StepOutcome> {
  switch (op.op) {
    case "create": {
      const g = op.clone
        ? await env.provider.cloneServerGroup(op.clone, op.spec)
        : await env.provider.createServerGroup(op.spec);
      plan.vars.deployed = g.name;
      plan.done.push(`created ${g.name} (${g.image}, ${capText(g.capacity)})`);
      env.log(`created ${g.name} running ${g.image} with capacity ${capText(g.capacity)}`);
      const lb = (await env.provider.listLoadBalancers()).find((l) => l.cluster === g.cluster);
      if (lb) {
        plan.loadBalancer = lb.address;
        env.log(`${g.cluster} takes traffic at ${lb.address} (try: curl ${lb.address}/)`);
      }
      return { done: true };
    }
    case "waitHealthy": {
      const g = await group(env, plan, op.target);
      return capacityWait(env, plan, g, requiredHealthy(g.capacity.desired, op.percent));
    }
    case "resize":
      return resizeStep(
        env,
        plan,
        op.target,
        (g, all) =>
          resizeCapacity(
            op.resize,
            g.capacity,
            all.map((x) => x.capacity),
            plan.originalCapacity[g.name],
          ),
        op.guard,
        op.label ?? "resized",
      );
    case "resizeTo":
      return resizeStep(env, plan, op.target, () => op.capacity, op.guard, op.label ?? "resized");
    case "pinSource": {
      const source = await group(env, plan, { var: "source" });
      plan.savedCapacity ??= source.capacity;
      return resizeStep(
        env,
        plan,
        { var: "source" },
        (g) => ({ ...g.capacity, min: g.capacity.desired }),
        false,
        "pinned",
      );
    }
    case "restoreSource": {
      if (!plan.vars.source || !plan.savedCapacity) return { done: true };
      const saved = plan.savedCapacity;
      return resizeStep(env, plan, { var: "source" }, () => saved, false, "restored");
    }
    case "growTo": {
      const saved = plan.savedCapacity;
      if (!saved) throw new StepError("no source capacity to grow towards");
      return resizeStep(
        env,
        plan,
        { var: "deployed" },
        (g) =>
          op.percent >= 100
            ? { ...saved }
            : scaleExact(g.capacity, saved, { percent: op.percent, pinCapacity: op.pin }),
        false,
        `grew to ${op.percent}% of desired:`,
      );
    }
    case "enable": {
      const g = await group(env, plan, op.target);
      if (g.disabled || g.trafficPercentage < 100) {
        await env.provider.enableServerGroup(g.name);
        plan.done.push(`enabled ${g.name}`);
        env.log(`enabled ${g.name}`);
      }
      return { done: true };
    }
    case "disable": {
      const g = await group(env, plan, op.target);
      const percent = op.percent ?? 100;
      // Orca checks traffic guards unless only part of the traffic is taken away.
      if (percent >= 100) {
        guard(
          env,
          plan,
          await env.provider.listServerGroups(plan.target.cluster),
          [g.name],
          GUARDED_OPERATIONS.disable,
        );
      }
      await env.provider.disableServerGroup(g.name, percent);
      plan.done.push(percent >= 100 ? `disabled ${g.name}` : `disabled ${percent}% of ${g.name}`);
      env.log(percent >= 100 ? `disabled ${g.name}` : `disabled ${percent}% of traffic on ${g.name}`);
      return { done: true };
    }
    case "destroy": {
      const name = refName(plan, op.target);
      const all = await env.provider.listServerGroups(plan.target.cluster);
      if (all.some((g) => g.name === name)) {
        guard(env, plan, all, [name], GUARDED_OPERATIONS.destroy);
        await env.provider.destroyServerGroup(name);
        plan.done.push(`destroyed ${name}`);
        env.log(`destroyed ${name}`);
      }
      return { done: true };
    }
    case "delay": {
      const until = Number(plan.stepData?.until ?? env.now() + op.ms);
      plan.stepData = { until };
      if (env.now() >= until) return { done: true };
      return { done: false, waitingFor: `${op.label} until ${new Date(until).toISOString()}` };
    }
    case "validationPipeline": {
      if (!env.runPipeline)
        throw new StepError("pipelineBeforeCleanup needs pipelines, and this run cannot start any");
      const id = `${String(plan.stepData?.id ?? "")}`;
      // Execution ids allow [A-Za-z0-9._-]: the plan token's slashes become dots.
      const childId =
        id || `${(plan.token ?? "plan").replace(/[^A-Za-z0-9._-]/g, ".")}.validation-${op.percent}`;
      plan.stepData = { id: childId };
      const parameters = {
        ...op.parameters,
        deployedServerGroup: plan.vars.deployed,
        sourceServerGroup: plan.vars.source,
        percentageComplete: op.percent,
      };
      const result = await env.runPipeline(op.pipeline, parameters, childId);
      if (result.status === "RUNNING")
        return { done: false, waitingFor: `validation pipeline '${op.pipeline}' at ${op.percent}%` };
      if (result.status !== "SUCCEEDED") {
        throw new StepError(
          `validation pipeline '${op.pipeline}' at ${op.percent}% ended ${result.status}${"error" in result && result.error ? `: ${result.error}` : ""}`,
        );
      }
      plan.done.push(`validation pipeline '${op.pipeline}' at ${op.percent}% succeeded`);
      env.log(`validation pipeline '${op.pipeline}' at ${op.percent}% succeeded`);
      return { done: true };
    }
    case "cluster.disable":
    case "cluster.scaleDown":
    case "cluster.shrink":
      return expandClusterOp(env, plan, op);
    case "cluster.rollback": {
      const groups = newestFirst(await env.provider.listServerGroups(plan.target.cluster));
      if (groups.length < 2)
        throw new StepError(`cluster ${plan.target.cluster} needs at least two server groups to roll back`);
      if (!groups.some((g) => !g.disabled))
        throw new StepError(`cluster ${plan.target.cluster} has no enabled server group`);
      const [current, previous] = groups;
      const ops: Op[] = [{ op: "enable", target: { name: previous.name } }];
      if (previous.capacity.desired < current.capacity.desired) {
        ops.push({
          op: "resizeTo",
          target: { name: previous.name },
          capacity: current.capacity,
          guard: false,
        });
      }
      ops.push({ op: "waitHealthy", target: { name: previous.name }, percent: op.percent });
      ops.push({ op: "disable", target: { name: current.name } });
      env.log(`rolling ${plan.target.cluster} back from ${current.name} to ${previous.name}`);
      return { done: true, replace: ops };
    }
    case "rollbackDeploy": {
      const ops: Op[] = [];
      if (plan.vars.deployed && plan.vars.source) {
        ops.push({ op: "enable", target: { var: "source" } });
        if (op.mode === "enableAndDisableOnly") ops.push({ op: "restoreSource" });
        ops.push({ op: "disable", target: { var: "deployed" } });
      }
      if (plan.vars.deployed && op.destroyLatest) ops.push({ op: "destroy", target: { var: "deployed" } });
      return { done: true, replace: ops };
    }
  }
}

async function expandClusterOp(
  env: PlanEnv,
  plan: PlanState,
  op: Extract<Op, { op: "cluster.disable" | "cluster.scaleDown" | "cluster.shrink" }>,
): Promise<StepOutcome> {
  const groups = await env.provider.listServerGroups(plan.target.cluster);
  // Inside a deploy, the group it just created is left out like an ancestor deploy's.
  const excluded = plan.vars.deployed ? [...plan.excluded, plan.vars.deployed] : plan.excluded;
  let selected: ServerGroup[];
  let operation: string;
  let ops: (name: string) => Op;
  if (op.op === "cluster.disable") {
    selected = selectDisableCluster(groups, excluded, op.remaining, op.preferLargerOverNewer);
    operation = GUARDED_OPERATIONS.disableCluster;
    ops = (name) => ({ op: "disable", target: { name } });
  } else if (op.op === "cluster.scaleDown") {
    selected = selectScaleDownCluster(
      groups,
      excluded,
      op.remaining,
      op.preferLargerOverNewer,
      op.allowScaleDownActive,
    );
    operation = GUARDED_OPERATIONS.scaleDownCluster;
    ops = (name) => ({
      op: "resizeTo",
      target: { name },
      capacity: { min: 0, desired: 0, max: 0 },
      guard: false,
      label: "scaled down",
    });
  } else {
    selected = selectShrinkCluster(
      groups,
      excluded,
      op.shrinkToSize,
      op.allowDeleteActive,
      op.retainLargerOverNewer,
    );
    operation = GUARDED_OPERATIONS.shrinkCluster;
    ops = (name) => ({ op: "destroy", target: { name } });
  }
  const names = selected.map((g) => g.name);
  guard(env, plan, groups, names, operation);
  env.log(`${op.op} on ${plan.target.cluster}: ${names.length ? names.join(", ") : "nothing to do"}`);
  // Each selected group was checked together above; the single steps then only re-check disables.
  return { done: true, replace: names.map(ops) };
}

/**
 * Runs a plan's steps until one has to wait or all are done. A failing step switches to the plan's
 * failure steps (rollback.onFailure) when it failed before `rollbackUntil`.
 */
export async function advancePlan(plan: PlanState, env: PlanEnv): Promise<PlanResult> {
  for (let guardLoop = 0; guardLoop < 200; guardLoop++) {
    if (env.signal?.aborted) return { status: "RUNNING", waitingFor: "canceled" };
    if (plan.step >= plan.ops.length) {
      if (plan.failed) return { status: "TERMINAL", error: `${plan.failed} (rolled back)` };
      return { status: "SUCCEEDED" };
    }
    const op = plan.ops[plan.step];
    let outcome: StepOutcome;
    try {
      outcome = await runStep(env, plan, op);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (plan.failed)
        return { status: "TERMINAL", error: `${plan.failed}; the rollback failed too: ${message}` };
      if (
        plan.onFailure &&
        plan.onFailure.length > 0 &&
        plan.step < (plan.rollbackUntil ?? Number.POSITIVE_INFINITY)
      ) {
        env.log(`${message}; rolling back`);
        plan.failed = message;
        plan.ops = plan.onFailure;
        plan.step = 0;
        plan.stepData = undefined;
        continue;
      }
      return { status: "TERMINAL", error: message };
    }
    if (!outcome.done) return { status: "RUNNING", waitingFor: outcome.waitingFor };
    if (outcome.replace) {
      plan.ops.splice(plan.step, 1, ...outcome.replace);
      if (plan.rollbackUntil !== undefined && plan.step < plan.rollbackUntil)
        plan.rollbackUntil += outcome.replace.length - 1;
    } else {
      plan.step++;
    }
    plan.stepData = undefined;
  }
  return { status: "RUNNING", waitingFor: "more steps" };
}

/** A fresh plan. */
export function newPlan(target: PlanState["target"], ops: Op[], extra: Partial<PlanState> = {}): PlanState {
  return { target, ops, step: 0, vars: {}, excluded: [], originalCapacity: {}, done: [], ...extra };
}
