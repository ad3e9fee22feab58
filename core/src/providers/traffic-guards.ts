import { parseName } from "./naming.js";
import type { ServerGroup } from "./types.js";

/** One entry of `trafficGuards` in `.capstan/application.yml` (Spinnaker's application traffic guard). */
export interface TrafficGuard {
  provider?: string;
  /** A cluster name (exact, or `*`); when given, application/stack/detail are not looked at. */
  cluster?: string;
  /** Application of the cluster (exact or `*`); absent = any (the loader fills in the application's name). */
  application?: string;
  account?: string;
  location?: string;
  stack?: string;
  detail?: string;
  /** Default true. */
  enabled?: boolean;
}

/** Orca's operation descriptors, which start the second sentence of the message. */
export const GUARDED_OPERATIONS = {
  disable: "Disabling",
  destroy: "Destroying",
  resizeToZero: "Removal of all instances in",
  disableCluster: "Running disableServerGroup on",
  scaleDownCluster: "Running resizeServerGroup on",
  shrinkCluster: "Running destroyServerGroup on",
} as const;

const matchesExactOrAny = (pattern: string | undefined, value: string): boolean =>
  pattern === "*" || (pattern ?? "") === value;

// Stack and detail: exact, `*`, or both empty (an empty guard stack only covers clusters without stack).
const matchesPart = (pattern: string | undefined, value: string | undefined): boolean =>
  pattern === "*" || (pattern ?? "") === (value ?? "");

/** True when the guard protects a cluster of that account and location. */
export function guardApplies(
  guard: TrafficGuard,
  cluster: string,
  account: string,
  location: string,
): boolean {
  if (guard.enabled === false) return false;
  const moniker = parseName(cluster);
  if (!moniker) return false;
  if (
    !matchesExactOrAny(guard.account ?? "*", account) ||
    !matchesExactOrAny(guard.location ?? "*", location)
  ) {
    return false;
  }
  if (guard.cluster !== undefined) return matchesExactOrAny(guard.cluster, cluster);
  return (
    matchesExactOrAny(guard.application ?? "*", moniker.app) &&
    matchesPart(guard.stack, moniker.stack) &&
    matchesPart(guard.detail, moniker.detail)
  );
}

/** What an operation would take away from a cluster. */
export interface TrafficRemoval {
  cluster: string;
  account: string;
  location: string;
  /** Every server group of the cluster in that location, as they are now. */
  serverGroups: readonly ServerGroup[];
  /** Names of the server groups whose instances stop taking traffic. */
  goingAway: readonly string[];
  /** One of GUARDED_OPERATIONS. */
  operation: string;
}

const upCount = (group: ServerGroup): number => group.instances.filter((i) => i.healthState === "Up").length;

const pinned = (group: ServerGroup): boolean =>
  group.capacity.min === group.capacity.max && group.capacity.desired === group.capacity.max;

/**
 * Orca's traffic guard check: fails (returns the message) when a guarded cluster would be left with a
 * share of its Up instances at or below `minCapacityRatio` (default 0: no instance up). A cluster with no
 * Up instance has nothing to protect.
 */
export function verifyTrafficRemoval(
  removal: TrafficRemoval,
  guards: readonly TrafficGuard[],
  minCapacityRatio = 0,
): { ok: true } | { ok: false; error: string } {
  if (!guards.some((g) => guardApplies(g, removal.cluster, removal.account, removal.location)))
    return { ok: true };
  const current = removal.serverGroups.reduce((sum, g) => sum + upCount(g), 0);
  if (current === 0) return { ok: true };
  const leaving = removal.serverGroups.filter((g) => removal.goingAway.includes(g.name));
  const future = current - leaving.reduce((sum, g) => sum + upCount(g), 0);
  // Several pinned groups of one size going away at once (a rolling push) are let through while any
  // instance stays up, as Orca does.
  if (
    leaving.length > 1 &&
    future > 0 &&
    leaving.every(pinned) &&
    leaving.every((g) => g.capacity.desired === leaving[0].capacity.desired)
  ) {
    return { ok: true };
  }
  const ratio = future / current;
  if (ratio > minCapacityRatio) return { ok: true };
  const head = `This cluster ('${removal.cluster}' in ${removal.account}/${removal.location}) has traffic guards enabled. ${removal.operation} [${removal.goingAway.join(",")}] would leave the cluster `;
  if (future === 0) return { ok: false, error: `${head}with no instances up.` };
  const withInstances = future === 1 ? "with 1 instance up " : `with ${future} instances up `;
  return {
    ok: false,
    error: `${head}${withInstances}(${(ratio * 100).toFixed(1)}% of ${current} instances currently up). The configured minimum is ${(minCapacityRatio * 100).toFixed(1)}%.`,
  };
}
