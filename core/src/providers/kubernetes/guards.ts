import type { TrafficGuard } from "../traffic-guards.js";
import { type KubeObject, monikerOf, nameOf } from "./manifest.js";

const matches = (pattern: string | undefined, value: string) =>
  pattern === undefined || pattern === "*" || pattern === value;

/** True when a guard protects a manifest cluster (`replicaSet web`) of that application, account and namespace. */
export function guardsManifestCluster(
  guard: TrafficGuard,
  cluster: { app: string; cluster: string },
  account: string,
  namespace: string,
): boolean {
  if (guard.enabled === false) return false;
  if (guard.provider !== undefined && guard.provider !== "kubernetes") return false;
  if (!matches(guard.account, account) || !matches(guard.location, namespace)) return false;
  if (guard.cluster !== undefined) return matches(guard.cluster, cluster.cluster);
  return matches(guard.application, cluster.app);
}

const ready = (o: KubeObject): number => {
  const r = (o.status as { readyReplicas?: unknown } | undefined)?.readyReplicas;
  return typeof r === "number" ? r : 0;
};

/**
 * Orca's traffic guard for manifests: taking `goingAway` out of service must leave the guarded
 * cluster some ready replica that takes traffic (`enabled` says which ones do). Returns the error.
 */
export function checkManifestGuard(
  guards: readonly TrafficGuard[],
  operation: string,
  account: string,
  namespace: string,
  cluster: readonly KubeObject[],
  goingAway: readonly string[],
  enabled: (o: KubeObject) => boolean,
): string | undefined {
  if (cluster.length === 0) return undefined;
  const m = monikerOf(cluster[0]);
  if (!guards.some((g) => guardsManifestCluster(g, m, account, namespace))) return undefined;
  const serving = cluster.filter((o) => enabled(o) && ready(o) > 0);
  if (serving.length === 0) return undefined;
  const left = serving.filter((o) => !goingAway.includes(nameOf(o)));
  if (left.length > 0) return undefined;
  return `This cluster ('${m.cluster}' in ${account}/${namespace}) has traffic guards enabled. ${operation} [${goingAway.join(",")}] would leave the cluster with no instances up.`;
}
