import { describe, expect, it } from "vitest";
import { GUARDED_OPERATIONS, guardApplies, verifyTrafficRemoval } from "./traffic-guards.js";
import type { HealthState, ServerGroup } from "./types.js";

function group(name: string, up: number, other = 0, otherState: HealthState = "OutOfService"): ServerGroup {
  const instances = [
    ...Array.from({ length: up }, (_, i) => ({
      id: `${name}-${i}`,
      healthState: "Up" as const,
      launchTime: 0,
    })),
    ...Array.from({ length: other }, (_, i) => ({
      id: `${name}-o${i}`,
      healthState: otherState,
      launchTime: 0,
    })),
  ];
  const size = up + other;
  return {
    name,
    cluster: name.replace(/-v\d{3}$/, ""),
    moniker: { app: "app", stack: "foo", cluster: "app-foo" },
    provider: "local",
    account: "local",
    location: "local",
    createdTime: 0,
    capacity: { min: size, desired: size, max: size },
    disabled: up === 0,
    trafficPercentage: up === 0 ? 0 : 100,
    image: "x",
    instances,
    loadBalancers: [],
    launchConfig: {},
  };
}

const removal = (groups: ServerGroup[], goingAway: string[]) => ({
  cluster: "app-foo",
  account: "local",
  location: "local",
  serverGroups: groups,
  goingAway,
  operation: GUARDED_OPERATIONS.disable,
});

describe("traffic guards", () => {
  it("matches account/location exactly or by *, stack/detail exactly, by * or both empty", () => {
    expect(guardApplies({ account: "local", location: "*", stack: "foo" }, "app-foo", "local", "local")).toBe(
      true,
    );
    expect(guardApplies({ account: "other", stack: "foo" }, "app-foo", "local", "local")).toBe(false);
    expect(guardApplies({ stack: "bar" }, "app-foo", "local", "local")).toBe(false);
    expect(guardApplies({}, "app", "local", "local")).toBe(true);
    expect(guardApplies({}, "app-foo", "local", "local")).toBe(false);
    expect(guardApplies({ stack: "*" }, "app-foo-canary", "local", "local")).toBe(false);
    expect(guardApplies({ stack: "*", detail: "*" }, "app-foo-canary", "local", "local")).toBe(true);
    expect(guardApplies({ stack: "foo", detail: "canary" }, "app-foo-canary", "local", "local")).toBe(true);
    expect(guardApplies({ stack: "foo", enabled: false }, "app-foo", "local", "local")).toBe(false);
    expect(guardApplies({ cluster: "app-foo" }, "app-foo", "local", "local")).toBe(true);
    expect(guardApplies({ cluster: "app-bar" }, "app-foo", "local", "local")).toBe(false);
    expect(guardApplies({ application: "other", stack: "foo" }, "app-foo", "local", "local")).toBe(false);
  });

  it("fails with Orca's message when no instance would be left up", () => {
    const result = verifyTrafficRemoval(
      removal([group("app-foo-v000", 3), group("app-foo-v001", 0, 2)], ["app-foo-v000"]),
      [{ stack: "foo" }],
    );
    expect(result).toEqual({
      ok: false,
      error:
        "This cluster ('app-foo' in local/local) has traffic guards enabled. Disabling [app-foo-v000] would leave the cluster with no instances up.",
    });
  });

  it("allows it when another group keeps instances up, when unguarded, or when nothing is up", () => {
    const groups = [group("app-foo-v000", 3), group("app-foo-v001", 2)];
    expect(verifyTrafficRemoval(removal(groups, ["app-foo-v000"]), [{ stack: "foo" }])).toEqual({ ok: true });
    expect(verifyTrafficRemoval(removal([group("app-foo-v000", 3)], ["app-foo-v000"]), [])).toEqual({
      ok: true,
    });
    expect(
      verifyTrafficRemoval(removal([group("app-foo-v000", 0, 3, "Down")], ["app-foo-v000"]), [
        { stack: "foo" },
      ]),
    ).toEqual({
      ok: true,
    });
  });

  it("applies a minimum ratio with the detailed message", () => {
    const groups = [group("app-foo-v000", 3), group("app-foo-v001", 1)];
    const result = verifyTrafficRemoval(removal(groups, ["app-foo-v000"]), [{ stack: "foo" }], 0.4);
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.error).toContain(
      "would leave the cluster with 1 instance up (25.0% of 4 instances currently up). The configured minimum is 40.0%.",
    );
  });

  it("lets several pinned groups of one size go while an instance stays up", () => {
    const groups = [group("app-foo-v000", 3), group("app-foo-v001", 3), group("app-foo-v002", 1)];
    expect(
      verifyTrafficRemoval(removal(groups, ["app-foo-v000", "app-foo-v001"]), [{ stack: "foo" }], 0.4),
    ).toEqual({
      ok: true,
    });
    const none = [group("app-foo-v000", 3), group("app-foo-v001", 3), group("app-foo-v002", 0)];
    expect(
      verifyTrafficRemoval(removal(none, ["app-foo-v000", "app-foo-v001"]), [{ stack: "foo" }]),
    ).toMatchObject({
      ok: false,
    });
  });
});
