import { afterEach, describe, expect, it } from "vitest";
import { emptyState, type LocalState } from "./state.js";
import { Supervisor, type SupervisorHost } from "./supervisor.js";

// A test host: processes are entries in a set, health checks answer for live ones, time is manual.
function fakeHost() {
  const alive = new Set<number>();
  const signals: [number, string][] = [];
  let nextPid = 1000;
  let nextPort = 20000;
  let saved: LocalState | undefined;
  const logs: string[] = [];
  const host: SupervisorHost & { time: number } = {
    time: 1_000_000,
    pid: 1,
    repository: "/repo",
    socket: "/repo/.capstan/local/supervisor.sock",
    now: () => host.time,
    spawn: () => {
      const pid = nextPid++;
      alive.add(pid);
      return { pid };
    },
    isAlive: (pid) => alive.has(pid),
    kill: (pid, signal) => {
      signals.push([pid, signal]);
      alive.delete(pid);
    },
    saveState: (state) => {
      saved = structuredClone(state);
    },
    freePort: async () => nextPort++,
    log: (text) => {
      logs.push(text);
    },
    health: async (port) => (port > 0 ? { ok: true } : { ok: false, reason: "connection refused" }),
  };
  return { host, alive, signals, logs, saved: () => saved };
}

const supervisors: Supervisor[] = [];
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.shutdown({ keepInstances: true });
});

async function settle(s: Supervisor, host: { time: number }, rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    host.time += 1000;
    await s.tick();
    await new Promise((r) => setTimeout(r, 5));
  }
}

const spec = (desired: number, image = "v1") => ({
  application: "app",
  stack: "prod",
  capacity: { min: desired, desired, max: desired },
  image,
  launchConfig: { command: "node server.js", healthCheck: { path: "/healthz" } },
  token: `t-${image}`,
});

describe("Supervisor", () => {
  it("creates versions, starts instances, reports them Up, and drains extras on scale down", async () => {
    const { host, alive, signals } = fakeHost();
    const s = new Supervisor(emptyState(), host);
    supervisors.push(s);
    const created = (await s.handle({ method: "serverGroup.create", spec: spec(3) })) as { name: string };
    expect(created.name).toBe("app-prod-v000");
    // The same token returns the same group.
    expect(((await s.handle({ method: "serverGroup.create", spec: spec(3) })) as { name: string }).name).toBe(
      "app-prod-v000",
    );
    await settle(s, host);
    let status = s.status();
    expect(status.clusters[0].serverGroups[0].instances.map((i) => i.healthState)).toEqual([
      "Up",
      "Up",
      "Up",
    ]);
    expect(alive.size).toBe(3);
    expect(s.backends("app-prod")).toHaveLength(3);

    await s.handle({
      method: "serverGroup.resize",
      name: "app-prod-v000",
      capacity: { min: 1, desired: 1, max: 1 },
    });
    await settle(s, host);
    status = s.status();
    expect(status.clusters[0].serverGroups[0].instances).toHaveLength(1);
    expect(signals.filter(([, sig]) => sig === "SIGTERM")).toHaveLength(2);

    const next = (await s.handle({ method: "serverGroup.create", spec: spec(1, "v2") })) as { name: string };
    expect(next.name).toBe("app-prod-v001");
    await settle(s, host);
    await s.handle({ method: "serverGroup.disable", name: "app-prod-v000" });
    const groups = s.status().clusters[0].serverGroups;
    expect(groups.map((g) => [g.name, g.disabled, g.takingTraffic, g.instances[0].healthState])).toEqual([
      ["app-prod-v000", true, 0, "OutOfService"],
      ["app-prod-v001", false, 1, "Up"],
    ]);
    await expect(
      s.handle({
        method: "serverGroup.resize",
        name: "app-prod-v001",
        capacity: { min: 2, desired: 1, max: 1 },
      }),
    ).rejects.toThrow(/min <= desired <= max/);
    // Destroy answers once the group's instances are stopped and it is gone.
    const destroyed = s.handle({ method: "serverGroup.destroy", name: "app-prod-v000" });
    await settle(s, host);
    expect(await destroyed).toEqual({ destroyed: "app-prod-v000", existed: true });
    expect(s.status().clusters[0].serverGroups.map((g) => g.name)).toEqual(["app-prod-v001"]);
  });

  it("restarts a crashed instance and re-adopts live ones after its own restart", async () => {
    const { host, alive, logs, saved } = fakeHost();
    const s = new Supervisor(emptyState(), host);
    supervisors.push(s);
    await s.handle({ method: "serverGroup.create", spec: spec(2) });
    await settle(s, host);
    const [first, second] = s.status().clusters[0].serverGroups[0].instances;
    alive.delete(first.pid!);
    await settle(s, host, 4);
    const healed = s.status().clusters[0].serverGroups[0].instances;
    expect(healed[0]).toMatchObject({ id: first.id, restarts: 1, healthState: "Up" });
    expect(healed[0].pid).not.toBe(first.pid);
    // On a fresh port: whatever took the old one (a crash on EADDRINUSE) cannot keep it down.
    expect(healed[0].address).not.toBe(first.address);
    expect(logs.filter((l) => l.startsWith(first.id))).toEqual([
      `${first.id} is Up`,
      `${first.id} (pid ${first.pid}) exited; restarting it on a new port`,
      `${first.id} is Up`,
    ]);

    // A new supervisor on the saved state keeps the live processes (same pids, no restart).
    await s.shutdown({ keepInstances: true });
    supervisors.pop();
    const again = new Supervisor(structuredClone(saved()!), host);
    supervisors.push(again);
    await again.start(60_000);
    await settle(again, host);
    const adopted = again.status().clusters[0].serverGroups[0].instances;
    expect(adopted.map((i) => i.pid)).toEqual([healed[0].pid, second.pid]);
    expect(adopted.every((i) => i.healthState === "Up")).toBe(true);
  });

  it("logs each health change with the failed check's reason", async () => {
    const { host, logs } = fakeHost();
    let failing = false;
    host.health = async () => (failing ? { ok: false, reason: "no answer within 1000 ms" } : { ok: true });
    const s = new Supervisor(emptyState(), host);
    supervisors.push(s);
    await s.handle({ method: "serverGroup.create", spec: spec(1) });
    await settle(s, host);
    const [instance] = s.status().clusters[0].serverGroups[0].instances;
    failing = true;
    await settle(s, host, 2);
    expect(s.status().clusters[0].serverGroups[0].instances[0].healthState).toBe("Up");
    await settle(s, host, 1);
    expect(s.status().clusters[0].serverGroups[0].instances[0].healthState).toBe("Down");
    failing = false;
    await settle(s, host, 1);
    expect(logs.filter((l) => l.startsWith(instance.id))).toEqual([
      `${instance.id} is Up`,
      `${instance.id} is Down: 3 health checks failed (no answer within 1000 ms)`,
      `${instance.id} is Up`,
    ]);
  });
});
