import type { ServerGroup } from "../types.js";

export type TargetName = "newest" | "previous" | "oldest";

/** Spinnaker's dynamic target names and their Capstan spellings. */
export function normalizeTarget(target: unknown): TargetName | undefined {
  switch (target ?? "newest") {
    case "newest":
    case "current_asg_dynamic":
    case "current_asg":
      return "newest";
    case "previous":
    case "ancestor_asg_dynamic":
    case "ancestor_asg":
      return "previous";
    case "oldest":
    case "oldest_asg_dynamic":
      return "oldest";
    default:
      return undefined;
  }
}

/** Newest first, by created time (clouddriver's order for dynamic targets). */
export function newestFirst(groups: readonly ServerGroup[]): ServerGroup[] {
  return [...groups].sort((a, b) => b.createdTime - a.createdTime);
}

/**
 * Resolves newest / previous (second newest) / oldest among a cluster's server groups; previous and
 * oldest need at least two, as in clouddriver.
 */
export function resolveTarget(
  cluster: string,
  groups: readonly ServerGroup[],
  target: TargetName,
): { group: ServerGroup } | { error: string } {
  const sorted = newestFirst(groups);
  if (sorted.length === 0) return { error: `cluster ${cluster} has no server groups` };
  if (target === "newest") return { group: sorted[0] };
  if (sorted.length < 2) {
    return {
      error: `cluster ${cluster} has only one server group (${sorted[0].name}), so it has no ${target} one`,
    };
  }
  return { group: target === "previous" ? sorted[1] : sorted[sorted.length - 1] };
}

/** Orca's "active": not disabled, or still has an instance Up. */
export function isActive(group: ServerGroup): boolean {
  return !group.disabled || group.instances.some((i) => i.healthState === "Up");
}

/** Groups an ancestor deploy created, and any newer than them, are left out of cluster-wide operations. */
export function excludeDeployed(
  groups: readonly ServerGroup[],
  deployed: readonly string[],
): { candidates: ServerGroup[]; excludedCount: number } {
  const mine = groups.filter((g) => deployed.includes(g.name));
  if (mine.length === 0) return { candidates: [...groups], excludedCount: 0 };
  const oldestMine = Math.min(...mine.map((g) => g.createdTime));
  const excluded = groups.filter((g) => deployed.includes(g.name) || g.createdTime > oldestMine);
  return { candidates: groups.filter((g) => !excluded.includes(g)), excludedCount: excluded.length };
}

const bySize = (a: ServerGroup, b: ServerGroup) => b.capacity.desired - a.capacity.desired;
const byNew = (a: ServerGroup, b: ServerGroup) => b.createdTime - a.createdTime;

/** disableCluster: the active groups beyond the newest (or largest) `remaining − excluded`. */
export function selectDisableCluster(
  groups: readonly ServerGroup[],
  deployed: readonly string[],
  remaining = 1,
  preferLargerOverNewer = false,
): ServerGroup[] {
  const { candidates, excludedCount } = excludeDeployed(groups, deployed);
  const active = candidates
    .filter(isActive)
    .sort(preferLargerOverNewer ? (a, b) => bySize(a, b) || byNew(a, b) : byNew);
  return active.slice(Math.max(0, remaining - excludedCount));
}

/** scaleDownCluster: groups to resize to 0 beyond the top `remaining − excluded` by (active, size, newest). */
export function selectScaleDownCluster(
  groups: readonly ServerGroup[],
  deployed: readonly string[],
  remaining = 1,
  preferLargerOverNewer = false,
  allowScaleDownActive = false,
): ServerGroup[] {
  const { candidates, excludedCount } = excludeDeployed(groups, deployed);
  const ranked = [...candidates].sort(
    (a, b) =>
      Number(isActive(b)) - Number(isActive(a)) ||
      (preferLargerOverNewer ? bySize(a, b) || byNew(a, b) : byNew(a, b)),
  );
  const rest = ranked.slice(Math.max(0, remaining - excludedCount));
  return rest.filter(
    (g) => (allowScaleDownActive || !isActive(g)) && g.capacity.desired + g.capacity.max > 0,
  );
}

/** shrinkCluster: groups to destroy beyond the newest (or largest) `shrinkToSize − excluded`. */
export function selectShrinkCluster(
  groups: readonly ServerGroup[],
  deployed: readonly string[],
  shrinkToSize = 1,
  allowDeleteActive = false,
  retainLargerOverNewer = false,
): ServerGroup[] {
  const { candidates, excludedCount } = excludeDeployed(groups, deployed);
  const ranked = [...candidates].sort(retainLargerOverNewer ? (a, b) => bySize(a, b) || byNew(a, b) : byNew);
  const rest = ranked.slice(Math.max(0, shrinkToSize - excludedCount));
  return allowDeleteActive ? rest : rest.filter((g) => !isActive(g));
}
