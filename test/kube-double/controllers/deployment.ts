// Deployment -> ReplicaSets, after the documented behaviour of the deployment controller: one
// ReplicaSet per pod template (named <deployment>-<pod-template-hash>, the hash also added to its
// selector and pod labels), revisions in deployment.kubernetes.io/revision (a rollback to an old
// template moves that ReplicaSet to the next revision and records revision-history), RollingUpdate
// within maxSurge/maxUnavailable or Recreate, revisionHistoryLimit, and the Available/Progressing
// conditions with ProgressDeadlineExceeded once progressDeadlineSeconds pass without progress.
import { clone, deepEqual } from "../patch.js";
import { matchesSelector } from "../selectors.js";
import type { Condition, Deployment, DeploymentStatus, Pod, ReplicaSet } from "../types.js";
import { intOrPercent, shortHash } from "../util.js";
import { type Context, type Controller, kind } from "./context.js";
import { condition, isTerminal, setCondition } from "./pods.js";

const MANAGER = "kube-controller-manager";
const REVISION = "deployment.kubernetes.io/revision";
const HISTORY = "deployment.kubernetes.io/revision-history";
const DESIRED = "deployment.kubernetes.io/desired-replicas";
const MAX = "deployment.kubernetes.io/max-replicas";
const HASH = "pod-template-hash";
const NOT_COPIED = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  HISTORY,
  DESIRED,
  MAX,
  "deprecated.deployment.rollback.to",
]);

function revision(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? "0") || 0;
}

function templateWithoutHash(rs: ReplicaSet): unknown {
  const t = clone(rs.spec.template);
  if (t?.metadata?.labels) {
    delete t.metadata.labels[HASH];
  }
  return t;
}

function limits(d: Deployment): { surge: number; unavailable: number } {
  const replicas = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === "Recreate") return { surge: 0, unavailable: 0 };
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const surge = intOrPercent(ru.maxSurge, replicas, true, Math.ceil(replicas * 0.25));
  let unavailable = intOrPercent(ru.maxUnavailable, replicas, false, Math.floor(replicas * 0.25));
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

const specReplicas = (rs: ReplicaSet) => rs.spec.replicas ?? 0;

export class DeploymentController implements Controller {
  readonly name = "deployment-controller";

  reconcile(ctx: Context): void {
    for (const d of ctx.store.peek(kind("Deployment")) as Deployment[]) {
      if (d.metadata.deletionTimestamp) continue;
      this.sync(ctx, clone(d));
    }
  }

  private scale(ctx: Context, d: Deployment, rs: ReplicaSet, to: number): ReplicaSet {
    const from = specReplicas(rs);
    if (from === to) return rs;
    const next = clone(rs);
    next.spec.replicas = to;
    next.metadata.annotations = {
      ...next.metadata.annotations,
      [DESIRED]: String(d.spec.replicas ?? 1),
      [MAX]: String((d.spec.replicas ?? 1) + limits(d).surge),
    };
    const stored = ctx.update(next, MANAGER);
    if (!stored) return rs;
    ctx.event(
      d,
      "Normal",
      "ScalingReplicaSet",
      `Scaled ${to > from ? "up" : "down"} replica set ${rs.metadata.name} from ${from} to ${to}`,
      this.name,
    );
    return stored;
  }

  private sync(ctx: Context, d: Deployment): void {
    const ns = d.metadata.namespace;
    const replicas = d.spec.replicas ?? 1;
    // Adopt matching orphans, then this deployment's ReplicaSets.
    for (const rs of ctx.store.peek(kind("ReplicaSet"), ns) as ReplicaSet[]) {
      if (rs.metadata.deletionTimestamp || rs.metadata.ownerReferences?.some((o) => o.controller)) continue;
      if (!matchesSelector(rs.metadata.labels, d.spec.selector)) continue;
      const adopted = clone(rs);
      adopted.metadata.ownerReferences = [...(adopted.metadata.ownerReferences ?? []), ctx.controllerRef(d)];
      ctx.update(adopted, MANAGER);
    }
    let all = (ctx.owned<ReplicaSet>("ReplicaSet", d) as ReplicaSet[]).map((x) => clone(x));
    let newRS = all.find((rs) => deepEqual(templateWithoutHash(rs), d.spec.template));
    const olds = () => all.filter((rs) => rs !== newRS);
    const maxOld = Math.max(0, ...olds().map(revision));
    const prevStatus = d.status ?? {};
    let conditions: Condition[] = [...(d.status?.conditions ?? [])];
    const nowIso = ctx.now();
    const paused = d.spec.paused === true;
    let created = false;
    let collisionCount = d.status?.collisionCount;

    if (!newRS && !paused) {
      const hash = shortHash(d.spec.template, collisionCount ?? 0);
      const name = `${d.metadata.name}-${hash}`;
      const clash = ctx.store.get(kind("ReplicaSet"), ns, name);
      if (clash) {
        collisionCount = (collisionCount ?? 0) + 1;
        const next = clone(d);
        next.status = { ...(next.status ?? {}), collisionCount };
        ctx.update(next, MANAGER, "status");
        return;
      }
      const template = clone(d.spec.template);
      template.metadata = {
        ...(template.metadata ?? {}),
        labels: { ...(template.metadata?.labels ?? {}), [HASH]: hash },
      };
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {}))
        if (!NOT_COPIED.has(k)) annotations[k] = v;
      annotations[REVISION] = String(maxOld + 1);
      annotations[DESIRED] = String(replicas);
      annotations[MAX] = String(replicas + limits(d).surge);
      const currentPods = all.reduce((s, rs) => s + specReplicas(rs), 0);
      let initial = 0;
      if (d.spec.strategy?.type !== "Recreate") {
        const { surge } = limits(d);
        initial =
          all.length === 0 ? replicas : Math.max(0, Math.min(replicas, replicas + surge - currentPods));
      }
      const rs: ReplicaSet = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name,
          namespace: ns,
          labels: { ...(d.spec.template.metadata?.labels ?? {}), [HASH]: hash },
          annotations,
          ownerReferences: [ctx.controllerRef(d)],
        },
        spec: {
          replicas: initial,
          minReadySeconds: d.spec.minReadySeconds ?? 0,
          selector: {
            ...clone(d.spec.selector),
            matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [HASH]: hash },
          },
          template,
        },
      };
      if (!d.spec.minReadySeconds) delete rs.spec.minReadySeconds;
      const stored = ctx.create(rs, MANAGER);
      if (!stored) return;
      newRS = clone(stored);
      all = [...all, newRS];
      created = true;
      if (initial > 0)
        ctx.event(
          d,
          "Normal",
          "ScalingReplicaSet",
          `Scaled up replica set ${name} from 0 to ${initial}`,
          this.name,
        );
      conditions = setCondition(
        conditions,
        {
          type: "Progressing",
          status: "True",
          reason: "NewReplicaSetCreated",
          message: `Created new replica set "${name}"`,
          lastUpdateTime: nowIso,
        },
        nowIso,
      );
    } else if (newRS) {
      // Keep the new ReplicaSet's annotations in step with the deployment (a rollback moves it to the next revision).
      const next = clone(newRS);
      const ann = { ...(next.metadata.annotations ?? {}) };
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) ann[k] = v;
      const rev = revision(newRS);
      if (rev <= maxOld) {
        ann[REVISION] = String(maxOld + 1);
        ann[HISTORY] = ann[HISTORY] ? `${ann[HISTORY]},${rev}` : String(rev);
      }
      if (!deepEqual(ann, next.metadata.annotations ?? {})) {
        next.metadata.annotations = ann;
        const stored = ctx.update(next, MANAGER);
        if (stored) {
          newRS = clone(stored);
          all = all.map((x) => (x.metadata.uid === newRS?.metadata.uid ? (newRS as ReplicaSet) : x));
        }
      }
      if (!condition(conditions, "Progressing") && !paused)
        conditions = setCondition(
          conditions,
          {
            type: "Progressing",
            status: "True",
            reason: "FoundNewReplicaSet",
            message: `Found new replica set "${newRS.metadata.name}"`,
            lastUpdateTime: nowIso,
          },
          nowIso,
        );
    }

    // The deployment's revision annotation follows its new ReplicaSet.
    if (newRS) {
      const rev = newRS.metadata.annotations?.[REVISION];
      if (rev && d.metadata.annotations?.[REVISION] !== rev) {
        const next = clone(d);
        next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION]: rev };
        const stored = ctx.update(next, MANAGER);
        if (stored) {
          d.metadata = clone(stored.metadata);
        }
      }
    }

    const pods = ctx.store.peek(kind("Pod"), ns) as Pod[];
    // Scaled while more than one ReplicaSet has pods: the change is spread over them in proportion
    // to their sizes (relative to the max-replicas they were annotated with), largest first.
    const active = all.filter((rs) => specReplicas(rs) > 0);
    const scalingEvent =
      active.length > 1 &&
      active.some(
        (rs) =>
          rs.metadata.annotations?.[DESIRED] !== undefined &&
          rs.metadata.annotations[DESIRED] !== String(replicas),
      );
    if (scalingEvent && d.spec.strategy?.type !== "Recreate") {
      const allowed = replicas + limits(d).surge;
      const current = active.reduce((s, rs) => s + specReplicas(rs), 0);
      const toAdd = allowed - current;
      const bySize = [...active].sort((a, b) => {
        if (specReplicas(b) !== specReplicas(a)) return specReplicas(b) - specReplicas(a);
        const newer = (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
        return toAdd > 0 ? newer : -newer;
      });
      const targets = new Map<string, number>();
      let added = 0;
      for (const rs of bySize) {
        const annotatedMax = Number(rs.metadata.annotations?.[MAX] ?? "") || current;
        const fraction = Math.round((specReplicas(rs) * allowed) / annotatedMax) - specReplicas(rs);
        const left = toAdd - added;
        const part = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
        targets.set(rs.metadata.uid ?? "", specReplicas(rs) + part);
        added += part;
      }
      if (added !== toAdd && bySize[0]) {
        const first = bySize[0].metadata.uid ?? "";
        targets.set(first, Math.max(0, (targets.get(first) ?? 0) + toAdd - added));
      }
      for (const rs of all) {
        const to = targets.get(rs.metadata.uid ?? "") ?? specReplicas(rs);
        const stored = this.scale(ctx, d, rs, to);
        if (to === specReplicas(rs) && rs.metadata.annotations?.[DESIRED] !== String(replicas)) {
          const next = clone(rs);
          next.metadata.annotations = {
            ...next.metadata.annotations,
            [DESIRED]: String(replicas),
            [MAX]: String(allowed),
          };
          ctx.update(next, MANAGER);
        } else Object.assign(rs, stored);
      }
      ctx.wakeAt(ctx.clock());
      return;
    }
    if (!paused && newRS) {
      if (d.spec.strategy?.type === "Recreate") {
        let scaledDown = false;
        for (const rs of olds()) {
          if (specReplicas(rs) > 0) {
            this.scale(ctx, d, rs, 0);
            scaledDown = true;
          }
        }
        const oldUids = new Set(olds().map((rs) => rs.metadata.uid));
        const oldPodsLeft = pods.some(
          (p) =>
            p.metadata.ownerReferences?.some((o) => o.controller && oldUids.has(o.uid)) && !isTerminal(p),
        );
        if (!scaledDown && !oldPodsLeft && specReplicas(newRS) !== replicas)
          newRS = this.scale(ctx, d, newRS, replicas);
      } else {
        const { surge, unavailable } = limits(d);
        // Scale the new ReplicaSet up (within maxSurge) or down to the desired count.
        const total = all.reduce((s, rs) => s + specReplicas(rs), 0);
        if (specReplicas(newRS) > replicas) newRS = this.scale(ctx, d, newRS, replicas);
        else if (specReplicas(newRS) < replicas && total < replicas + surge) {
          const up = Math.min(replicas + surge - total, replicas - specReplicas(newRS));
          newRS = this.scale(ctx, d, newRS, specReplicas(newRS) + up);
        }
        all = all.map((x) => (x.metadata.uid === newRS?.metadata.uid ? (newRS as ReplicaSet) : x));
        // Scale old ReplicaSets down while keeping replicas - maxUnavailable available.
        const oldSets = olds().sort((a, b) =>
          (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""),
        );
        if (oldSets.some((rs) => specReplicas(rs) > 0)) {
          const allPods = all.reduce((s, rs) => s + specReplicas(rs), 0);
          const minAvailable = replicas - unavailable;
          const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
          const maxScaledDown = allPods - minAvailable - Math.max(0, newUnavailable);
          let scaledDown = 0;
          if (maxScaledDown > 0) {
            // First the old replicas that are not available anyway.
            for (const rs of oldSets) {
              if (scaledDown >= maxScaledDown) break;
              const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
              if (specReplicas(rs) === 0 || unhealthy <= 0) continue;
              const n = Math.min(maxScaledDown - scaledDown, unhealthy);
              const stored = this.scale(ctx, d, rs, specReplicas(rs) - n);
              Object.assign(rs, stored);
              scaledDown += n;
            }
            const available = all.reduce((s, rs) => s + (rs.status?.availableReplicas ?? 0), 0);
            const canRemove = Math.min(available - minAvailable, maxScaledDown - scaledDown);
            let removed = 0;
            for (const rs of oldSets) {
              if (removed >= canRemove) break;
              if (specReplicas(rs) === 0) continue;
              const n = Math.min(specReplicas(rs), canRemove - removed);
              const stored = this.scale(ctx, d, rs, specReplicas(rs) - n);
              Object.assign(rs, stored);
              removed += n;
            }
          }
        }
      }
    } else if (
      paused &&
      newRS &&
      specReplicas(newRS) !== replicas &&
      olds().every((rs) => specReplicas(rs) === 0)
    ) {
      newRS = this.scale(ctx, d, newRS, replicas);
    }

    all = (ctx.owned<ReplicaSet>("ReplicaSet", d) as ReplicaSet[]).map((x) => clone(x));
    const current = newRS ? all.find((x) => x.metadata.uid === newRS?.metadata.uid) : undefined;
    const { unavailable } = limits(d);
    const status: DeploymentStatus = {
      observedGeneration: d.metadata.generation,
      replicas: all.reduce((s, rs) => s + (rs.status?.replicas ?? 0), 0),
      updatedReplicas: current?.status?.replicas ?? 0,
      readyReplicas: all.reduce((s, rs) => s + (rs.status?.readyReplicas ?? 0), 0),
      availableReplicas: all.reduce((s, rs) => s + (rs.status?.availableReplicas ?? 0), 0),
    };
    status.unavailableReplicas = Math.max(0, replicas - (status.availableReplicas ?? 0));
    const terminating = all.reduce((s, rs) => s + (rs.status?.terminatingReplicas ?? 0), 0);
    if (terminating > 0) status.terminatingReplicas = terminating;
    if (collisionCount !== undefined) status.collisionCount = collisionCount;
    const available = (status.availableReplicas ?? 0) >= replicas - unavailable;
    conditions = setCondition(
      conditions,
      available
        ? {
            type: "Available",
            status: "True",
            reason: "MinimumReplicasAvailable",
            message: "Deployment has minimum availability.",
            lastUpdateTime: nowIso,
          }
        : {
            type: "Available",
            status: "False",
            reason: "MinimumReplicasUnavailable",
            message: "Deployment does not have minimum availability.",
            lastUpdateTime: nowIso,
          },
      nowIso,
    );
    const prevAvail = condition(d.status?.conditions, "Available");
    if (prevAvail && prevAvail.status === (available ? "True" : "False")) {
      const c = condition(conditions, "Available");
      if (c) c.lastUpdateTime = prevAvail.lastUpdateTime;
    }
    const complete =
      !!current &&
      status.updatedReplicas === replicas &&
      status.replicas === replicas &&
      status.availableReplicas === replicas &&
      (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
    const progressing = condition(conditions, "Progressing");
    const deadline = d.spec.progressDeadlineSeconds ?? 600;
    if (paused) {
      if (progressing?.reason !== "DeploymentPaused")
        conditions = setCondition(
          conditions,
          {
            type: "Progressing",
            status: "Unknown",
            reason: "DeploymentPaused",
            message: "Deployment is paused",
            lastUpdateTime: nowIso,
          },
          nowIso,
        );
    } else if (progressing?.reason === "DeploymentPaused") {
      conditions = setCondition(
        conditions,
        {
          type: "Progressing",
          status: "Unknown",
          reason: "DeploymentResumed",
          message: "Deployment is resumed",
          lastUpdateTime: nowIso,
        },
        nowIso,
      );
    } else if (current && complete) {
      if (progressing?.reason !== "NewReplicaSetAvailable")
        conditions = setCondition(
          conditions,
          {
            type: "Progressing",
            status: "True",
            reason: "NewReplicaSetAvailable",
            message: `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
            lastUpdateTime: nowIso,
          },
          nowIso,
        );
    } else if (current) {
      const madeProgress =
        created ||
        (status.updatedReplicas ?? 0) > (prevStatus.updatedReplicas ?? 0) ||
        (status.readyReplicas ?? 0) > (prevStatus.readyReplicas ?? 0) ||
        (status.availableReplicas ?? 0) > (prevStatus.availableReplicas ?? 0) ||
        (status.replicas ?? 0) - (status.updatedReplicas ?? 0) <
          (prevStatus.replicas ?? 0) - (prevStatus.updatedReplicas ?? 0) ||
        progressing?.reason === "NewReplicaSetAvailable" ||
        progressing?.reason === "DeploymentResumed" ||
        (d.metadata.generation ?? 0) !== (prevStatus.observedGeneration ?? 0);
      if (madeProgress && !created) {
        conditions = setCondition(
          conditions,
          {
            type: "Progressing",
            status: "True",
            reason: "ReplicaSetUpdated",
            message: `ReplicaSet "${current.metadata.name}" is progressing.`,
            lastUpdateTime: nowIso,
          },
          nowIso,
        );
      } else if (!madeProgress) {
        const p = condition(conditions, "Progressing");
        if (p && p.reason !== "ProgressDeadlineExceeded") {
          const since = Date.parse(p.lastUpdateTime ?? p.lastTransitionTime ?? nowIso);
          if (ctx.clock() >= since + deadline * 1000) {
            conditions = setCondition(
              conditions,
              {
                type: "Progressing",
                status: "False",
                reason: "ProgressDeadlineExceeded",
                message: `ReplicaSet "${current.metadata.name}" has timed out progressing.`,
                lastUpdateTime: nowIso,
              },
              nowIso,
            );
            ctx.event(
              d,
              "Warning",
              "ProgressDeadlineExceeded",
              `Deployment ${JSON.stringify(d.metadata.name)} has timed out progressing.`.replace(/"/g, '"'),
              this.name,
            );
          } else ctx.wakeAt(since + deadline * 1000 + 10);
        }
      }
    }
    // Condition order as the controller writes them: Available, then Progressing.
    conditions.sort((a, b) => (a.type === "Available" ? -1 : b.type === "Available" ? 1 : 0));
    status.conditions = conditions;
    // Every count is omitempty in the API: zeros are not written.
    for (const k of [
      "replicas",
      "updatedReplicas",
      "readyReplicas",
      "availableReplicas",
      "unavailableReplicas",
      "terminatingReplicas",
    ] as const)
      if (status[k] === 0) delete status[k];
    const before = clone(d.status ?? {});
    if (
      !deepEqual(stripTimes(status), stripTimes(before)) ||
      !deepEqual(
        status.conditions?.map((c) => c.reason),
        before.conditions?.map((c) => c.reason),
      )
    ) {
      const live = ctx.store.get(kind("Deployment"), ns, d.metadata.name ?? "") as Deployment | undefined;
      if (live) {
        live.status = status;
        ctx.update(live, MANAGER, "status");
      }
    }

    // Old ReplicaSets beyond revisionHistoryLimit go once the rollout is complete.
    if (complete) {
      const limit = d.spec.revisionHistoryLimit ?? 10;
      const idle = all
        .filter(
          (rs) =>
            rs.metadata.uid !== current?.metadata.uid &&
            specReplicas(rs) === 0 &&
            (rs.status?.replicas ?? 0) === 0 &&
            !rs.metadata.deletionTimestamp,
        )
        .sort((a, b) => revision(a) - revision(b));
      for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
        try {
          ctx.api.delete(kind("ReplicaSet"), ns, rs.metadata.name ?? "", { propagationPolicy: "Background" });
        } catch {
          // Already gone.
        }
      }
    }
  }
}

function stripTimes(s: DeploymentStatus): unknown {
  const c = clone(s);
  for (const x of c.conditions ?? []) {
    delete x.lastTransitionTime;
    delete x.lastUpdateTime;
  }
  return c;
}
