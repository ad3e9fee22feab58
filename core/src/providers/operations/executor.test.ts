import { describe, expect, it } from "vitest";
import { nextServerGroupName } from "../naming.js";
import type { Capacity, Provider, ServerGroup, ServerGroupSpec } from "../types.js";
import { advancePlan, newPlan, type PlanEnv } from "./executor.js";
import type { Op } from "./ops.js";

// A test double of a provider, in memory: instances are Up as soon as they exist in an enabled group.
class MemoryProvider implements Provider {
  readonly provider = "memory";
  readonly account = "test";
  groups: ServerGroup[] = [];
  private clock = 0;

  private view(g: ServerGroup): ServerGroup {
    const instances = Array.from({ length: g.capacity.desired }, (_, i) => ({
      id: `${g.name}-i${i}`,
      healthState: g.disabled ? ("OutOfService" as const) : ("Up" as const),
      launchTime: 0,
    }));
    return structuredClone({ ...g, instances });
  }
  private find(name: string): ServerGroup {
    const g = this.groups.find((x) => x.name === name);
    if (!g) throw new Error(`no ${name}`);
    return g;
  }
  async listClusters() {
    return [...new Set(this.groups.map((g) => g.cluster))];
  }
  async listServerGroups(cluster: string) {
    return this.groups.filter((g) => g.cluster === cluster).map((g) => this.view(g));
  }
  async getServerGroup(name: string) {
    const g = this.groups.find((x) => x.name === name);
    return g && this.view(g);
  }
  async createServerGroup(spec: ServerGroupSpec) {
    const cluster = `${spec.application}-${spec.stack}`;
    const next = nextServerGroupName(cluster, this.groups);
    if ("error" in next) throw new Error(next.error);
    const g: ServerGroup = {
      name: next.name,
      cluster,
      moniker: { app: spec.application, stack: spec.stack, cluster },
      provider: "memory",
      account: "test",
      location: "here",
      createdTime: ++this.clock,
      capacity: { ...spec.capacity },
      disabled: false,
      trafficPercentage: 100,
      image: spec.image,
      instances: [],
      loadBalancers: [],
      launchConfig: {},
    };
    this.groups.push(g);
    return this.view(g);
  }
  async resizeServerGroup(name: string, capacity: Capacity) {
    this.find(name).capacity = { ...capacity };
    return this.view(this.find(name));
  }
  async enableServerGroup(name: string) {
    Object.assign(this.find(name), { disabled: false, trafficPercentage: 100 });
    return this.view(this.find(name));
  }
  async disableServerGroup(name: string, p = 100) {
    Object.assign(this.find(name), { disabled: p >= 100, trafficPercentage: 100 - p });
    return this.view(this.find(name));
  }
  async destroyServerGroup(name: string) {
    this.groups = this.groups.filter((g) => g.name !== name);
  }
  async cloneServerGroup(source: string, overrides: Partial<ServerGroupSpec>) {
    const s = this.find(source);
    return this.createServerGroup({
      application: "app",
      stack: "prod",
      capacity: s.capacity,
      image: s.image,
      launchConfig: {},
      ...overrides,
    });
  }
  async listLoadBalancers() {
    return [];
  }
  summary() {
    return this.groups.map((g) => `${g.name}:${g.capacity.desired}:${g.disabled ? "off" : "on"}`);
  }
}

const env = (provider: Provider, guards = []): PlanEnv => ({
  provider,
  guards,
  minCapacityRatio: 0,
  now: () => 0,
  log: () => {},
  waitLimitMs: 1000,
});

const spec = (image: string, desired = 2): ServerGroupSpec => ({
  application: "app",
  stack: "prod",
  capacity: { min: desired, desired, max: desired },
  image,
  launchConfig: {},
});

async function run(provider: MemoryProvider, ops: Op[], extra = {}) {
  const plan = newPlan({ cluster: "app-prod" }, ops, extra);
  const result = await advancePlan(plan, env(provider));
  return { plan, result };
}

describe("plan executor", () => {
  it("red/black: disables the older active groups, keeps maxRemainingAsgs, scales down", async () => {
    const p = new MemoryProvider();
    for (const image of ["a", "b"]) await p.createServerGroup(spec(image));
    const { result } = await run(
      p,
      [
        { op: "create", spec: spec("c") },
        { op: "waitHealthy", target: { var: "deployed" }, percent: 100 },
        { op: "cluster.shrink", shrinkToSize: 2, allowDeleteActive: false, retainLargerOverNewer: false },
        { op: "cluster.disable", remaining: 1, preferLargerOverNewer: false },
        { op: "cluster.scaleDown", remaining: 1, preferLargerOverNewer: false, allowScaleDownActive: false },
      ],
      { vars: { source: "app-prod-v001" } },
    );
    expect(result).toEqual({ status: "SUCCEEDED" });
    // v000 was active, so shrink kept it; disableCluster disabled both older ones; scale down zeroed them.
    expect(p.summary()).toEqual(["app-prod-v000:0:off", "app-prod-v001:0:off", "app-prod-v002:2:on"]);
  });

  it("highlander destroys every other group", async () => {
    const p = new MemoryProvider();
    for (const image of ["a", "b"]) await p.createServerGroup(spec(image));
    const { result } = await run(p, [
      { op: "create", spec: spec("c") },
      { op: "cluster.shrink", shrinkToSize: 1, allowDeleteActive: true, retainLargerOverNewer: false },
    ]);
    expect(result).toEqual({ status: "SUCCEEDED" });
    expect(p.summary()).toEqual(["app-prod-v002:2:on"]);
  });

  it("rolls back on failure before the cleanup steps and reports the failure", async () => {
    const p = new MemoryProvider();
    await p.createServerGroup(spec("a"));
    const { result } = await run(
      p,
      [
        { op: "create", spec: spec("b") },
        {
          op: "resizeTo",
          target: { name: "missing" },
          capacity: { min: 1, desired: 1, max: 1 },
          guard: false,
        },
      ],
      {
        vars: { source: "app-prod-v000" },
        onFailure: [{ op: "rollbackDeploy", mode: "disableOnly", destroyLatest: true }],
        rollbackUntil: 2,
      },
    );
    expect(result).toEqual({
      status: "TERMINAL",
      error: "server group missing does not exist (rolled back)",
    });
    expect(p.summary()).toEqual(["app-prod-v000:2:on"]);
  });

  it("rolls a cluster back to the previous group, grown to the newest one's size", async () => {
    const p = new MemoryProvider();
    await p.createServerGroup(spec("a", 1));
    await p.createServerGroup(spec("b", 3));
    await p.disableServerGroup("app-prod-v000");
    const { result } = await run(p, [{ op: "cluster.rollback", percent: 100 }]);
    expect(result).toEqual({ status: "SUCCEEDED" });
    expect(p.summary()).toEqual(["app-prod-v000:3:on", "app-prod-v001:3:off"]);
  });

  it("rolling red/black grows in steps and takes the same share of traffic off the source", async () => {
    const p = new MemoryProvider();
    await p.createServerGroup(spec("a", 4));
    const seen: string[] = [];
    const plan = newPlan(
      { cluster: "app-prod" },
      [
        { op: "create", spec: spec("b", 0) },
        { op: "pinSource" },
        { op: "growTo", percent: 50, pin: true },
        { op: "disable", target: { var: "source" }, percent: 50 },
        { op: "growTo", percent: 100, pin: false },
        { op: "disable", target: { var: "source" }, percent: 100 },
        { op: "restoreSource" },
      ],
      { vars: { source: "app-prod-v000" } },
    );
    const e = env(p);
    e.log = (t) => seen.push(t);
    expect(await advancePlan(plan, e)).toEqual({ status: "SUCCEEDED" });
    expect(seen.filter((l) => l.startsWith("grew") || l.startsWith("disabled"))).toEqual([
      "grew to 50% of desired: app-prod-v001: 0/0/0 -> 2/2/2",
      "disabled 50% of traffic on app-prod-v000",
      "grew to 100% of desired: app-prod-v001: 2/2/2 -> 4/4/4",
      "disabled app-prod-v000",
    ]);
    expect(p.summary()).toEqual(["app-prod-v000:4:off", "app-prod-v001:4:on"]);
  });

  it("waitHealthy rounds the instances a percentage needs to nearest (91% of 10 is 9), as Orca", async () => {
    // One instance of every group never comes up.
    class OneDown extends MemoryProvider {
      async getServerGroup(name: string) {
        const g = await super.getServerGroup(name);
        if (g?.instances[0]) g.instances[0].healthState = "Starting";
        return g;
      }
    }
    const p = new OneDown();
    await p.createServerGroup(spec("a", 10));
    const ok = await run(p, [{ op: "waitHealthy", target: { name: "app-prod-v000" }, percent: 91 }]);
    expect(ok.result).toEqual({ status: "SUCCEEDED" });
    const waiting = await run(p, [{ op: "waitHealthy", target: { name: "app-prod-v000" }, percent: 95 }]);
    expect(waiting.result).not.toEqual({ status: "SUCCEEDED" });
  });
});
