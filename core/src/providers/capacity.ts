import type { Capacity } from "./types.js";

/** How a resize stage changes one server group (Orca's ResizeStrategy inputs). */
export interface ResizeSpec {
  action: "scaleUp" | "scaleDown" | "scaleToCluster" | "scaleExact";
  /** Spinnaker's scalePct. */
  percent?: number;
  /** Spinnaker's scaleNum. */
  amount?: number;
  /** scaleExact: the configured capacity; missing fields keep their current value. */
  capacity?: Partial<Capacity>;
  pinCapacity?: boolean;
  pinMinimumCapacity?: boolean;
  unpinMinimumCapacity?: boolean;
}

/**
 * scaleUp / scaleDown: with a percentage, each of min/desired/max moves by ceil(value × pct / 100)
 * (the ceiling is taken on the delta, the sign from the action); with an amount, by that amount.
 * Never below zero. Neither given: unchanged.
 */
export function scaleRelative(
  current: Capacity,
  action: "scaleUp" | "scaleDown",
  by: { percent?: number; amount?: number },
): Capacity {
  const sign = action === "scaleUp" ? 1 : -1;
  const delta = (value: number): number => {
    if (by.percent !== undefined) return Math.ceil((value * by.percent) / 100);
    if (by.amount !== undefined) return by.amount;
    return 0;
  };
  const move = (value: number) => Math.max(0, value + sign * delta(value));
  return { min: move(current.min), desired: move(current.desired), max: move(current.max) };
}

/**
 * scaleExact: merges the configured capacity with the current one as Orca does, then applies an
 * optional percentage to desired only, then the pin rules. `original` is the capacity saved before an
 * earlier pin (for unpinMinimumCapacity).
 */
export function scaleExact(
  current: Capacity,
  configured: Partial<Capacity>,
  options: Pick<ResizeSpec, "percent" | "pinCapacity" | "pinMinimumCapacity" | "unpinMinimumCapacity"> = {},
  original?: Capacity,
): Capacity {
  let min = configured.min ?? current.min;
  let max: number;
  if (configured.max !== undefined) {
    max = configured.max;
    min = Math.min(min, max);
  } else {
    max = Math.max(min, current.max);
  }
  let desired = configured.desired ?? Math.min(Math.max(current.desired, min), max);
  if (options.percent !== undefined) {
    desired = Math.ceil((desired * options.percent) / 100);
    max = Math.max(max, desired);
    min = Math.min(min, desired);
  }
  if (options.pinCapacity) {
    min = desired;
    max = desired;
  } else if (options.pinMinimumCapacity) {
    min = desired;
  } else if (options.unpinMinimumCapacity && original && original.min < min) {
    // Restore the saved minimum only if it is lower: unpinning never raises the floor.
    min = original.min;
  }
  return { min, desired, max };
}

/**
 * scaleToCluster: the element-wise largest capacity among the cluster's server groups, plus an
 * increment (ceil of desired × |pct| / 100, or |amount|); desired never exceeds that max.
 */
export function scaleToCluster(
  groups: readonly Capacity[],
  by: { percent?: number; amount?: number },
): Capacity {
  let min = 0;
  let desired = 0;
  let max = 0;
  for (const c of groups) {
    min = Math.max(min, c.min);
    desired = Math.max(desired, c.desired);
    max = Math.max(max, c.max);
  }
  let increment = 0;
  if (by.percent !== undefined) increment = Math.ceil((desired * Math.abs(by.percent)) / 100);
  else if (by.amount !== undefined) increment = Math.abs(by.amount);
  const newMax = Math.max(max, min);
  const newMin = Math.min(max, min);
  return { min: newMin, desired: Math.min(Math.max(newMin, desired) + increment, newMax), max: newMax };
}

/** The capacity a resize stage asks for, given the target's current capacity and its cluster's groups. */
export function resizeCapacity(
  spec: ResizeSpec,
  current: Capacity,
  clusterGroups: readonly Capacity[],
  original?: Capacity,
): Capacity {
  switch (spec.action) {
    case "scaleUp":
    case "scaleDown":
      return scaleRelative(current, spec.action, spec);
    case "scaleToCluster":
      return scaleToCluster(clusterGroups, spec);
    default:
      return scaleExact(current, spec.capacity ?? {}, spec, original);
  }
}

/**
 * Instances that must be up for a server group of `desired` instances at `percent` healthy:
 * rounded to nearest, a half up, as Orca's `Math.round(percent * desired / 100)` in
 * WaitForUpInstancesTask (91% of 10 needs 9, 95% of 10 needs 10).
 */
export function requiredHealthy(desired: number, percent = 100): number {
  return Math.round((desired * percent) / 100);
}
