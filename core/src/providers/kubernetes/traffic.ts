import {
  ANNOTATIONS,
  canonicalKind,
  ensure,
  type KubeObject,
  kindOf,
  nameOf,
  RECEIVES_TRAFFIC,
  templateMetadata,
} from "./manifest.js";

/** `service my-svc` -> { kind: Service, name: my-svc } (Spinnaker's `{kind} {name}` load balancers). */
export function parseLoadBalancer(text: string): { kind: string; name: string } | { error: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 2)
    return {
      error: `Load balancers must be specified in the form '{kind} {name}', e.g. 'service my-service' (got '${text}')`,
    };
  const kind = canonicalKind(parts[0]);
  if (kind !== "Service") return { error: `'${text}': only Services can load balance workloads` };
  return { kind, name: parts[1] };
}

/** A Service's selector, or an error when it has none. */
export function serviceSelector(
  service: KubeObject,
): { selector: Record<string, string> } | { error: string } {
  const selector = (service.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!selector || Object.keys(selector).length === 0)
    return { error: "Service must have a non-empty selector in order to be attached to a workload" };
  return { selector };
}

/** The load balancers an object names in `traffic.spinnaker.io/load-balancers`. */
export function loadBalancersOf(o: KubeObject): string[] {
  const text = o.metadata?.annotations?.[ANNOTATIONS.loadBalancers];
  if (!text) return [];
  try {
    const list = JSON.parse(text);
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return [];
  }
}

/** Where an object's pods take their labels: the pod template, or a Pod's own metadata. */
function podLabels(o: KubeObject, create: boolean): Record<string, string> | undefined {
  if (canonicalKind(kindOf(o)) === "Pod") {
    if (create) {
      o.metadata ??= {};
      o.metadata.labels ??= {};
    }
    return o.metadata?.labels;
  }
  const tm = templateMetadata(o, create);
  if (!tm) return undefined;
  if (create) tm.labels ??= {};
  return tm.labels;
}

/**
 * Attaches Services at deploy (clouddriver's applyTraffic): records them in the load-balancers
 * annotation and, with `enableTraffic`, copies each selector onto the pods' labels. Returns a copy.
 */
export function attachServices(
  o: KubeObject,
  services: readonly { name: string; text: string; selector: Record<string, string> }[],
  enableTraffic: boolean,
): KubeObject | { error: string } {
  if (services.length === 0) return o;
  const kind = canonicalKind(kindOf(o));
  if (!RECEIVES_TRAFFIC.has(kind))
    return { error: `${kind} ${nameOf(o)} cannot receive traffic from a Service` };
  const out = structuredClone(o);
  out.metadata ??= {};
  const annotations = ensure(out.metadata, "annotations", {});
  const list = services.map((s) => s.text);
  const existing = annotations[ANNOTATIONS.loadBalancers];
  if (existing !== undefined && JSON.stringify(loadBalancersOf(out)) !== JSON.stringify(list))
    return {
      error: `Manifest already has ${ANNOTATIONS.loadBalancers} annotation set to ${existing}. Failed attempting to set it to ${JSON.stringify(list)}.`,
    };
  annotations[ANNOTATIONS.loadBalancers] = JSON.stringify(list);
  if (!enableTraffic) return out;
  const labels = podLabels(out, true);
  if (!labels) return { error: `${kind} ${nameOf(o)} has no pod template to label` };
  for (const s of services) {
    for (const key of Object.keys(s.selector))
      if (key in labels)
        return { error: "Service selector must have no label keys in common with target workload" };
  }
  for (const s of services) Object.assign(labels, s.selector);
  return out;
}

const pointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** JSON patch operations that enable (add the selector labels) or disable (remove them). */
export function trafficPatch(
  o: KubeObject,
  selector: Record<string, string>,
  enable: boolean,
  where: "template" | "pod",
): { op: string; path: string; value?: string }[] {
  const base = where === "pod" ? "/metadata/labels" : "/spec/template/metadata/labels";
  const current = where === "pod" ? o.metadata?.labels : templateMetadata(o)?.labels;
  const ops: { op: string; path: string; value?: string }[] = [];
  if (enable && current === undefined) ops.push({ op: "add", path: base, value: {} as unknown as string });
  for (const [key, value] of Object.entries(selector)) {
    const path = `${base}/${pointer(key)}`;
    if (enable) ops.push({ op: current && key in current ? "replace" : "add", path, value });
    else if (current && key in current) ops.push({ op: "remove", path });
  }
  return ops;
}

/** True when the pods of an object match the Service's selector (it takes traffic). */
export function receivesTraffic(o: KubeObject, selector: Record<string, string>): boolean {
  const labels = canonicalKind(kindOf(o)) === "Pod" ? o.metadata?.labels : templateMetadata(o)?.labels;
  return !!labels && Object.entries(selector).every(([k, v]) => labels[k] === v);
}
