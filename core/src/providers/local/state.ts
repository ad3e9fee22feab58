import { clusterName as makeClusterName, nextServerGroupName, parseName } from "../naming.js";
import type { Capacity, ServerGroupSpec } from "../types.js";
import type { LocalLaunchConfig } from "./protocol.js";

/** One instance as persisted: enough to re-adopt its process after a supervisor restart. */
export interface InstanceState {
  id: string;
  port: number;
  pid?: number;
  launchTime: number;
  restarts: number;
}

export interface ServerGroupState {
  name: string;
  cluster: string;
  createdTime: number;
  capacity: Capacity;
  image: string;
  launchConfig: LocalLaunchConfig;
  /** 0 = takes all traffic, 100 = disabled. */
  disabledPercentage: number;
  instances: InstanceState[];
  /** Next instance number (instance ids are `<server group>-i<n>`). */
  nextInstance: number;
  token?: string;
  /** Being destroyed: its instances are drained and stopped, then it is removed. */
  destroying?: boolean;
}

export interface ClusterState {
  name: string;
  /** Load balancer port, kept across supervisor restarts so the address stays the same. */
  port: number;
  serverGroups: ServerGroupState[];
}

/** Everything the supervisor persists under `.capstan/local/state.json`. */
export interface LocalState {
  version: 1;
  clusters: ClusterState[];
}

export const emptyState = (): LocalState => ({ version: 1, clusters: [] });

/** Finds a server group by name. */
export function findGroup(state: LocalState, name: string): ServerGroupState | undefined {
  for (const c of state.clusters) {
    const g = c.serverGroups.find((s) => s.name === name);
    if (g) return g;
  }
  return undefined;
}

/** Checks a capacity: integers, 0 <= min <= desired <= max. */
export function capacityProblem(c: Capacity): string | undefined {
  const values = [c.min, c.desired, c.max];
  if (values.some((v) => !Number.isInteger(v) || v < 0))
    return `capacity must be whole numbers >= 0, got ${JSON.stringify(c)}`;
  if (c.min > c.desired || c.desired > c.max)
    return `capacity needs min <= desired <= max, got ${JSON.stringify(c)}`;
  return undefined;
}

/**
 * Adds the next server group of the spec's cluster to the state (mutating it); a spec with a token
 * already used returns the group created then.
 */
export function addServerGroup(
  state: LocalState,
  spec: ServerGroupSpec,
  launchConfig: LocalLaunchConfig,
  now: number,
  newPort: () => number,
): { group: ServerGroupState; created: boolean } | { error: string } {
  if (spec.token) {
    for (const c of state.clusters) {
      const same = c.serverGroups.find((g) => g.token === spec.token);
      if (same) return { group: same, created: false };
    }
  }
  const problem = capacityProblem(spec.capacity);
  if (problem) return { error: problem };
  const clusterName = makeClusterName(spec.application, spec.stack, spec.detail);
  const moniker = parseName(clusterName);
  if (!moniker) return { error: `'${clusterName}' is not a valid cluster name` };
  let cluster = state.clusters.find((c) => c.name === clusterName);
  if (!cluster) {
    cluster = { name: clusterName, port: newPort(), serverGroups: [] };
    state.clusters.push(cluster);
  }
  const next = nextServerGroupName(clusterName, cluster.serverGroups);
  if ("error" in next) return next;
  // Created times must order groups even when two are created in the same millisecond.
  const newest = Math.max(0, ...cluster.serverGroups.map((g) => g.createdTime));
  const group: ServerGroupState = {
    name: next.name,
    cluster: clusterName,
    createdTime: Math.max(now, newest + 1),
    capacity: { ...spec.capacity },
    image: spec.image,
    launchConfig,
    disabledPercentage: spec.disabled ? 100 : 0,
    instances: [],
    nextInstance: 0,
    token: spec.token,
  };
  cluster.serverGroups.push(group);
  return { group, created: true };
}

/** Removes a server group from the state. */
export function removeGroup(state: LocalState, name: string): void {
  for (const c of state.clusters) c.serverGroups = c.serverGroups.filter((g) => g.name !== name);
}

/** Reads a persisted state, tolerating a missing or damaged file (returns an empty one and why). */
export function parseState(text: string | undefined): { state: LocalState; warning?: string } {
  if (text === undefined) return { state: emptyState() };
  try {
    const data = JSON.parse(text) as LocalState;
    if (data && data.version === 1 && Array.isArray(data.clusters)) return { state: data };
    return { state: emptyState(), warning: "state file has an unknown format; starting empty" };
  } catch (error) {
    return {
      state: emptyState(),
      warning: `state file is not JSON (${(error as Error).message}); starting empty`,
    };
  }
}
