import type { TrafficStrategy } from "./deploy.js";
import { KubectlError } from "./kubectl.js";
import {
  canonicalKind,
  HAS_PODS,
  type KubeObject,
  kindOf,
  manifestNameOf,
  monikerOf,
  nameOf,
  type ObjectRef,
  refOf,
} from "./manifest.js";
import type { KubeSession } from "./session.js";
import { manifestStatus } from "./stability.js";
import {
  loadBalancersOf,
  parseLoadBalancer,
  receivesTraffic,
  serviceSelector,
  trafficPatch,
} from "./traffic.js";

/** One step a strategy appends after the deploy (Orca's afterStages). */
export interface StrategyStep {
  op: "disable" | "delete";
  target: ObjectRef;
  done?: boolean;
}

/**
 * The steps of a traffic strategy (DeployManifestStage.afterStages), for the ReplicaSets of the
 * same application and cluster other than the new one: redblack/bluegreen disable each (an old one
 * neither stable nor failed, nor with ready and available replicas, is deleted instead);
 * highlander disables each, then deletes each; none does nothing.
 */
export function strategySteps(
  strategy: TrafficStrategy,
  deployed: ObjectRef & { moniker: { app: string; cluster: string } },
  replicaSets: readonly KubeObject[],
): StrategyStep[] {
  if (strategy === "none") return [];
  const old = replicaSets.filter((rs) => {
    if (nameOf(rs) === deployed.name) return false;
    const m = monikerOf(rs);
    return m.cluster === deployed.moniker.cluster && (!m.app || m.app === deployed.moniker.app);
  });
  const ref = (rs: KubeObject): ObjectRef => ({ ...refOf(rs, deployed.namespace), kind: "ReplicaSet" });
  if (strategy === "highlander")
    return [
      ...old.map((rs) => ({ op: "disable" as const, target: ref(rs) })),
      ...old.map((rs) => ({ op: "delete" as const, target: ref(rs) })),
    ];
  return old.map((rs) => {
    const status = manifestStatus(rs);
    const st = (rs.status ?? {}) as { readyReplicas?: number; availableReplicas?: number };
    const settled =
      status.stable || status.failed || ((st.readyReplicas ?? 0) > 0 && (st.availableReplicas ?? 0) > 0);
    return { op: settled ? ("disable" as const) : ("delete" as const), target: ref(rs) };
  });
}

/** The Services an object's traffic goes through: the stage's, else its load-balancers annotation. */
export async function servicesFor(
  session: KubeSession,
  target: KubeObject,
  given: readonly string[] | undefined,
  namespace: string,
): Promise<{ name: string; selector: Record<string, string> }[] | { error: string }> {
  const names = given && given.length > 0 ? given : loadBalancersOf(target);
  const out: { name: string; selector: Record<string, string> }[] = [];
  for (const text of names) {
    const lb = parseLoadBalancer(text);
    if ("error" in lb) return lb;
    const service = await session.kubectl.get({ kind: "Service", name: lb.name, namespace });
    if (!service) return { error: `service ${lb.name} not found in namespace ${namespace}` };
    const found = serviceSelector(service);
    if ("error" in found) return found;
    const selector = found.selector;
    out.push({ name: lb.name, selector });
  }
  return out;
}

/** The pods an object runs (by owner reference; a Deployment's through its ReplicaSets). */
export async function podsOf(
  session: KubeSession,
  target: KubeObject,
  namespace: string,
): Promise<KubeObject[]> {
  const kind = canonicalKind(kindOf(target));
  if (!HAS_PODS.has(kind)) return [];
  const uid = target.metadata?.uid;
  let owners = new Set<unknown>([uid]);
  if (kind === "Deployment") {
    const rss = await session.kubectl.list(["replicaset"], namespace);
    owners = new Set(
      rss
        .filter((rs) =>
          ((rs.metadata?.ownerReferences as { uid?: string }[] | undefined) ?? []).some((o) => o.uid === uid),
        )
        .map((rs) => rs.metadata?.uid),
    );
  }
  const pods = await session.kubectl.list(["pod"], namespace);
  return pods.filter((p) =>
    ((p.metadata?.ownerReferences as { uid?: string }[] | undefined) ?? []).some((o) => owners.has(o.uid)),
  );
}

/**
 * enableManifest / disableManifest (clouddriver's label flip): a JSON patch adds (enable) or
 * removes (disable) each Service selector label on the pod template, or a Pod's own labels, then
 * the same patch goes to every pod the object runs, one by one. The Service is never edited.
 */
export async function setTraffic(
  session: KubeSession,
  ref: ObjectRef,
  enable: boolean,
  loadBalancers?: readonly string[],
): Promise<{ patched: string[] } | { error: string }> {
  const namespace = ref.namespace ?? session.namespace;
  const target = await session.kubectl.get({ ...ref, namespace });
  if (!target) return { error: `${manifestNameOf(ref)} not found in namespace ${namespace}` };
  const services = await servicesFor(session, target, loadBalancers, namespace);
  if ("error" in services) return services;
  if (services.length === 0)
    return {
      error: `${manifestNameOf(ref)} names no load balancers (traffic.spinnaker.io/load-balancers) and the stage gives none`,
    };
  const patched: string[] = [];
  const isPod = canonicalKind(kindOf(target)) === "Pod";
  try {
    for (const s of services) {
      const ops = trafficPatch(target, s.selector, enable, isPod ? "pod" : "template");
      if (ops.length > 0) {
        await session.kubectl.patch({ ...ref, namespace }, "json", ops);
        patched.push(manifestNameOf(ref));
      }
    }
    if (!isPod) {
      for (const pod of await podsOf(session, target, namespace)) {
        for (const s of services) {
          const ops = trafficPatch(pod, s.selector, enable, "pod");
          if (ops.length === 0) continue;
          await session.kubectl
            .patch({ kind: "Pod", name: nameOf(pod), namespace }, "json", ops)
            .catch((e) => {
              // A pod that went away meanwhile has nothing left to patch.
              if (!(e instanceof KubectlError && e.notFound)) throw e;
            });
          patched.push(`pod ${nameOf(pod)}`);
        }
      }
    }
  } catch (error) {
    return { error: session.mask((error as Error).message) };
  }
  return { patched };
}

/** True when the object's pods take traffic from every Service it names. */
export async function isEnabled(
  session: KubeSession,
  target: KubeObject,
  namespace: string,
): Promise<boolean> {
  const services = await servicesFor(session, target, undefined, namespace);
  if ("error" in services || services.length === 0) return false;
  return services.every((s) => receivesTraffic(target, s.selector));
}
