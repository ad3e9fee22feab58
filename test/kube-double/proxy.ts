// The double's kube-proxy: one TCP proxy on 127.0.0.1 per Service port, spreading connections
// round-robin over the ready endpoints the Endpoints object lists at the moment each connection
// arrives (as kube-proxy does at layer 4: a kept-alive connection stays with its pod; no retries).
// Only loopback endpoints (process-backed pods) can be reached.
import { connect, createServer, type Server } from "node:net";
import { kind } from "./controllers/context.js";
import type { Store, StoreEvent } from "./store.js";
import type { Endpoints, Service } from "./types.js";

interface Proxy {
  server: Server;
  sockets: Set<import("node:net").Socket>;
  port: number;
  next: number;
  stats: { requests: number; failed: number; retried: number };
}

function key(ns: string, name: string, port: string): string {
  return `${ns}/${name}/${port}`;
}

export class ServiceProxies {
  private readonly proxies = new Map<string, Proxy>();
  private readonly starting = new Map<string, Promise<number>>();

  constructor(private readonly store: Store) {}

  onEvent(e: StoreEvent): void {
    if (e.resource.kind !== "Service") return;
    const svc = e.object as Service;
    const ns = svc.metadata.namespace ?? "default";
    const name = svc.metadata.name ?? "";
    if (e.type === "DELETED") {
      for (const [k, p] of this.proxies)
        if (k.startsWith(`${ns}/${name}/`)) {
          p.server.close();
          for (const s of p.sockets) s.destroy();
          this.proxies.delete(k);
        }
      return;
    }
    for (const p of svc.spec.ports ?? []) void this.ensure(ns, name, p.name ?? p.port);
  }

  private servicePort(
    ns: string,
    name: string,
    port?: string | number,
  ): { id: string; name?: string; port: number } | undefined {
    const svc = this.store.get(kind("Service"), ns, name) as Service | undefined;
    const ports = svc?.spec.ports ?? [];
    const p =
      port === undefined
        ? ports[0]
        : ports.find((x) => x.name === port || x.port === Number(port) || String(x.port) === String(port));
    if (!p) return undefined;
    return { id: p.name ?? String(p.port), name: p.name, port: p.port };
  }

  /** Starts (once) the proxy of a Service port; resolves with its loopback port. */
  ensure(ns: string, name: string, port?: string | number): Promise<number> {
    const sp = this.servicePort(ns, name, port);
    if (!sp) return Promise.reject(new Error(`service ${ns}/${name} has no port ${port ?? ""}`.trim()));
    const k = key(ns, name, sp.id);
    const existing = this.proxies.get(k);
    if (existing) return Promise.resolve(existing.port);
    const pending = this.starting.get(k);
    if (pending) return pending;
    const p = new Promise<number>((resolve, reject) => {
      const proxy: Proxy = {
        server: createServer(),
        sockets: new Set(),
        port: 0,
        next: 0,
        stats: { requests: 0, failed: 0, retried: 0 },
      };
      proxy.server.on("connection", (client) => {
        proxy.stats.requests++;
        proxy.sockets.add(client);
        client.on("close", () => proxy.sockets.delete(client));
        const backends = this.backends(ns, name, sp);
        if (backends.length === 0) {
          proxy.stats.failed++;
          client.destroy();
          return;
        }
        const target = backends[proxy.next++ % backends.length];
        const upstream = connect({ host: target.ip, port: target.port });
        proxy.sockets.add(upstream);
        upstream.on("close", () => proxy.sockets.delete(upstream));
        client.pipe(upstream);
        upstream.pipe(client);
        upstream.on("error", () => {
          proxy.stats.failed++;
          client.destroy();
        });
        client.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.end());
      });
      proxy.server.once("error", reject);
      proxy.server.listen(0, "127.0.0.1", () => {
        const a = proxy.server.address();
        proxy.port = typeof a === "object" && a ? a.port : 0;
        this.proxies.set(k, proxy);
        this.starting.delete(k);
        resolve(proxy.port);
      });
    });
    this.starting.set(k, p);
    return p;
  }

  private backends(
    ns: string,
    name: string,
    sp: { name?: string; port: number },
  ): { ip: string; port: number }[] {
    const ep = this.store.get(kind("Endpoints"), ns, name) as Endpoints | undefined;
    const out: { ip: string; port: number }[] = [];
    for (const s of ep?.subsets ?? []) {
      const port = (s.ports ?? []).find((p) => (sp.name ? p.name === sp.name : true)) ?? s.ports?.[0];
      if (!port) continue;
      for (const a of s.addresses ?? []) if (a.ip.startsWith("127.")) out.push({ ip: a.ip, port: port.port });
    }
    return out;
  }

  stats(ns: string, name: string, port?: string | number): Proxy["stats"] | undefined {
    const sp = this.servicePort(ns, name, port);
    return sp ? this.proxies.get(key(ns, name, sp.id))?.stats : undefined;
  }

  describe(): unknown {
    return {
      proxies: [...this.proxies.entries()].map(([k, p]) => {
        const [namespace, service, port] = k.split("/");
        return { namespace, service, port, url: `http://127.0.0.1:${p.port}`, ...p.stats };
      }),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.proxies.values()].map(
        (p) =>
          new Promise<void>((r) => {
            p.server.close(() => r());
            for (const s of p.sockets) s.destroy();
          }),
      ),
    );
    this.proxies.clear();
  }
}
