import { parseName } from "../naming.js";
import type { Capacity, HealthState, Instance, ServerGroupSpec } from "../types.js";
import { checkHealth, type HealthCheckResult } from "./health-check.js";
import { toLaunchConfig } from "./launch-config.js";
import { type Backend, ClusterLoadBalancer } from "./load-balancer.js";
import type { LocalRequest, LocalServerGroupStatus, LocalStatus } from "./protocol.js";
import {
  addServerGroup,
  capacityProblem,
  findGroup,
  type InstanceState,
  type LocalState,
  removeGroup,
  type ServerGroupState,
} from "./state.js";

/** A started instance process. */
export interface InstanceProcess {
  pid: number;
}

/** The outside world of the supervisor, injected so its logic runs under test without side effects. */
export interface SupervisorHost {
  /** The supervisor's own process id (shown by status). */
  pid: number;
  repository: string;
  socket: string;
  now(): number;
  /** Starts `command` through a shell in its own process group; output goes to the instance's log. */
  spawn(spec: {
    command: string;
    cwd: string;
    env: Record<string, string>;
    instanceId: string;
  }): InstanceProcess | { error: string };
  isAlive(pid: number): boolean;
  /** Signals the instance's whole process group. */
  kill(pid: number, signal: "SIGTERM" | "SIGKILL"): void;
  saveState(state: LocalState): void;
  freePort(): Promise<number>;
  log(text: string): void;
  health?(port: number, path: string, timeoutMs: number): Promise<HealthCheckResult>;
}

interface Runtime {
  healthy: boolean;
  everHealthy: boolean;
  okStreak: number;
  failStreak: number;
  checking: boolean;
  nextCheckAt: number;
  inflight: number;
  draining: boolean;
  drainDeadline: number;
  killedAt?: number;
  spawnAfter: number;
}

const DRAIN_LIMIT_MS = 30_000;
const KILL_GRACE_MS = 5_000;

/**
 * The local provider's supervisor: owns instance processes and one load balancer per cluster, keeps
 * the persisted desired state true (scaling, restarting crashed instances, re-adopting them after its
 * own restart) and answers the CLI's requests.
 */
export class Supervisor {
  private readonly runtime = new Map<string, Runtime>();
  private readonly balancers = new Map<string, ClusterLoadBalancer>();
  private readonly destroyWaiters = new Map<string, (() => void)[]>();
  private ticking = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly startedAt: number;
  stopped = false;

  constructor(
    private readonly state: LocalState,
    private readonly host: SupervisorHost,
  ) {
    this.startedAt = host.now();
  }

  /** Opens the load balancers, re-adopts live instances, and starts reconciling. */
  async start(tickMs = 200): Promise<void> {
    for (const cluster of this.state.clusters) await this.ensureBalancer(cluster.name);
    for (const group of this.allGroups()) {
      for (const i of group.instances) {
        const rt = this.rt(i.id);
        if (i.pid !== undefined && this.host.isAlive(i.pid)) {
          this.host.log(`re-adopted ${i.id} (pid ${i.pid})`);
          rt.nextCheckAt = 0;
        } else if (i.pid !== undefined) {
          this.host.log(`${i.id} (pid ${i.pid}) is gone; restarting it`);
          i.pid = undefined;
        }
      }
    }
    this.save();
    await this.tick();
    this.timer = setInterval(() => void this.tick(), tickMs);
  }

  private allGroups(): ServerGroupState[] {
    return this.state.clusters.flatMap((c) => c.serverGroups);
  }

  private rt(id: string): Runtime {
    let r = this.runtime.get(id);
    if (!r) {
      r = {
        healthy: false,
        everHealthy: false,
        okStreak: 0,
        failStreak: 0,
        checking: false,
        nextCheckAt: 0,
        inflight: 0,
        draining: false,
        drainDeadline: 0,
        spawnAfter: 0,
      };
      this.runtime.set(id, r);
    }
    return r;
  }

  private save(): void {
    this.host.saveState(this.state);
  }

  private async ensureBalancer(cluster: string): Promise<void> {
    if (this.balancers.has(cluster)) return;
    const entry = this.state.clusters.find((c) => c.name === cluster)!;
    const lb = new ClusterLoadBalancer(cluster, {
      backends: (name) => this.backends(name),
      requestStarted: (id) => {
        this.rt(id).inflight++;
      },
      requestEnded: (id) => {
        this.rt(id).inflight--;
      },
      connectFailed: (id) => {
        // Passive health check: a refused connection means the process is gone or not listening.
        const rt = this.rt(id);
        if (rt.healthy) this.host.log(`${id} is Down: the load balancer's connection was refused`);
        rt.healthy = false;
        rt.okStreak = 0;
        rt.nextCheckAt = 0;
        void this.tick();
      },
    });
    this.balancers.set(cluster, lb);
    try {
      entry.port = await lb.listen(entry.port);
    } catch {
      this.host.log(`port ${entry.port} of ${cluster}'s load balancer is taken; using another`);
      entry.port = await lb.listen(0);
    }
    this.save();
  }

  /** In-service instances of a group: the first ceil(n × disabled%) are out of service. */
  private inService(group: ServerGroupState): Set<string> {
    if (group.destroying || group.disabledPercentage >= 100) return new Set();
    const live = group.instances.filter((i) => !this.rt(i.id).draining);
    const out = Math.ceil((live.length * group.disabledPercentage) / 100);
    return new Set(live.slice(out).map((i) => i.id));
  }

  /** Healthy, non-draining instances of enabled groups of a cluster. */
  backends(cluster: string): Backend[] {
    const c = this.state.clusters.find((x) => x.name === cluster);
    if (!c) return [];
    const out: Backend[] = [];
    for (const group of c.serverGroups) {
      const serving = this.inService(group);
      for (const i of group.instances) {
        const rt = this.rt(i.id);
        if (serving.has(i.id) && rt.healthy && !rt.draining && i.pid !== undefined) {
          out.push({ instanceId: i.id, port: i.port });
        }
      }
    }
    return out;
  }

  private healthState(i: InstanceState, serving: Set<string>): HealthState {
    const rt = this.rt(i.id);
    if (i.pid === undefined) return "Down";
    if (rt.healthy) return serving.has(i.id) && !rt.draining ? "Up" : "OutOfService";
    return rt.everHealthy ? "Down" : "Starting";
  }

  /** A server group in the provider-neutral shape. */
  view(group: ServerGroupState): LocalServerGroupStatus {
    const serving = this.inService(group);
    const instances: Instance[] = group.instances.map((i) => ({
      id: i.id,
      healthState: this.healthState(i, serving),
      address: `127.0.0.1:${i.port}`,
      launchTime: i.launchTime,
      restarts: i.restarts,
      ...(i.pid !== undefined ? { pid: i.pid } : {}),
    }));
    const moniker = parseName(group.name) ?? { app: group.cluster, cluster: group.cluster };
    return {
      name: group.name,
      cluster: group.cluster,
      moniker,
      provider: "local",
      account: "local",
      location: "local",
      createdTime: group.createdTime,
      capacity: { ...group.capacity },
      disabled: group.disabledPercentage >= 100,
      trafficPercentage: 100 - group.disabledPercentage,
      image: group.image,
      instances,
      loadBalancers: [group.cluster],
      launchConfig: { ...group.launchConfig },
      takingTraffic: instances.filter((i) => i.healthState === "Up").length,
    };
  }

  status(): LocalStatus {
    return {
      pid: this.host.pid,
      repository: this.host.repository,
      startedAt: this.startedAt,
      socket: this.host.socket,
      clusters: this.state.clusters.map((c) => ({
        name: c.name,
        port: c.port,
        loadBalancer: `http://127.0.0.1:${c.port}`,
        serverGroups: c.serverGroups.filter((g) => !g.destroying).map((g) => this.view(g)),
      })),
    };
  }

  /** Answers one request; errors are returned as `{ error }`, never thrown. */
  async handle(request: LocalRequest): Promise<unknown> {
    switch (request.method) {
      case "status":
        return this.status();
      case "serverGroup.list":
        return this.status()
          .clusters.filter((c) => request.cluster === undefined || c.name === request.cluster)
          .flatMap((c) => c.serverGroups);
      case "serverGroup.create":
        return this.create(request.spec);
      case "serverGroup.resize":
        return this.mutate(request.name, (g) => {
          const problem = capacityProblem(request.capacity);
          if (problem) return problem;
          g.capacity = { ...request.capacity };
          return undefined;
        });
      case "serverGroup.enable":
        return this.mutate(request.name, (g) => {
          g.disabledPercentage = 0;
          return undefined;
        });
      case "serverGroup.disable":
        return this.mutate(request.name, (g) => {
          const p = request.desiredPercentage ?? 100;
          if (!(p >= 0 && p <= 100)) return `desiredPercentage must be within 0..100, got ${p}`;
          g.disabledPercentage = p;
          return undefined;
        });
      case "serverGroup.destroy":
        return this.destroy(request.name);
      default:
        throw new Error(`unknown request '${(request as { method: string }).method}'`);
    }
  }

  private async create(spec: ServerGroupSpec): Promise<unknown> {
    const launch = toLaunchConfig(spec.launchConfig);
    if ("error" in launch) throw new Error(launch.error);
    const added = addServerGroup(this.state, spec, launch.config, this.host.now(), () => 0);
    if ("error" in added) throw new Error(added.error);
    if (added.created) this.host.log(`created ${added.group.name} (${JSON.stringify(added.group.capacity)})`);
    await this.ensureBalancer(added.group.cluster);
    this.save();
    void this.tick();
    return this.view(added.group);
  }

  private mutate(name: string, change: (g: ServerGroupState) => string | undefined): unknown {
    const group = findGroup(this.state, name);
    if (!group || group.destroying) throw new Error(`no server group '${name}'`);
    const problem = change(group);
    if (problem) throw new Error(problem);
    this.save();
    void this.tick();
    return this.view(group);
  }

  private destroy(name: string): Promise<unknown> {
    const group = findGroup(this.state, name);
    if (!group) return Promise.resolve({ destroyed: name, existed: false });
    group.destroying = true;
    group.capacity = { min: 0, desired: 0, max: 0 };
    this.save();
    const done = new Promise<unknown>((resolve) => {
      const list = this.destroyWaiters.get(name) ?? [];
      list.push(() => resolve({ destroyed: name, existed: true }));
      this.destroyWaiters.set(name, list);
    });
    void this.tick();
    return done;
  }

  /** One reconciliation pass: scale, restart, drain, stop, health-check. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      let changed = false;
      const now = this.host.now();
      for (const group of this.allGroups()) {
        changed = (await this.reconcileGroup(group, now)) || changed;
      }
      for (const group of this.allGroups().filter((g) => g.destroying && g.instances.length === 0)) {
        removeGroup(this.state, group.name);
        changed = true;
        this.host.log(`destroyed ${group.name}`);
        for (const resolve of this.destroyWaiters.get(group.name) ?? []) resolve();
        this.destroyWaiters.delete(group.name);
      }
      if (changed) this.save();
    } finally {
      this.ticking = false;
    }
  }

  private async reconcileGroup(group: ServerGroupState, now: number): Promise<boolean> {
    let changed = false;
    const live = group.instances.filter((i) => !this.rt(i.id).draining);
    for (let n = live.length; n < group.capacity.desired; n++) {
      const instance: InstanceState = {
        id: `${group.name}-i${group.nextInstance++}`,
        port: await this.host.freePort(),
        launchTime: now,
        restarts: 0,
      };
      group.instances.push(instance);
      changed = true;
    }
    if (live.length > group.capacity.desired) {
      // Unhealthy instances go first, then the newest: the healthy old ones keep serving.
      const order = [...live].sort(
        (a, b) =>
          Number(this.rt(a.id).healthy) - Number(this.rt(b.id).healthy) || b.launchTime - a.launchTime,
      );
      for (const i of order.slice(0, live.length - group.capacity.desired)) {
        const rt = this.rt(i.id);
        rt.draining = true;
        rt.drainDeadline = now + DRAIN_LIMIT_MS;
      }
    }
    for (const i of [...group.instances]) {
      const rt = this.rt(i.id);
      if (rt.draining) {
        changed = this.stopDrained(group, i, rt, now) || changed;
        continue;
      }
      if (i.pid !== undefined && !this.host.isAlive(i.pid)) {
        this.host.log(`${i.id} (pid ${i.pid}) exited; restarting it on a new port`);
        i.pid = undefined;
        i.restarts++;
        // A process that died on EADDRINUSE (another program took the port between our probe and its
        // bind) would die the same way on every restart on the old port.
        i.port = await this.host.freePort();
        rt.healthy = false;
        rt.okStreak = 0;
        rt.spawnAfter = now + Math.min(10_000, 250 * 2 ** Math.min(i.restarts, 6));
        changed = true;
      }
      if (i.pid === undefined && now >= rt.spawnAfter) {
        changed = this.launch(group, i, rt, now) || changed;
      }
      if (i.pid !== undefined && !rt.checking && now >= rt.nextCheckAt) void this.check(group, i, rt);
    }
    return changed;
  }

  private launch(group: ServerGroupState, i: InstanceState, rt: Runtime, now: number): boolean {
    const env: Record<string, string> = {
      ...group.launchConfig.env,
      PORT: String(i.port),
      CAPSTAN_IMAGE: group.image,
      CAPSTAN_INSTANCE_ID: i.id,
      CAPSTAN_SERVER_GROUP: group.name,
      CAPSTAN_CLUSTER: group.cluster,
    };
    const started = this.host.spawn({
      command: group.launchConfig.command,
      cwd: this.host.repository,
      env,
      instanceId: i.id,
    });
    if ("error" in started) {
      this.host.log(`could not start ${i.id}: ${started.error}`);
      i.restarts++;
      rt.spawnAfter = now + Math.min(10_000, 250 * 2 ** Math.min(i.restarts, 6));
      return false;
    }
    i.pid = started.pid;
    i.launchTime = now;
    rt.everHealthy = false;
    rt.nextCheckAt = now + 100;
    return true;
  }

  private stopDrained(group: ServerGroupState, i: InstanceState, rt: Runtime, now: number): boolean {
    const alive = i.pid !== undefined && this.host.isAlive(i.pid);
    if (!alive) {
      group.instances = group.instances.filter((x) => x.id !== i.id);
      this.runtime.delete(i.id);
      return true;
    }
    if (rt.killedAt === undefined && (rt.inflight <= 0 || now >= rt.drainDeadline)) {
      rt.killedAt = now;
      this.host.kill(i.pid!, "SIGTERM");
    } else if (rt.killedAt !== undefined && now - rt.killedAt > KILL_GRACE_MS) {
      this.host.kill(i.pid!, "SIGKILL");
    }
    return false;
  }

  private async check(group: ServerGroupState, i: InstanceState, rt: Runtime): Promise<void> {
    const hc = group.launchConfig.healthCheck;
    rt.checking = true;
    const result = await (this.host.health ?? checkHealth)(hc.port ?? i.port, hc.path, hc.timeoutMs);
    rt.checking = false;
    rt.nextCheckAt = this.host.now() + hc.intervalMs;
    if (result.ok) {
      rt.okStreak++;
      rt.failStreak = 0;
      if (!rt.healthy && rt.okStreak >= hc.healthyThreshold) {
        rt.healthy = true;
        rt.everHealthy = true;
        this.host.log(`${i.id} is Up`);
      }
    } else {
      rt.failStreak++;
      rt.okStreak = 0;
      if (rt.healthy && rt.failStreak >= hc.unhealthyThreshold) {
        rt.healthy = false;
        this.host.log(`${i.id} is Down: ${rt.failStreak} health checks failed (${result.reason})`);
      }
    }
  }

  /** Stops every instance (unless `keepInstances`) and the load balancers. */
  async shutdown(options: { keepInstances?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.balancers.values()].map((lb) => lb.close()));
    if (options.keepInstances) return;
    const pids = this.allGroups().flatMap((g) =>
      g.instances.map((i) => i.pid).filter((p): p is number => p !== undefined),
    );
    for (const pid of pids) if (this.host.isAlive(pid)) this.host.kill(pid, "SIGTERM");
    const deadline = this.host.now() + KILL_GRACE_MS;
    while (pids.some((p) => this.host.isAlive(p)) && this.host.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const pid of pids) if (this.host.isAlive(pid)) this.host.kill(pid, "SIGKILL");
    for (const group of this.allGroups()) for (const i of group.instances) i.pid = undefined;
    this.save();
  }

  /** Capacity of a server group, for tests. */
  capacityOf(name: string): Capacity | undefined {
    return findGroup(this.state, name)?.capacity;
  }
}
