import { canonicalKind, type KubeArtifact, type KubeObject, kindOf, namespaceOf } from "./manifest.js";

type Data = Record<string, unknown>;
const isData = (v: unknown): v is Data => !!v && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): Data[] => (Array.isArray(v) ? v.filter(isData) : []);

/** A place in an object that names an artifact, with a setter to rebind it. */
interface Reference {
  type: string;
  value: string;
  set(value: string): void;
}

function podSpecOf(o: KubeObject): Data | undefined {
  const spec = o.spec;
  if (!isData(spec)) return undefined;
  switch (canonicalKind(kindOf(o))) {
    case "Pod":
      return spec;
    case "CronJob": {
      const jt = isData(spec.jobTemplate) ? spec.jobTemplate : {};
      const tspec = isData(jt.spec) ? jt.spec : {};
      const template = isData(tspec.template) ? tspec.template : {};
      return isData(template.spec) ? template.spec : undefined;
    }
    default: {
      const template = isData(spec.template) ? spec.template : undefined;
      return template && isData(template.spec) ? template.spec : undefined;
    }
  }
}

function field(holder: Data, key: string, type: string, out: Reference[]): void {
  const value = holder[key];
  if (typeof value === "string" && value !== "")
    out.push({
      type,
      value,
      set: (v) => {
        holder[key] = v;
      },
    });
}

/** Every artifact reference clouddriver's Replacer knows in an object (images, config maps, secrets, HPA targets). */
function references(o: KubeObject): Reference[] {
  const out: Reference[] = [];
  const pod = podSpecOf(o);
  if (pod) {
    for (const c of [...list(pod.containers), ...list(pod.initContainers)]) {
      field(c, "image", "docker/image", out);
      for (const e of list(c.envFrom)) {
        if (isData(e.configMapRef)) field(e.configMapRef, "name", "kubernetes/configMap", out);
        if (isData(e.secretRef)) field(e.secretRef, "name", "kubernetes/secret", out);
      }
      for (const e of list(c.env)) {
        const from = isData(e.valueFrom) ? e.valueFrom : {};
        if (isData(from.configMapKeyRef)) field(from.configMapKeyRef, "name", "kubernetes/configMap", out);
        if (isData(from.secretKeyRef)) field(from.secretKeyRef, "name", "kubernetes/secret", out);
      }
    }
    for (const v of list(pod.volumes)) {
      if (isData(v.configMap)) field(v.configMap, "name", "kubernetes/configMap", out);
      if (isData(v.secret)) field(v.secret, "secretName", "kubernetes/secret", out);
      const projected = isData(v.projected) ? v.projected : {};
      for (const s of list(projected.sources)) {
        if (isData(s.configMap)) field(s.configMap, "name", "kubernetes/configMap", out);
        if (isData(s.secret)) field(s.secret, "name", "kubernetes/secret", out);
      }
    }
  }
  if (canonicalKind(kindOf(o)) === "HorizontalPodAutoscaler" && isData(o.spec)) {
    const target = o.spec.scaleTargetRef;
    if (isData(target)) {
      const kind = String(target.kind ?? "");
      if (kind === "Deployment") field(target, "name", "kubernetes/deployment", out);
      if (kind === "ReplicaSet") field(target, "name", "kubernetes/replicaSet", out);
    }
  }
  return out;
}

/** The artifacts an object refers to (findArtifactsFromResource). */
export function referencedArtifacts(o: KubeObject): KubeArtifact[] {
  const ns = namespaceOf(o) ?? "";
  const seen = new Set<string>();
  const out: KubeArtifact[] = [];
  for (const r of references(o)) {
    const key = `${r.type} ${r.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (r.type === "docker/image") {
      const m = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(r.value);
      const name = m?.[1] ?? r.value;
      const version = m?.[3] ?? m?.[2];
      out.push({ type: r.type, name, reference: r.value, location: "", ...(version ? { version } : {}) });
    } else out.push({ type: r.type, name: r.value, reference: r.value, location: ns });
  }
  return out;
}

/**
 * Rebinds references to artifacts (Spinnaker's artifact binding): a config map or secret named
 * `name` becomes its deployed version (`name-v003`), an image `name[:tag]` becomes the artifact's
 * reference. Returns a copy and the artifacts it used.
 */
export function bindArtifacts(
  o: KubeObject,
  artifacts: readonly KubeArtifact[],
): { object: KubeObject; bound: KubeArtifact[] } {
  const copy = structuredClone(o);
  const ns = namespaceOf(copy);
  const bound: KubeArtifact[] = [];
  for (const r of references(copy)) {
    const match = artifacts.find((a) => {
      if (a.type !== r.type) return false;
      if (a.type === "docker/image")
        return r.value === a.name || r.value.startsWith(`${a.name}:`) || r.value.startsWith(`${a.name}@`);
      return a.name === r.value && (!a.location || !ns || a.location === ns);
    });
    if (match && match.reference !== r.value) {
      r.set(match.reference);
      bound.push(match);
    }
  }
  return { object: copy, bound };
}
