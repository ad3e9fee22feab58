import type { Moniker } from "./types.js";

// Frigga's grammar: app and stack use [a-zA-Z0-9._] (no hyphen), detail may hold hyphens, and the
// push suffix is `v` followed by exactly three digits.
const NAME_CHARS = "a-zA-Z0-9._";
const PUSH = /^(.*)-v([0-9]{3})$/;
const CLUSTER = new RegExp(`^([${NAME_CHARS}]+)(?:-([${NAME_CHARS}]*)(?:-([${NAME_CHARS}~^-]*))?)?$`);

/** Cluster name from its parts: `app`, `app-stack`, `app--detail`, `app-stack-detail`. */
export function clusterName(app: string, stack?: string, detail?: string): string {
  if (detail) return `${app}-${stack ?? ""}-${detail}`;
  if (stack) return `${app}-${stack}`;
  return app;
}

/** Server group name: cluster plus `-vNNN`. */
export function serverGroupName(cluster: string, sequence: number): string {
  return `${cluster}-v${String(sequence).padStart(3, "0")}`;
}

/** Splits a server group or cluster name into Frigga's parts; undefined if it is not a valid name. */
export function parseName(name: string): Moniker | undefined {
  const push = PUSH.exec(name);
  const cluster = push ? push[1] : name;
  const parts = CLUSTER.exec(cluster);
  if (!parts) return undefined;
  const moniker: Moniker = { app: parts[1], cluster };
  if (parts[2]) moniker.stack = parts[2];
  if (parts[3]) moniker.detail = parts[3];
  if (push) moniker.sequence = Number(push[2]);
  return moniker;
}

/**
 * The next server group name of a cluster (Frigga/clouddriver): the newest group's sequence + 1 mod 1000,
 * skipping taken ones; `v000` for an empty cluster. Returns an error when all 1000 are taken.
 */
export function nextServerGroupName(
  cluster: string,
  existing: readonly { name: string; createdTime: number }[],
): { name: string } | { error: string } {
  const taken = new Set<number>();
  let newest: { sequence?: number; createdTime: number } | undefined;
  for (const group of existing) {
    const moniker = parseName(group.name);
    if (!moniker || moniker.cluster !== cluster) continue;
    if (moniker.sequence !== undefined) taken.add(moniker.sequence);
    if (!newest || group.createdTime > newest.createdTime) {
      newest = { sequence: moniker.sequence, createdTime: group.createdTime };
    }
  }
  if (!newest) return { name: serverGroupName(cluster, 0) };
  let next = ((newest.sequence ?? 0) + 1) % 1000;
  for (let tries = 0; tries < 1000; tries++) {
    if (!taken.has(next)) return { name: serverGroupName(cluster, next) };
    next = (next + 1) % 1000;
  }
  return { error: `cluster ${cluster} has no free server group sequence: all 1000 (v000-v999) are taken` };
}

/** Checks the parts of a cluster name; returns a message per problem. */
export function checkClusterParts(app: string, stack?: string, detail?: string): string[] {
  const problems: string[] = [];
  const plain = new RegExp(`^[${NAME_CHARS}]+$`);
  if (!plain.test(app)) problems.push(`application '${app}' may only contain letters, digits, '.' and '_'`);
  if (stack && !plain.test(stack))
    problems.push(`stack '${stack}' may only contain letters, digits, '.' and '_'`);
  if (detail && !/^[a-zA-Z0-9._~^-]+$/.test(detail)) {
    problems.push(`detail '${detail}' may only contain letters, digits, '.', '_', '~', '^' and '-'`);
  }
  return problems;
}
