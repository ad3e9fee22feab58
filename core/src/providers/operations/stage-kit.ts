import { resumeExecution, startExecution } from "../../engine/engine.js";
import type { CancelResult, StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import type { ExecutionRecord, StageRecord } from "../../engine/record.js";
import { foldJournal } from "../../engine/reducers.js";
import type { ExecutionRunner } from "../../engine/runner.js";
import { ancestorsOf } from "../../engine/scope.js";
import { isComplete } from "../../engine/status.js";
import { readBool, readClusterRef, readTarget } from "../stage-config.js";
import type { Provider } from "../types.js";
import { resolveTarget } from "./cluster-ops.js";
import { advancePlan, newPlan, type PlanEnv } from "./executor.js";
import type { Op, PlanState } from "./ops.js";

const DEFAULT_WAIT_LIMIT_MS = 10 * 60_000;

/** The provider a plan runs on, or why there is none. */
export function providerFor(
  ctx: StageContext,
  provider?: string,
  account?: string,
): Provider | { error: string } {
  const services = ctx.services.providers;
  if (!services) {
    return {
      error: `${ctx.stage.type} needs a provider, and this run has none configured (the CLI sets up the local one)`,
    };
  }
  return services.resolve(provider, account);
}

/** Server groups created by deploy stages upstream of this one (left out of cluster-wide operations). */
export function ancestorDeployedGroups(ctx: StageContext): string[] {
  const byRef = new Map(ctx.execution.stages.map((s) => [s.refId, s] as const));
  return ancestorsOf(ctx.stage, byRef).flatMap(deployedGroupsOf);
}

/** Names in a stage's Orca-shaped `deploy.server.groups` ({ location: [names] }). */
export function deployedGroupsOf(stage: StageRecord): string[] {
  const value = stage.outputs["deploy.server.groups"] ?? stage.context["deploy.server.groups"];
  if (!value || typeof value !== "object") return [];
  return Object.values(value as Record<string, unknown>).flatMap((v) =>
    Array.isArray(v) ? v.map(String) : [],
  );
}

interface Child {
  done?: ExecutionRecord;
}

/** Child executions (validation pipelines) this process follows, by execution id. */
const children = new Map<string, Child>();

function outcome(record: ExecutionRecord): { status: string; error?: string } {
  const failed = record.stages.find((s) => s.error && ["TERMINAL", "STOPPED", "CANCELED"].includes(s.status));
  return {
    status: record.status,
    ...(failed ? { error: `stage '${failed.refId}' ${failed.status} - ${failed.error}` } : {}),
  };
}

/** Starts, follows, or (after a crash) resumes a child execution of another pipeline of the repository. */
function pipelineRunner(ctx: StageContext): NonNullable<PlanEnv["runPipeline"]> {
  const services = { ...ctx.services, observer: undefined };
  const follow = (id: string, runner: ExecutionRunner) => {
    const child: Child = {};
    children.set(id, child);
    const done = runner.run().then((record) => {
      child.done = record;
      ctx.wake();
    });
    ctx.keepAlive(done);
  };
  return async (name, parameters, id) => {
    const known = children.get(id);
    if (known) return known.done ? outcome(known.done) : { status: "RUNNING" };
    const events = ctx.services.store.read(id);
    if (events.some((e) => e.kind === "execution.started")) {
      const record = foldJournal(events);
      if (isComplete(record.status)) return outcome(record);
      const resumed = resumeExecution(services, id);
      if (!resumed.runner) return { status: "TERMINAL", error: resumed.error };
      follow(id, resumed.runner);
      return { status: "RUNNING" };
    }
    const found = ctx.services.pipelines?.resolve(name);
    if (!found) return { status: "TERMINAL", error: "this run cannot start other pipelines" };
    if ("error" in found) return { status: "TERMINAL", error: found.error };
    const started = startExecution(services, {
      pipeline: found.pipeline,
      pipelineFile: found.file,
      parameters,
      executionId: id,
      trigger: {
        type: "pipeline",
        parentExecution: ctx.execution.id,
        parentPipelineStageId: ctx.stage.refId,
      },
    });
    if (!started.runner) return { status: "TERMINAL", error: started.errors.join("; ") };
    follow(id, started.runner);
    return { status: "RUNNING" };
  };
}

function planEnv(ctx: StageContext, provider: Provider): PlanEnv {
  const services = ctx.services.providers;
  return {
    runPipeline: pipelineRunner(ctx),
    provider,
    guards: services?.trafficGuards ?? [],
    minCapacityRatio: services?.minCapacityRatio ?? 0,
    now: () => ctx.now(),
    log: (text) => ctx.log(`${text}\n`),
    waitLimitMs: DEFAULT_WAIT_LIMIT_MS,
    signal: ctx.signal,
  };
}

/** Plans being advanced right now in this process, by execution and stage (what a cancel waits for). */
const advancing = new Map<string, { plans: PlanState[]; done: Promise<unknown> }>();
const advancingKey = (ctx: StageContext) => `${ctx.execution.id}/${ctx.stage.refId}`;

/** How a plan-driven stage type is built. */
export interface PlanStageSpec {
  type: string;
  defaultTimeoutMs?: number;
  /** Builds the plans from the evaluated config, or fails the stage with a message. */
  plan(
    ctx: StageContext,
  ): Promise<{ plans: PlanState[]; context?: Record<string, unknown> } | { error: string }>;
  /** Orca-shaped outputs once all plans ended. */
  outputs?(plans: PlanState[], ctx: StageContext): Record<string, unknown>;
}

function plansOf(ctx: StageContext): PlanState[] | undefined {
  const plans = ctx.stage.context.serverGroupPlans;
  return Array.isArray(plans) ? (structuredClone(plans) as PlanState[]) : undefined;
}

async function advanceAll(
  spec: PlanStageSpec,
  ctx: StageContext,
  plans: PlanState[],
  extra: Record<string, unknown> = {},
): Promise<TaskResult> {
  const before = JSON.stringify(ctx.stage.context.serverGroupPlans ?? null);
  const work = Promise.all(
    plans.map(async (plan) => {
      const provider = providerFor(ctx, plan.target.provider, plan.target.account);
      if ("error" in provider) return { status: "TERMINAL" as const, error: provider.error };
      return advancePlan(plan, planEnv(ctx, provider));
    }),
  );
  const key = advancingKey(ctx);
  advancing.set(key, { plans, done: work.catch(() => undefined) });
  let results: Awaited<typeof work>;
  try {
    results = await work;
  } finally {
    advancing.delete(key);
  }
  const changed = JSON.stringify(plans) !== before;
  const context: Record<string, unknown> = { ...extra, ...(changed ? { serverGroupPlans: plans } : {}) };
  const running = results.filter((r) => r.status === "RUNNING");
  if (running.length > 0) {
    const pollMs = ctx.services.providers?.pollMs ?? 500;
    return {
      status: "RUNNING",
      pollAfterMs: pollMs,
      waitingFor: running.map((r) => ("waitingFor" in r ? r.waitingFor : "")).join("; "),
      ...(Object.keys(context).length > 0 ? { context } : {}),
    };
  }
  const outputs = spec.outputs?.(plans, ctx) ?? {};
  const failures = results.filter((r): r is { status: "TERMINAL"; error: string } => r.status === "TERMINAL");
  const original: Record<string, unknown> = {};
  for (const plan of plans) {
    for (const [name, capacity] of Object.entries(plan.originalCapacity))
      original[`originalCapacity.${name}`] = capacity;
  }
  if (failures.length > 0) {
    return {
      status: "TERMINAL",
      error: failures.map((f) => f.error).join("; "),
      context: { ...context, serverGroupPlans: plans },
      outputs: { ...original, ...outputs },
    };
  }
  // Orca keeps deploy results in the stage context too (`#deployedServerGroups()` reads them there).
  const deployKeys = Object.fromEntries(Object.entries(outputs).filter(([k]) => k.startsWith("deploy.")));
  return {
    status: "SUCCEEDED",
    context: { ...context, ...deployKeys, serverGroupPlans: plans },
    outputs: { ...original, ...outputs },
  };
}

/** A stage handler that builds provider plans at start and advances them on each poll. */
export function planStage(spec: PlanStageSpec): StageHandler {
  const poll = async (ctx: StageContext): Promise<TaskResult> => {
    const plans = plansOf(ctx);
    if (!plans) return start(ctx);
    return advanceAll(spec, ctx, plans);
  };
  const start = async (ctx: StageContext): Promise<TaskResult> => {
    // A resumed stage that had already planned continues its plan.
    const existing = plansOf(ctx);
    if (existing) return advanceAll(spec, ctx, existing);
    let planned: Awaited<ReturnType<PlanStageSpec["plan"]>>;
    try {
      planned = await spec.plan(ctx);
    } catch (error) {
      return { status: "TERMINAL", error: error instanceof Error ? error.message : String(error) };
    }
    if ("error" in planned) return { status: "TERMINAL", error: planned.error };
    return advanceAll(spec, ctx, planned.plans, planned.context);
  };
  return { type: spec.type, defaultTimeoutMs: spec.defaultTimeoutMs, start, poll, resume: poll, cancel };
}

/**
 * Cancel (user cancel, pipeline halted, timeout): no step starts after it; a step already under
 * way (a provider call) finishes, so the record says what exists. Nothing is rolled back (Orca
 * runs rollback.onFailure on failures only); a validation pipeline still running is canceled, and
 * a source group pinned by a rolling deploy gets its own minimum back.
 */
async function cancel(ctx: StageContext): Promise<CancelResult | undefined> {
  const running = advancing.get(advancingKey(ctx));
  if (running) {
    const limit = new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    await Promise.race([running.done, limit]);
  }
  const plans = running?.plans ?? plansOf(ctx);
  if (!plans || plans.length === 0) return undefined;
  const left: string[] = [];
  for (const plan of plans) {
    const op = plan.ops[plan.step];
    if (op?.op === "validationPipeline" && typeof plan.stepData?.id === "string") {
      const id = plan.stepData.id;
      ctx.services.store.appendCommand(id, {
        type: "cancel",
        user: "parent",
        reason: `parent execution ${ctx.execution.id} canceled it`,
        id: `cmd-cancel-${ctx.execution.id}-${ctx.stage.refId}`,
        ts: ctx.now(),
      });
      left.push(`canceled validation pipeline execution ${id}`);
    }
    const unpinned = await unpinSource(ctx, plan).catch((e: unknown) => `could not unpin: ${String(e)}`);
    if (unpinned) left.push(unpinned);
    const at = op ? `stopped at step ${plan.step + 1} of ${plan.ops.length} (${op.op})` : "all steps done";
    const created = plan.vars.deployed ? `; ${plan.vars.deployed} stays as it is` : "";
    left.push(`${plan.target.cluster}: ${at}${created}; nothing rolled back`);
  }
  for (const line of left) ctx.log(`[capstan] cancel: ${line}\n`);
  return { context: { serverGroupPlans: plans, canceledWith: left } };
}

/** A rolling deploy pins the source's minimum to its desired size; a cancel gives the minimum back. */
async function unpinSource(ctx: StageContext, plan: PlanState): Promise<string | undefined> {
  const saved = plan.savedCapacity;
  const name = plan.vars.source;
  if (!saved || !name) return undefined;
  const provider = providerFor(ctx, plan.target.provider, plan.target.account);
  if ("error" in provider) return undefined;
  const current = await provider.getServerGroup(name);
  if (!current || current.capacity.min <= saved.min) return undefined;
  const capacity = { ...current.capacity, min: Math.min(saved.min, current.capacity.desired) };
  await provider.resizeServerGroup(name, capacity);
  return `unpinned ${name}: min ${current.capacity.min} -> ${capacity.min}`;
}

/**
 * A stage acting on one server group of a cluster: resolves `serverGroupName` or the dynamic
 * `target` when the stage starts (recorded in the context as `serverGroupName`), then runs `ops`.
 */
export function targetStage(
  type: string,
  ops: (name: string, data: Record<string, unknown>) => Op[] | { error: string },
  outputs?: PlanStageSpec["outputs"],
): StageHandler {
  return planStage({
    type,
    outputs,
    async plan(ctx) {
      const data = ctx.stage.context;
      const ref = readClusterRef(data);
      if ("error" in ref) return ref;
      const which = readTarget(data);
      if ("error" in which) return which;
      const provider = providerFor(ctx, ref.provider, ref.account);
      if ("error" in provider) return provider;
      let name: string;
      if ("name" in which) {
        name = which.name;
      } else {
        const groups = await provider.listServerGroups(ref.cluster);
        if (groups.length === 0 && readBool(data.continueIfClusterNotFound, false)) return { plans: [] };
        const resolved = resolveTarget(ref.cluster, groups, which.target);
        if ("error" in resolved) return resolved;
        name = resolved.group.name;
        ctx.log(`${which.target} server group of ${ref.cluster} is ${name}\n`);
      }
      const built = ops(name, data);
      if ("error" in built) return built;
      return {
        plans: [newPlan(ref, built, { excluded: ancestorDeployedGroups(ctx) })],
        context: { serverGroupName: name, ...("target" in which ? { resolvedTarget: which.target } : {}) },
      };
    },
  });
}

/** A stage acting on a whole cluster (disable/scale down/shrink/rollback). */
export function clusterStage(
  type: string,
  ops: (data: Record<string, unknown>) => Op[] | { error: string },
): StageHandler {
  return planStage({
    type,
    async plan(ctx) {
      const data = ctx.stage.context;
      const ref = readClusterRef(data);
      if ("error" in ref) return ref;
      const provider = providerFor(ctx, ref.provider, ref.account);
      if ("error" in provider) return provider;
      const groups = await provider.listServerGroups(ref.cluster);
      if (groups.length === 0 && readBool(data.continueIfClusterNotFound, false)) return { plans: [] };
      const built = ops(data);
      if ("error" in built) return built;
      return { plans: [newPlan(ref, built, { excluded: ancestorDeployedGroups(ctx) })] };
    },
  });
}
