import { createServer, get, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type Backend, ClusterLoadBalancer } from "./load-balancer.js";

const servers: Server[] = [];
const balancers: ClusterLoadBalancer[] = [];
afterEach(async () => {
  await Promise.all(balancers.splice(0).map((b) => b.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function instance(name: string, delayMs = 0): Promise<number> {
  const server = createServer((_req, res) => setTimeout(() => res.end(name), delayMs));
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

async function freePortThatRefuses(): Promise<number> {
  const port = await instance("gone");
  const server = servers.pop()!;
  await new Promise((r) => server.close(r));
  return port;
}

function fetchText(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/" }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

function balancer(backends: () => Backend[], inflight = new Map<string, number>(), refused: string[] = []) {
  const lb = new ClusterLoadBalancer("app-prod", {
    backends,
    requestStarted: (id) => inflight.set(id, (inflight.get(id) ?? 0) + 1),
    requestEnded: (id) => inflight.set(id, (inflight.get(id) ?? 0) - 1),
    connectFailed: (id) => refused.push(id),
  });
  balancers.push(lb);
  return lb;
}

describe("ClusterLoadBalancer", () => {
  it("round-robins over the backends named when each request arrives", async () => {
    const a = await instance("a");
    const b = await instance("b");
    let list: Backend[] = [
      { instanceId: "a", port: a },
      { instanceId: "b", port: b },
    ];
    const port = await balancer(() => list).listen(0);
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await fetchText(port)).body);
    expect(new Set(bodies)).toEqual(new Set(["a", "b"]));
    list = [{ instanceId: "b", port: b }];
    for (let i = 0; i < 3; i++) expect((await fetchText(port)).body).toBe("b");
    list = [];
    expect((await fetchText(port)).status).toBe(503);
  });

  it("retries a GET refused by one instance on another, and reports the refusal", async () => {
    const dead = await freePortThatRefuses();
    const live = await instance("live");
    const refused: string[] = [];
    const lb = balancer(
      () => [
        { instanceId: "dead", port: dead },
        { instanceId: "live", port: live },
      ],
      new Map(),
      refused,
    );
    const port = await lb.listen(0);
    for (let i = 0; i < 4; i++) expect(await fetchText(port)).toEqual({ status: 200, body: "live" });
    expect(refused).toContain("dead");
    expect(lb.stats.retried).toBeGreaterThan(0);
    expect(lb.stats.failed).toBe(0);
  });

  it("counts in-flight requests so a drained instance is stopped only once they are done", async () => {
    const slow = await instance("slow", 200);
    const inflight = new Map<string, number>();
    const port = await balancer(() => [{ instanceId: "slow", port: slow }], inflight).listen(0);
    const pending = fetchText(port);
    await new Promise((r) => setTimeout(r, 100));
    expect(inflight.get("slow")).toBe(1);
    expect((await pending).body).toBe("slow");
    await new Promise((r) => setTimeout(r, 20));
    expect(inflight.get("slow")).toBe(0);
  });
});
