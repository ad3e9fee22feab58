// ReplicaSet -> Pods: keeps spec.replicas pods matching the selector (adopting orphans), deletes
// the least useful ones first, and reports replicas, fullyLabeledReplicas, readyReplicas,
// availableReplicas (ready for minReadySeconds) and observedGeneration.
import { deepEqual } from "../patch.js";
import { matchesSelector } from "../selectors.js";
import type { Pod, ReplicaSet, ReplicaSetStatus } from "../types.js";
import { type Context, type Controller, kind } from "./context.js";
import { deletionOrder, isActive, isAvailable, isReady, podFromTemplate, readySince } from "./pods.js";

const MANAGER = "kube-controller-manager";

export class ReplicaSetController implements Controller {
  readonly name = "replicaset-controller";

  reconcile(ctx: Context): void {
    for (const live of ctx.store.peek(kind("ReplicaSet")) as ReplicaSet[]) this.sync(ctx, live);
  }

  private sync(ctx: Context, rs: ReplicaSet): void {
    const nowMs = ctx.clock();
    const ns = rs.metadata.namespace;
    const all = ctx.store.peek(kind("Pod"), ns) as Pod[];
    const deleting = !!rs.metadata.deletionTimestamp;
    if (!deleting) {
      // Adopt orphans the selector matches.
      for (const p of all) {
        if (p.metadata.deletionTimestamp || !isActive(p)) continue;
        if (p.metadata.ownerReferences?.some((o) => o.controller)) continue;
        if (!matchesSelector(p.metadata.labels, rs.spec.selector)) continue;
        const adopted = JSON.parse(JSON.stringify(p)) as Pod;
        adopted.metadata.ownerReferences = [
          ...(adopted.metadata.ownerReferences ?? []),
          ctx.controllerRef(rs),
        ];
        ctx.update(adopted, MANAGER);
      }
    }
    const owned = (ctx.store.peek(kind("Pod"), ns) as Pod[]).filter((p) =>
      p.metadata.ownerReferences?.some((o) => o.controller && o.uid === rs.metadata.uid),
    );
    const active = owned.filter(isActive);
    const want = rs.spec.replicas ?? 1;
    if (!deleting && rs.spec.template) {
      if (active.length < want) {
        for (let i = active.length; i < want; i++) {
          const pod = podFromTemplate(rs.spec.template, rs, ctx.controllerRef(rs), {
            generateName: `${rs.metadata.name}-`,
          });
          const made = ctx.create(pod, MANAGER);
          if (made)
            ctx.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${made.metadata.name}`, this.name);
          else
            ctx.event(
              rs,
              "Warning",
              "FailedCreate",
              `Error creating: pods "${rs.metadata.name}" is invalid`,
              this.name,
            );
        }
      } else if (active.length > want) {
        for (const p of deletionOrder(active).slice(0, active.length - want)) {
          try {
            ctx.api.delete(kind("Pod"), ns, p.metadata.name ?? "", {});
            ctx.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`, this.name);
          } catch {
            // Already gone.
          }
        }
      }
    }
    const current = (ctx.store.peek(kind("Pod"), ns) as Pod[]).filter(
      (p) =>
        p.metadata.ownerReferences?.some((o) => o.controller && o.uid === rs.metadata.uid) && isActive(p),
    );
    const minReady = rs.spec.minReadySeconds ?? 0;
    const templateLabels = rs.spec.template?.metadata?.labels ?? {};
    const status: ReplicaSetStatus = {
      replicas: current.length,
      fullyLabeledReplicas: current.filter((p) =>
        Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
      ).length,
      readyReplicas: current.filter(isReady).length,
      availableReplicas: current.filter((p) => isAvailable(p, minReady, nowMs)).length,
      observedGeneration: rs.metadata.generation,
    };
    const terminating = owned.filter((p) => !!p.metadata.deletionTimestamp).length;
    if (terminating > 0) status.terminatingReplicas = terminating;
    else if (rs.status?.terminatingReplicas !== undefined) status.terminatingReplicas = 0;
    if (rs.status?.conditions) status.conditions = rs.status.conditions;
    if (minReady > 0)
      for (const p of current) {
        const since = readySince(p);
        if (since !== undefined && nowMs - since < minReady * 1000) ctx.wakeAt(since + minReady * 1000 + 5);
      }
    for (const k of [
      "fullyLabeledReplicas",
      "readyReplicas",
      "availableReplicas",
      "terminatingReplicas",
    ] as const)
      if (status[k] === 0 && rs.status?.[k] === undefined) delete status[k];
    if (!deepEqual(status, rs.status ?? {})) {
      const next = JSON.parse(JSON.stringify(rs)) as ReplicaSet;
      next.status = status;
      ctx.update(next, MANAGER, "status");
    }
  }
}
