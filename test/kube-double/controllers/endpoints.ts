// Service -> Endpoints: the ready (addresses) and not-ready (notReadyAddresses) pods matching a
// Service's selector, with each service port's targetPort resolved by number or by container
// port name. With process-backed pods the port is the loopback port the container really listens on.
import { clone, deepEqual } from "../patch.js";
import { matchesSelector } from "../selectors.js";
import type { EndpointAddress, EndpointSubset, Endpoints, Pod, Service } from "../types.js";
import { type Context, type Controller, kind } from "./context.js";
import { isReady, isTerminal } from "./pods.js";

const MANAGED = "endpoints.kubernetes.io/managed-by";

export class EndpointsController implements Controller {
  readonly name = "endpoint-controller";

  constructor(private readonly portFor: (podUid: string, containerPort: number) => number | undefined) {}

  reconcile(ctx: Context): void {
    const epType = kind("Endpoints");
    const services = ctx.store.peek(kind("Service")) as Service[];
    for (const svc of services) {
      if (!svc.spec.selector || svc.metadata.deletionTimestamp) continue;
      const ns = svc.metadata.namespace;
      const pods = (ctx.store.peek(kind("Pod"), ns) as Pod[]).filter(
        (p) =>
          matchesSelector(p.metadata.labels, { matchLabels: svc.spec.selector }) &&
          p.status?.podIP &&
          !isTerminal(p),
      );
      const groups = new Map<string, EndpointSubset>();
      for (const p of pods) {
        if (p.metadata.deletionTimestamp && !svc.spec.publishNotReadyAddresses) continue;
        const ports: { name?: string; port: number; protocol?: string }[] = [];
        for (const sp of svc.spec.ports ?? []) {
          let containerPort: number | undefined;
          const target = sp.targetPort ?? sp.port;
          if (typeof target === "number") containerPort = target;
          else if (/^\d+$/.test(target)) containerPort = Number(target);
          else
            for (const c of p.spec.containers)
              for (const cp of c.ports ?? []) if (cp.name === target) containerPort = cp.containerPort;
          if (containerPort === undefined) continue;
          const port = this.portFor(p.metadata.uid ?? "", containerPort) ?? containerPort;
          const entry: { name?: string; port: number; protocol?: string } = {
            port,
            protocol: sp.protocol ?? "TCP",
          };
          if (sp.name) entry.name = sp.name;
          ports.push(entry);
        }
        if (ports.length === 0 && (svc.spec.ports ?? []).length > 0) continue;
        const key = JSON.stringify(ports);
        let g = groups.get(key);
        if (!g) {
          g = { ports };
          groups.set(key, g);
        }
        const addr: EndpointAddress = {
          ip: p.status?.podIP ?? "",
          nodeName: p.spec.nodeName,
          targetRef: {
            kind: "Pod",
            namespace: p.metadata.namespace ?? "",
            name: p.metadata.name ?? "",
            uid: p.metadata.uid ?? "",
          },
        };
        const ready = isReady(p) && !p.metadata.deletionTimestamp;
        if (ready || svc.spec.publishNotReadyAddresses) g.addresses = [...(g.addresses ?? []), addr];
        else g.notReadyAddresses = [...(g.notReadyAddresses ?? []), addr];
      }
      const byName = (a: EndpointAddress, b: EndpointAddress) =>
        (a.targetRef?.name ?? a.ip).localeCompare(b.targetRef?.name ?? b.ip);
      const subsets = [...groups.values()].map((s) => {
        const out: EndpointSubset = {};
        if (s.addresses) out.addresses = s.addresses.sort(byName);
        if (s.notReadyAddresses) out.notReadyAddresses = s.notReadyAddresses.sort(byName);
        if (s.ports?.length) out.ports = s.ports;
        return out;
      });
      const existing = ctx.store.get(epType, ns, svc.metadata.name ?? "") as Endpoints | undefined;
      const labels = { ...(svc.metadata.labels ?? {}), [MANAGED]: "endpoint-controller" };
      if (!existing) {
        const ep: Endpoints = {
          apiVersion: "v1",
          kind: "Endpoints",
          metadata: { name: svc.metadata.name, namespace: ns, labels },
        };
        if (subsets.length) ep.subsets = subsets;
        ctx.create(ep, "kube-controller-manager");
      } else if (
        !deepEqual(existing.subsets ?? [], subsets) ||
        !deepEqual(existing.metadata.labels ?? {}, labels)
      ) {
        const next = clone(existing);
        next.metadata.labels = labels;
        if (subsets.length) next.subsets = subsets;
        else delete next.subsets;
        ctx.update(next, "kube-controller-manager");
      }
    }
    for (const ep of ctx.store.peek(epType)) {
      if (ep.metadata.labels?.[MANAGED] !== "endpoint-controller") continue;
      const svc = ctx.store.get(kind("Service"), ep.metadata.namespace, ep.metadata.name ?? "") as
        | Service
        | undefined;
      if (!svc?.spec.selector) {
        try {
          ctx.api.delete(epType, ep.metadata.namespace, ep.metadata.name ?? "", {});
        } catch {
          // Gone meanwhile.
        }
      }
    }
  }
}
