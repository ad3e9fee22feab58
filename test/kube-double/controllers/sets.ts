// StatefulSet and DaemonSet, minimally: ordered pods <name>-<ordinal> (OrderedReady or Parallel)
// with RollingUpdate from the highest ordinal down to the partition, or OnDelete; one pod per node
// (the double has one) for a DaemonSet. Both keep ControllerRevisions whose data is the strategic
// patch kubectl rollout undo applies ({"spec":{"template":{...,"$patch":"replace"}}}).
import { clone, deepEqual } from "../patch.js";
import type { ControllerRevision, DaemonSet, KObject, Pod, PodTemplateSpec, StatefulSet } from "../types.js";
import { shortHash } from "../util.js";
import { type Context, type Controller, kind } from "./context.js";
import { isActive, isAvailable, isReady, podFromTemplate } from "./pods.js";

const MANAGER = "kube-controller-manager";
const REV_LABEL = "controller-revision-hash";

function revisionData(t: PodTemplateSpec): unknown {
  return { spec: { template: { ...clone(t), $patch: "replace" } } };
}

/** The ControllerRevision of the owner's current template (created or moved to the newest revision). */
function currentRevision(
  ctx: Context,
  owner: KObject & { spec: { template: PodTemplateSpec; revisionHistoryLimit?: number } },
): ControllerRevision | undefined {
  const revs = ctx.owned<ControllerRevision>("ControllerRevision", owner);
  const data = revisionData(owner.spec.template);
  const max = Math.max(0, ...revs.map((r) => r.revision));
  const same = revs.find((r) => deepEqual(r.data, data));
  if (same) {
    if (same.revision < max) {
      const next = clone(same);
      next.revision = max + 1;
      return ctx.update(next, MANAGER) ?? same;
    }
    return same;
  }
  const hash = shortHash(owner.spec.template);
  const cr: ControllerRevision = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...(owner.spec.template.metadata?.labels ?? {}), [REV_LABEL]: hash },
      ownerReferences: [ctx.controllerRef(owner)],
    },
    data: data as never,
    revision: max + 1,
  };
  const made = ctx.create(cr, MANAGER);
  // Old revisions beyond revisionHistoryLimit.
  const limit = owner.spec.revisionHistoryLimit ?? 10;
  const old = revs.sort((a, b) => a.revision - b.revision);
  for (const r of old.slice(0, Math.max(0, old.length + 1 - limit - 1))) {
    try {
      ctx.api.delete(kind("ControllerRevision"), r.metadata.namespace, r.metadata.name ?? "", {});
    } catch {
      // Gone meanwhile.
    }
  }
  return made;
}

function templateOf(rev: ControllerRevision | undefined): PodTemplateSpec | undefined {
  const t = clone(
    (rev?.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec
      ?.template,
  );
  if (t) delete t.$patch;
  return t;
}

export class StatefulSetController implements Controller {
  readonly name = "statefulset-controller";

  reconcile(ctx: Context): void {
    for (const live of ctx.store.peek(kind("StatefulSet")) as StatefulSet[]) {
      if (live.metadata.deletionTimestamp) continue;
      this.sync(ctx, clone(live));
    }
  }

  private sync(ctx: Context, sts: StatefulSet): void {
    const ns = sts.metadata.namespace;
    const name = sts.metadata.name ?? "";
    const update = currentRevision(ctx, sts);
    if (!update) return;
    const updateRevision = update.metadata.name ?? "";
    const currentRev = sts.status?.currentRevision ?? updateRevision;
    const currentTemplate =
      templateOf(
        ctx.store.get(kind("ControllerRevision"), ns, currentRev) as ControllerRevision | undefined,
      ) ?? sts.spec.template;
    const replicas = sts.spec.replicas ?? 1;
    const partition =
      sts.spec.updateStrategy?.type === "RollingUpdate"
        ? (sts.spec.updateStrategy.rollingUpdate?.partition ?? 0)
        : 0;
    const parallel = sts.spec.podManagementPolicy === "Parallel";
    const pods = ctx.owned<Pod>("Pod", sts);
    const byOrdinal = new Map<number, Pod>();
    for (const p of pods) {
      const m = new RegExp(`^${name}-(\\d+)$`).exec(p.metadata.name ?? "");
      if (m) byOrdinal.set(Number(m[1]), p);
    }
    let blocked = false;
    for (let i = 0; i < replicas; i++) {
      const p = byOrdinal.get(i);
      if (!p) {
        if (blocked) break;
        const useUpdate =
          sts.spec.updateStrategy?.type === "OnDelete"
            ? true
            : i >= partition || currentRev === updateRevision;
        const t = useUpdate ? sts.spec.template : currentTemplate;
        const hash = useUpdate ? updateRevision : currentRev;
        const pod = podFromTemplate(
          t,
          sts,
          ctx.controllerRef(sts),
          { name: `${name}-${i}` },
          {
            [REV_LABEL]: hash,
            "statefulset.kubernetes.io/pod-name": `${name}-${i}`,
            "apps.kubernetes.io/pod-index": String(i),
          },
        );
        pod.spec.hostname = `${name}-${i}`;
        if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
        if (ctx.create(pod, MANAGER))
          ctx.event(
            sts,
            "Normal",
            "SuccessfulCreate",
            `create Pod ${name}-${i} in StatefulSet ${name} successful`,
            this.name,
          );
        if (!parallel) blocked = true;
      } else if (!parallel && (!isReady(p) || p.metadata.deletionTimestamp)) blocked = true;
    }
    // Scale down from the highest ordinal.
    const extra = [...byOrdinal.entries()]
      .filter(([i, p]) => i >= replicas && !p.metadata.deletionTimestamp)
      .sort((a, b) => b[0] - a[0]);
    for (const [, p] of parallel ? extra : extra.slice(0, 1)) {
      try {
        ctx.api.delete(kind("Pod"), ns, p.metadata.name ?? "", {});
        ctx.event(
          sts,
          "Normal",
          "SuccessfulDelete",
          `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`,
          this.name,
        );
      } catch {
        // Gone meanwhile.
      }
    }
    // Rolling update: one pod at a time, highest ordinal first, down to the partition.
    const live = ctx.owned<Pod>("Pod", sts);
    const allReady =
      live.length >= replicas && live.every((p) => isReady(p) && !p.metadata.deletionTimestamp);
    if (sts.spec.updateStrategy?.type !== "OnDelete" && allReady) {
      for (let i = replicas - 1; i >= partition; i--) {
        const p = byOrdinal.get(i);
        if (p && p.metadata.labels?.[REV_LABEL] !== updateRevision) {
          try {
            ctx.api.delete(kind("Pod"), ns, p.metadata.name ?? "", {});
          } catch {
            // Gone meanwhile.
          }
          break;
        }
      }
    }
    const active = live.filter(isActive);
    const updated = active.filter((p) => p.metadata.labels?.[REV_LABEL] === updateRevision).length;
    const status: NonNullable<StatefulSet["status"]> = {
      observedGeneration: sts.metadata.generation,
      replicas: active.length,
      readyReplicas: active.filter(isReady).length,
      currentReplicas: active.filter((p) => p.metadata.labels?.[REV_LABEL] === currentRev).length,
      updatedReplicas: updated,
      availableReplicas: active.filter((p) => isAvailable(p, sts.spec.minReadySeconds ?? 0, ctx.clock()))
        .length,
      currentRevision: currentRev,
      updateRevision,
      collisionCount: 0,
    };
    if (updated === replicas && active.length === replicas && partition === 0) {
      status.currentRevision = updateRevision;
      status.currentReplicas = updated;
    }
    if (!deepEqual(status, sts.status ?? {})) {
      const l = ctx.store.get(kind("StatefulSet"), ns, name) as StatefulSet | undefined;
      if (l) {
        l.status = status;
        ctx.update(l, MANAGER, "status");
      }
    }
  }
}

export class DaemonSetController implements Controller {
  readonly name = "daemonset-controller";

  reconcile(ctx: Context): void {
    for (const live of ctx.store.peek(kind("DaemonSet")) as DaemonSet[]) {
      if (live.metadata.deletionTimestamp) continue;
      this.sync(ctx, clone(live));
    }
  }

  private sync(ctx: Context, ds: DaemonSet): void {
    const ns = ds.metadata.namespace;
    const rev = currentRevision(ctx, ds);
    if (!rev) return;
    const hash = rev.metadata.labels?.[REV_LABEL] ?? "";
    const pods = ctx.owned<Pod>("Pod", ds).filter((p) => !p.metadata.deletionTimestamp);
    const onDelete = ds.spec.updateStrategy?.type === "OnDelete";
    for (const p of pods) {
      if (!onDelete && p.metadata.labels?.[REV_LABEL] !== hash) {
        try {
          ctx.api.delete(kind("Pod"), ns, p.metadata.name ?? "", {});
        } catch {
          // Gone meanwhile.
        }
      }
    }
    const left = ctx.owned<Pod>("Pod", ds);
    if (left.length === 0) {
      const pod = podFromTemplate(
        ds.spec.template,
        ds,
        ctx.controllerRef(ds),
        { generateName: `${ds.metadata.name}-` },
        {
          [REV_LABEL]: hash,
          "pod-template-generation": String(ds.metadata.generation ?? 1),
        },
      );
      pod.spec.nodeName = ctx.node;
      const made = ctx.create(pod, MANAGER);
      if (made) ctx.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${made.metadata.name}`, this.name);
    }
    const active = ctx.owned<Pod>("Pod", ds).filter(isActive);
    const available = active.filter((p) => isAvailable(p, ds.spec.minReadySeconds ?? 0, ctx.clock())).length;
    const status: NonNullable<DaemonSet["status"]> = {
      currentNumberScheduled: active.length > 0 ? 1 : 0,
      desiredNumberScheduled: 1,
      numberMisscheduled: 0,
      numberReady: active.filter(isReady).length,
      numberAvailable: available,
      updatedNumberScheduled: active.filter((p) => p.metadata.labels?.[REV_LABEL] === hash).length,
      observedGeneration: ds.metadata.generation,
    };
    if (available < 1) status.numberUnavailable = 1 - available;
    if (status.numberAvailable === 0) delete status.numberAvailable;
    if (!deepEqual(status, ds.status ?? {})) {
      const l = ctx.store.get(kind("DaemonSet"), ns, ds.metadata.name ?? "") as DaemonSet | undefined;
      if (l) {
        l.status = status;
        ctx.update(l, MANAGER, "status");
      }
    }
  }
}
