import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import {
  type DeployedManifest,
  deployManifests,
  deployOutputs,
  flattenManifests,
  type TrafficStrategy,
} from "../../providers/kubernetes/deploy.js";
import { checkManifestGuard } from "../../providers/kubernetes/guards.js";
import {
  type KubeObject,
  manifestNameOf,
  maxVersionHistory,
  monikerOf,
  nameOf,
  UNDOABLE,
} from "../../providers/kubernetes/manifest.js";
import type { KubeSession } from "../../providers/kubernetes/session.js";
import {
  isEnabled,
  type StrategyStep,
  setTraffic,
  strategySteps,
} from "../../providers/kubernetes/strategy.js";
import { receivesTraffic } from "../../providers/kubernetes/traffic.js";
import { bool, manifestStage, stableTargetsOf, str, waitStable } from "../manifest-kit/manifest-stage.js";
import { stageManifests } from "../manifest-kit/sources.js";
import { upstreamArtifacts } from "../manifest-kit/upstream.js";

type Data = Record<string, unknown>;

/** Spinnaker's trafficManagement block; when it is off, Orca forces enableTraffic on. */
export interface TrafficOptions {
  enabled: boolean;
  enableTraffic: boolean;
  services: string[];
  strategy: TrafficStrategy;
}

export function readTraffic(c: Data): TrafficOptions | { error: string } {
  const tm = (
    c.trafficManagement && typeof c.trafficManagement === "object" ? c.trafficManagement : {}
  ) as Data;
  const options = (tm.options && typeof tm.options === "object" ? tm.options : {}) as Data;
  const enabled = bool(tm.enabled, false);
  const services = Array.isArray(options.services)
    ? options.services.map(String).filter((s) => s.trim() !== "")
    : [];
  const strategyText = (str(options.strategy) ?? "none").toLowerCase().replace(/[_-]/g, "");
  const strategy = (["redblack", "bluegreen", "highlander", "none"] as const).find((s) => s === strategyText);
  if (!strategy)
    return {
      error: `trafficManagement.options.strategy must be redblack, bluegreen, highlander or none, not '${options.strategy}'`,
    };
  if (!enabled) return { enabled, enableTraffic: true, services: [], strategy: "none" };
  return { enabled, enableTraffic: bool(options.enableTraffic, false), services, strategy };
}

/** What the context keeps of a deployed object (the full manifests go to the outputs). */
type Kept = Omit<DeployedManifest, "manifest">;
const keep = (d: DeployedManifest): Kept => {
  const { manifest: _manifest, ...rest } = d;
  return rest;
};

async function start(ctx: StageContext, session: KubeSession): Promise<TaskResult> {
  const c = ctx.stage.context;
  const traffic = readTraffic(c);
  if ("error" in traffic) return { status: "TERMINAL", error: traffic.error };
  const given = stageManifests(ctx);
  if ("error" in given) return { status: "TERMINAL", error: given.error };
  const manifests = flattenManifests(given.manifests);
  if (manifests.length === 0) return { status: "TERMINAL", error: "no manifests to deploy" };
  if (traffic.strategy === "redblack" || traffic.strategy === "bluegreen") {
    for (const m of manifests) {
      const n = maxVersionHistory(m);
      if (n !== undefined && n < 2)
        return {
          status: "TERMINAL",
          error: `The max version history specified in your manifest (${n}) conflicts with the behavior of the ${traffic.strategy === "redblack" ? "Red/Black" : "Blue/Green"} rollout strategy. Please update your strategy.spinnaker.io/max-version-history annotation to a value greater than or equal to 2.`,
        };
    }
  }
  const moniker = (c.moniker && typeof c.moniker === "object" ? c.moniker : {}) as Data;
  const result = await deployManifests(session, {
    manifests,
    namespaceOverride: str(c.namespaceOverride) ?? str(c.namespace),
    moniker: {
      app: str(moniker.app) ?? str(c.app),
      cluster: str(moniker.cluster),
      stack: str(moniker.stack),
      detail: str(moniker.detail),
    },
    versioned: typeof c.versioned === "boolean" ? c.versioned : undefined,
    services: traffic.services,
    enableTraffic: traffic.enableTraffic,
    artifacts: upstreamArtifacts(ctx),
    bindArtifacts: c.enableArtifactBinding !== false,
  });
  const outputs = deployOutputs(result.deployed, session);
  const context: Data = {
    deployedManifests: result.deployed.map(keep),
    "deploy.server.groups": outputs["deploy.server.groups"],
    "deploy.account.name": session.account.name,
    ...(given.summary && Object.keys(given.summary).length ? {} : {}),
  };
  if ("error" in result)
    return {
      status: "TERMINAL",
      error: `${result.error}${result.deployed.length ? ` (applied before it: ${result.deployed.map((d) => d.manifestName).join(", ")})` : ""}`,
      context,
      outputs,
    };
  const wait = bool(c.waitForStable, true);
  const targets = result.deployed.map((d) => ({ kind: d.kind, name: d.name, namespace: d.namespace }));
  return advance(ctx, session, {
    ...context,
    deployOutputs: outputs,
    deployPhase: wait ? "stabilize" : "cleanup",
    stableTargets: targets,
  });
}

function deployedOf(c: Data): Kept[] {
  return Array.isArray(c.deployedManifests) ? (c.deployedManifests as Kept[]) : [];
}

async function rollback(session: KubeSession, deployed: Kept[]): Promise<string[]> {
  const done: string[] = [];
  for (const d of deployed) {
    try {
      if (d.versioned && d.created) {
        await session.kubectl.delete({ ref: d }, { cascade: "foreground" });
        done.push(`deleted ${d.manifestName} (new version)`);
      } else if (UNDOABLE.has(d.kind) && d.previousRevision !== undefined) {
        await session.kubectl.rolloutUndo(d, d.previousRevision);
        done.push(`${d.manifestName} rolled back to revision ${d.previousRevision}`);
      }
    } catch (error) {
      done.push(`could not roll back ${d.manifestName}: ${session.mask((error as Error).message)}`);
    }
  }
  for (const line of done) session.log(`rollback: ${line}`);
  return done;
}

async function advance(ctx: StageContext, session: KubeSession, state: Data): Promise<TaskResult> {
  const c = { ...ctx.stage.context, ...state };
  const deployed = deployedOf(c);
  const outputs = (c.deployOutputs ?? {}) as Data;
  let phase = String(c.deployPhase ?? "stabilize");
  const context: Data = { ...state };
  if (phase === "stabilize") {
    const targets = stableTargetsOf(c) ?? [];
    const r = await waitStable(ctx, session, targets, context, c);
    if (r !== "stable") {
      if (r.status === "TERMINAL" && bool(c.rollbackOnFailure, false)) {
        const rolledBack = await rollback(session, deployed);
        return {
          ...r,
          context: { ...r.context, rolledBack },
          outputs,
          error: `${r.error}\nrolled back: ${rolledBack.join("; ") || "nothing to roll back"}`,
        };
      }
      return r.status === "RUNNING" ? r : { ...r, outputs };
    }
    phase = "cleanup";
    Object.assign(context, { stableTargets: targets, deployPhase: phase });
  }
  if (phase === "cleanup") {
    const pruned: string[] = [];
    for (const d of deployed) {
      const n = d.versioned ? d.maxVersionHistory : undefined;
      if (n === undefined || !d.pruneVersions?.length) continue;
      // Known at deploy time (the versions listed to choose this one's number): no list here.
      for (const name of d.pruneVersions) {
        await session.kubectl.delete({ ref: { kind: d.kind, name, namespace: d.namespace } });
        pruned.push(manifestNameOf({ kind: d.kind, name }));
        session.log(`deleted ${manifestNameOf({ kind: d.kind, name })} (max-version-history ${n})`);
      }
    }
    phase = "strategy";
    Object.assign(context, { deployPhase: phase, ...(pruned.length ? { prunedVersions: pruned } : {}) });
  }
  if (phase === "strategy") {
    const traffic = readTraffic(c);
    if ("error" in traffic) return { status: "TERMINAL", error: traffic.error };
    let steps = Array.isArray(c.strategySteps)
      ? (structuredClone(c.strategySteps) as StrategyStep[])
      : undefined;
    if (!steps) {
      steps = [];
      if (traffic.enabled && traffic.strategy !== "none") {
        for (const d of deployed.filter((x) => x.kind === "ReplicaSet")) {
          const rss = await session.kubectl.list(["replicaset"], d.namespace);
          steps.push(...strategySteps(traffic.strategy, d, rss));
        }
      }
      if (steps.length)
        session.log(
          `${traffic.strategy}: ${steps.map((s) => `${s.op} ${manifestNameOf(s.target)}`).join(", ")}`,
        );
    }
    const guards = ctx.services.providers?.trafficGuards ?? [];
    for (const step of steps) {
      if (step.done) continue;
      if (guards.length > 0) {
        const all = await session.kubectl.list(["replicaset"], step.target.namespace);
        const target = all.find((o) => nameOf(o) === step.target.name);
        const cluster = target ? all.filter((o) => monikerOf(o).cluster === monikerOf(target).cluster) : [];
        const enabledNames = new Set<string>();
        for (const o of cluster)
          if (await isEnabled(session, o, step.target.namespace ?? session.namespace))
            enabledNames.add(nameOf(o));
        const blocked = checkManifestGuard(
          guards,
          step.op === "disable" ? "Disabling" : "Destroying",
          session.account.name,
          step.target.namespace ?? session.namespace,
          cluster,
          [step.target.name],
          (o) => enabledNames.has(nameOf(o)),
        );
        if (blocked)
          return {
            status: "TERMINAL",
            error: blocked,
            context: { ...context, strategySteps: steps },
            outputs,
          };
      }
      if (step.op === "disable") {
        const r = await setTraffic(session, step.target, false);
        if ("error" in r && !/names no load balancers/.test(r.error))
          return {
            status: "TERMINAL",
            error: `disable ${manifestNameOf(step.target)}: ${r.error}`,
            context: { ...context, strategySteps: steps },
            outputs,
          };
        session.log(`disabled ${manifestNameOf(step.target)}`);
      } else {
        await session.kubectl.delete({ ref: step.target }, { cascade: "background" });
        session.log(`deleted ${manifestNameOf(step.target)}`);
      }
      step.done = true;
    }
    Object.assign(context, { deployPhase: "done", strategySteps: steps });
  }
  const disabled =
    (context.strategySteps as StrategyStep[] | undefined)
      ?.filter((s) => s.op === "disable")
      .map((s) => manifestNameOf(s.target)) ?? [];
  const deleted =
    (context.strategySteps as StrategyStep[] | undefined)
      ?.filter((s) => s.op === "delete")
      .map((s) => manifestNameOf(s.target)) ?? [];
  const finalOutputs = { ...outputs, disabledManifests: disabled, deletedManifests: deleted };
  delete context.deployOutputs;
  return {
    status: "SUCCEEDED",
    context: { ...context, deployOutputs: null },
    outputs: bool(c.noOutput, false) ? {} : finalOutputs,
  };
}

async function poll(ctx: StageContext, session: KubeSession): Promise<TaskResult> {
  if (!Array.isArray(ctx.stage.context.deployedManifests)) return start(ctx, session);
  return advance(ctx, session, {});
}

/** Capstan's check that a Service's pods take the traffic (used by tests and enable/disable). */
export const podsReceive = (o: KubeObject, selector: Record<string, string>) => receivesTraffic(o, selector);

export const deployManifestStage: StageHandler = manifestStage({
  type: "deployManifest",
  deferredFields: ["manifests"],
  start,
  poll,
  async cancel(ctx) {
    const deployed = deployedOf(ctx.stage.context);
    const left = deployed.map((d) => `${d.manifestName} stays as it is`);
    for (const line of left) ctx.log(`[capstan] cancel: ${line}; nothing rolled back\n`);
    return { context: { canceledWith: left } };
  },
});
