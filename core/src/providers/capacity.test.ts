import { describe, expect, it } from "vitest";
import { requiredHealthy, resizeCapacity, scaleExact, scaleRelative, scaleToCluster } from "./capacity.js";

const cap = (min: number, desired: number, max: number) => ({ min, desired, max });

describe("Orca resize arithmetic", () => {
  it("reproduces the seed's rolling blue/green sizes", () => {
    // blue1: v000 10 scaled down 20% -> 8; rblue1: 8 up 25% -> 10; rgreen2: 2 down 100% -> 0;
    // green2: 2 up 400% -> 10; blue2: 8 down 100% -> 0.
    expect(scaleRelative(cap(10, 10, 10), "scaleDown", { percent: 20 })).toEqual(cap(8, 8, 8));
    expect(scaleRelative(cap(8, 8, 8), "scaleUp", { percent: 25 })).toEqual(cap(10, 10, 10));
    expect(scaleRelative(cap(2, 2, 2), "scaleDown", { percent: 100 })).toEqual(cap(0, 0, 0));
    expect(scaleRelative(cap(2, 2, 2), "scaleUp", { percent: 400 })).toEqual(cap(10, 10, 10));
    expect(scaleRelative(cap(8, 8, 8), "scaleDown", { percent: 100 })).toEqual(cap(0, 0, 0));
  });

  it("takes the ceiling of the delta, not of the result", () => {
    // 3 × 50% = 1.5 -> delta 2: down gives 1 (a ceil of the result would give 2).
    expect(scaleRelative(cap(3, 3, 3), "scaleDown", { percent: 50 })).toEqual(cap(1, 1, 1));
    expect(scaleRelative(cap(3, 3, 3), "scaleUp", { percent: 50 })).toEqual(cap(5, 5, 5));
    expect(scaleRelative(cap(1, 5, 9), "scaleDown", { percent: 10 })).toEqual(cap(0, 4, 8));
  });

  it("scales by amount, never below zero, and leaves capacity alone with neither", () => {
    expect(scaleRelative(cap(10, 10, 10), "scaleDown", { amount: 5 })).toEqual(cap(5, 5, 5));
    expect(scaleRelative(cap(2, 3, 4), "scaleDown", { amount: 5 })).toEqual(cap(0, 0, 0));
    expect(scaleRelative(cap(2, 3, 4), "scaleUp", {})).toEqual(cap(2, 3, 4));
  });

  it("merges scaleExact capacity with the current one", () => {
    expect(scaleExact(cap(2, 4, 6), { desired: 5 })).toEqual(cap(2, 5, 6));
    expect(scaleExact(cap(2, 4, 6), { min: 8 })).toEqual(cap(8, 8, 8));
    expect(scaleExact(cap(2, 4, 6), { max: 1 })).toEqual(cap(1, 1, 1));
    expect(scaleExact(cap(2, 4, 6), { min: 3, desired: 3, max: 3 })).toEqual(cap(3, 3, 3));
    // A percentage applies to desired only, widening the bounds to contain it.
    expect(scaleExact(cap(10, 10, 10), {}, { percent: 50, pinCapacity: true })).toEqual(cap(5, 5, 5));
    expect(scaleExact(cap(10, 10, 10), {}, { percent: 50 })).toEqual(cap(5, 5, 10));
    expect(scaleExact(cap(0, 0, 0), { desired: 4, max: 4, min: 0 }, { percent: 50 })).toEqual(cap(0, 2, 4));
    expect(scaleExact(cap(1, 3, 5), {}, { pinMinimumCapacity: true })).toEqual(cap(3, 3, 5));
    expect(scaleExact(cap(3, 3, 5), {}, { unpinMinimumCapacity: true }, cap(1, 3, 5))).toEqual(cap(1, 3, 5));
  });

  it("scales to the cluster's largest server group, capped by its max", () => {
    expect(scaleToCluster([cap(1, 2, 10), cap(3, 5, 6)], {})).toEqual(cap(3, 5, 10));
    expect(scaleToCluster([cap(1, 2, 10), cap(3, 5, 6)], { percent: 50 })).toEqual(cap(3, 8, 10));
    expect(scaleToCluster([cap(1, 2, 10), cap(3, 5, 6)], { amount: 20 })).toEqual(cap(3, 10, 10));
    expect(resizeCapacity({ action: "scaleToCluster" }, cap(0, 0, 0), [cap(4, 4, 4)])).toEqual(cap(4, 4, 4));
  });

  it("defaults to scaleExact", () => {
    expect(resizeCapacity({ action: "scaleExact", capacity: { desired: 1 } }, cap(0, 3, 3), [])).toEqual(
      cap(0, 1, 3),
    );
    expect(requiredHealthy(10)).toBe(10);
    expect(requiredHealthy(3, 50)).toBe(2);
    expect(requiredHealthy(0, 100)).toBe(0);
  });

  it("rounds the healthy instances a percentage needs to nearest, as Orca's Math.round", () => {
    // 91% of 10 is 9.1: Orca waits for 9, not 10; a half rounds up.
    expect(requiredHealthy(10, 91)).toBe(9);
    expect(requiredHealthy(10, 95)).toBe(10);
    expect(requiredHealthy(10, 94)).toBe(9);
    expect(requiredHealthy(3, 50)).toBe(2);
    expect(requiredHealthy(7, 10)).toBe(1);
    expect(requiredHealthy(4, 10)).toBe(0);
  });
});
