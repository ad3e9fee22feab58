import { describe, expect, it } from "vitest";
import { checkClusterSize } from "../cluster-size.js";
import { providerServices } from "../services.js";
import type { Provider, ServerGroup } from "../types.js";
import {
  excludeDeployed,
  normalizeTarget,
  resolveTarget,
  selectDisableCluster,
  selectScaleDownCluster,
  selectShrinkCluster,
} from "./cluster-ops.js";

function sg(seq: number, opts: { disabled?: boolean; up?: number; desired?: number } = {}): ServerGroup {
  const up = opts.up ?? (opts.disabled ? 0 : 2);
  const desired = opts.desired ?? 2;
  return {
    name: `app-prod-v00${seq}`,
    cluster: "app-prod",
    moniker: { app: "app", stack: "prod", cluster: "app-prod", sequence: seq },
    provider: "local",
    account: "local",
    location: "local",
    createdTime: 1000 + seq,
    capacity: { min: desired, desired, max: desired },
    disabled: opts.disabled ?? false,
    trafficPercentage: opts.disabled ? 0 : 100,
    image: `img:${seq}`,
    instances: Array.from({ length: desired }, (_, i) => ({
      id: `i${seq}-${i}`,
      healthState: i < up ? ("Up" as const) : ("OutOfService" as const),
      launchTime: 0,
    })),
    loadBalancers: [],
    launchConfig: {},
  };
}

const names = (groups: ServerGroup[]) => groups.map((g) => g.name);

describe("cluster operations", () => {
  it("resolves newest, previous and oldest by created time", () => {
    const groups = [sg(1), sg(3), sg(2)];
    expect(resolveTarget("app-prod", groups, "newest")).toMatchObject({ group: { name: "app-prod-v003" } });
    expect(resolveTarget("app-prod", groups, "previous")).toMatchObject({ group: { name: "app-prod-v002" } });
    expect(resolveTarget("app-prod", groups, "oldest")).toMatchObject({ group: { name: "app-prod-v001" } });
    expect(resolveTarget("app-prod", [sg(1)], "previous")).toHaveProperty("error");
    expect(normalizeTarget("ancestor_asg_dynamic")).toBe("previous");
    expect(normalizeTarget(undefined)).toBe("newest");
    expect(normalizeTarget("largest")).toBeUndefined();
  });

  it("excludes the deployed group and anything newer", () => {
    const { candidates, excludedCount } = excludeDeployed([sg(1), sg(2), sg(3)], ["app-prod-v002"]);
    expect(names(candidates)).toEqual(["app-prod-v001"]);
    expect(excludedCount).toBe(2);
  });

  it("red/black cleanup: disables every older active group, keeps maxRemainingAsgs, scales down the inactive", () => {
    const groups = [sg(0, { disabled: true }), sg(1), sg(2)];
    // After deploying v002: remaining 1 minus 1 excluded keeps none of the older active ones.
    expect(names(selectDisableCluster(groups, ["app-prod-v002"], 1))).toEqual(["app-prod-v001"]);
    // maxRemainingAsgs 2 counts the new group: keep v001, destroy the inactive v000.
    expect(names(selectShrinkCluster(groups, ["app-prod-v002"], 2))).toEqual(["app-prod-v000"]);
    // An active group is not destroyed unless allowed.
    expect(names(selectShrinkCluster([sg(0), sg(1), sg(2)], ["app-prod-v002"], 2))).toEqual([]);
    expect(names(selectShrinkCluster([sg(0), sg(1), sg(2)], ["app-prod-v002"], 1, true))).toEqual([
      "app-prod-v001",
      "app-prod-v000",
    ]);
    const afterDisable = [sg(0, { disabled: true }), sg(1, { disabled: true }), sg(2)];
    expect(names(selectScaleDownCluster(afterDisable, ["app-prod-v002"], 1))).toEqual([
      "app-prod-v001",
      "app-prod-v000",
    ]);
    // A disabled group with an instance still Up is active.
    expect(
      names(selectScaleDownCluster([sg(1, { disabled: true, up: 1 }), sg(2)], ["app-prod-v002"], 1)),
    ).toEqual([]);
  });

  it("prefers larger groups over newer ones when asked", () => {
    const groups = [sg(1, { desired: 5 }), sg(2, { desired: 1 })];
    expect(names(selectDisableCluster(groups, [], 1, true))).toEqual(["app-prod-v002"]);
    expect(names(selectDisableCluster(groups, [], 1, false))).toEqual(["app-prod-v001"]);
  });

  it("checks clusterSize preconditions against a provider", async () => {
    const groups = [sg(1, { disabled: true }), sg(2)];
    const provider = {
      provider: "local",
      account: "local",
      listServerGroups: async () => groups,
    } as unknown as Provider;
    const services = providerServices([provider]);
    expect(await checkClusterSize(services, { cluster: "app-prod", expected: 2 })).toMatchObject({
      passed: true,
      actual: 2,
    });
    expect(
      await checkClusterSize(services, { cluster: "app-prod", expected: 2, onlyEnabledServerGroups: true }),
    ).toMatchObject({ passed: false, actual: 1 });
    expect(
      await checkClusterSize(services, { cluster: "app-prod", comparison: ">=", expected: 1 }),
    ).toMatchObject({
      passed: true,
    });
    expect(await checkClusterSize(services, { cluster: "app-prod", comparison: "~" })).toMatchObject({
      passed: false,
    });
    expect(await checkClusterSize(undefined, { cluster: "app-prod" })).toMatchObject({ passed: false });
  });
});
