// A provider in memory for stage scenario tests (not part of the build: testdata/ is excluded).
import { nextServerGroupName } from "../naming.js";
import type { Capacity, Provider, ServerGroup, ServerGroupSpec } from "../types.js";

/**
 * Server groups held in memory. Instances of an enabled group are Up, except for images listed in
 * `unhealthy` (Starting, as if their health check never passed); every call is listed in `calls`.
 */
export class MemoryProvider implements Provider {
  readonly provider = "memory";
  readonly account = "test";
  groups: ServerGroup[] = [];
  unhealthy = new Set<string>();
  calls: string[] = [];
  private created = 0;

  private view(g: ServerGroup): ServerGroup {
    const state = g.disabled ? "OutOfService" : !this.unhealthy.has(g.image) ? "Up" : "Starting";
    const instances = Array.from({ length: g.capacity.desired }, (_, i) => ({
      id: `${g.name}-i${i}`,
      healthState: state as "Up" | "OutOfService" | "Starting",
      launchTime: 0,
    }));
    return structuredClone({ ...g, instances });
  }
  private find(name: string): ServerGroup {
    const g = this.groups.find((x) => x.name === name);
    if (!g) throw new Error(`no server group ${name}`);
    return g;
  }
  async listClusters() {
    this.calls.push("listClusters");
    return [...new Set(this.groups.map((g) => g.cluster))];
  }
  async listServerGroups(cluster: string) {
    this.calls.push(`listServerGroups ${cluster}`);
    return this.groups.filter((g) => g.cluster === cluster).map((g) => this.view(g));
  }
  async getServerGroup(name: string) {
    this.calls.push(`getServerGroup ${name}`);
    const g = this.groups.find((x) => x.name === name);
    return g && this.view(g);
  }
  async createServerGroup(spec: ServerGroupSpec) {
    this.calls.push(`create ${spec.image}`);
    const cluster = [spec.application, spec.stack, spec.detail].filter(Boolean).join("-");
    const next = nextServerGroupName(cluster, this.groups);
    if ("error" in next) throw new Error(next.error);
    const g: ServerGroup = {
      name: next.name,
      cluster,
      moniker: { app: spec.application, stack: spec.stack, detail: spec.detail, cluster },
      provider: this.provider,
      account: this.account,
      location: "here",
      createdTime: ++this.created,
      capacity: { ...spec.capacity },
      disabled: spec.disabled ?? false,
      trafficPercentage: spec.disabled ? 0 : 100,
      image: spec.image,
      instances: [],
      loadBalancers: [],
      launchConfig: spec.launchConfig,
    };
    this.groups.push(g);
    return this.view(g);
  }
  async resizeServerGroup(name: string, capacity: Capacity) {
    this.calls.push(`resize ${name} ${capacity.min}/${capacity.desired}/${capacity.max}`);
    this.find(name).capacity = { ...capacity };
    return this.view(this.find(name));
  }
  async enableServerGroup(name: string) {
    this.calls.push(`enable ${name}`);
    Object.assign(this.find(name), { disabled: false, trafficPercentage: 100 });
    return this.view(this.find(name));
  }
  async disableServerGroup(name: string, percent = 100) {
    this.calls.push(`disable ${name} ${percent}`);
    Object.assign(this.find(name), { disabled: percent >= 100, trafficPercentage: 100 - percent });
    return this.view(this.find(name));
  }
  async destroyServerGroup(name: string) {
    this.calls.push(`destroy ${name}`);
    this.groups = this.groups.filter((g) => g.name !== name);
  }
  async cloneServerGroup(source: string, overrides: Partial<ServerGroupSpec>) {
    const s = this.find(source);
    return this.createServerGroup({
      application: s.moniker.app,
      stack: s.moniker.stack,
      detail: s.moniker.detail,
      capacity: s.capacity,
      image: s.image,
      launchConfig: s.launchConfig,
      ...overrides,
    });
  }
  async listLoadBalancers() {
    return [];
  }
  /** `name:desired:min:on|off` of every group, oldest first. */
  summary(): string[] {
    return this.groups.map(
      (g) => `${g.name}:${g.capacity.desired}:${g.capacity.min}:${g.disabled ? "off" : "on"}`,
    );
  }
}
