// Pod state helpers shared by the workload controllers.
import type { Condition, KObject, Pod, PodTemplateSpec } from "../types.js";

export function condition(conds: Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}

export function isReady(pod: Pod): boolean {
  return condition(pod.status?.conditions, "Ready")?.status === "True";
}

/** Ready for at least minReadySeconds (the "available" of ReplicaSets and Deployments). */
export function isAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = condition(pod.status?.conditions, "Ready");
  if (ready?.status !== "True") return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
  return nowMs - since >= minReadySeconds * 1000;
}

export function readySince(pod: Pod): number | undefined {
  const ready = condition(pod.status?.conditions, "Ready");
  return ready?.status === "True" && ready.lastTransitionTime
    ? Date.parse(ready.lastTransitionTime)
    : undefined;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** Counted by a ReplicaSet: not being deleted and not finished. */
export function isActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && !isTerminal(pod);
}

/** A pod object from a template, owned by `owner`. */
export function podFromTemplate(
  t: PodTemplateSpec,
  owner: KObject,
  ownerRef: NonNullable<KObject["metadata"]["ownerReferences"]>[number],
  name: { generateName?: string; name?: string },
  extraLabels: Record<string, string> = {},
): Pod {
  const meta = t.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...name,
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}), ...extraLabels },
      ownerReferences: [ownerRef],
    },
    spec: JSON.parse(JSON.stringify(t.spec)),
  };
  if (meta.annotations && Object.keys(meta.annotations).length)
    pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

/** Which of a workload's pods to delete first when scaling down (the least useful first). */
export function deletionOrder(pods: Pod[]): Pod[] {
  const rank = (p: Pod) => [
    p.spec.nodeName ? 1 : 0,
    p.status?.phase === "Pending" ? 0 : p.status?.phase === "Unknown" ? 1 : 2,
    isReady(p) ? 1 : 0,
  ];
  return [...pods].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    // Newer pods go first.
    return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
  });
}

/** Sets a condition (keeping lastTransitionTime when the status is unchanged); returns the list. */
export function setCondition(conds: Condition[] | undefined, next: Condition, nowIso: string): Condition[] {
  const out = [...(conds ?? [])];
  const i = out.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? out[i] : undefined;
  const c: Condition = { ...next };
  c.lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : nowIso;
  if (i >= 0) out[i] = c;
  else out.push(c);
  return out;
}
