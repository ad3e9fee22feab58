// Kubernetes objects as the manifest stages see them: kinds, names, deploy order, the
// strategy.spinnaker.io/* annotations, monikers and artifacts (Spinnaker's V2 provider's rules).

/** A Kubernetes object (plain JSON). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An object's kind, name and namespace. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** Kinds by their lower-case name, with what Spinnaker's handler for each does. */
const KINDS: Record<string, { kind: string; priority: number; versioned?: boolean }> = {};
const add = (priority: number, names: string[], versioned = false) => {
  for (const kind of names) KINDS[kind.toLowerCase()] = { kind, priority, versioned };
};
// Deploy order (clouddriver's DeployPriority): namespaces first, then roles, bindings and CRDs,
// accounts and storage, config, network, API services, workload modifiers, workloads, attachments.
add(0, ["Namespace"]);
add(20, ["Role", "ClusterRole"]);
add(30, ["RoleBinding", "ClusterRoleBinding", "CustomResourceDefinition"]);
add(40, [
  "ServiceAccount",
  "StorageClass",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "LimitRange",
  "ResourceQuota",
]);
add(50, ["ConfigMap", "Secret"], true);
add(70, ["Service", "Ingress", "NetworkPolicy", "Endpoints"]);
add(80, ["APIService"]);
add(90, ["PodDisruptionBudget"]);
add(100, ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);
add(100, ["ReplicaSet", "Pod"], true);
add(110, ["HorizontalPodAutoscaler"]);

/** The canonical Kind of a kind written any way (`replicaSet`, `replicaset`, `ReplicaSet`). */
export function canonicalKind(kind: string): string {
  const bare = kind.split(".")[0];
  return KINDS[bare.toLowerCase()]?.kind ?? kind;
}

/** Spinnaker's spelling in `manifestName` and artifacts: `replicaSet`, `deployment`. */
export function spinnakerKind(kind: string): string {
  const k = canonicalKind(kind);
  return k.charAt(0).toLowerCase() + k.slice(1);
}

export const kindOf = (o: KubeObject): string => String(o.kind ?? "");
export const nameOf = (o: KubeObject): string => String(o.metadata?.name ?? "");
export const namespaceOf = (o: KubeObject): string | undefined =>
  typeof o.metadata?.namespace === "string" ? o.metadata.namespace : undefined;
export const refOf = (o: KubeObject, namespace?: string): ObjectRef => ({
  kind: canonicalKind(kindOf(o)),
  name: nameOf(o),
  namespace: namespaceOf(o) ?? namespace,
});

/** kubectl's `kind/name` (lower-case kind, as kubectl resolves it). */
export function refText(ref: ObjectRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** `deployment web` as Spinnaker writes it (`kind name`). */
export function manifestNameOf(ref: ObjectRef): string {
  return `${spinnakerKind(ref.kind)} ${ref.name}`;
}

/** Reads `kind name` (or `kind/name`). */
export function parseManifestName(text: string): { kind: string; name: string } | undefined {
  const m = /^\s*([A-Za-z][\w.-]*)[\s/]+([a-z0-9][-a-z0-9.]*)\s*$/.exec(text);
  return m ? { kind: canonicalKind(m[1]), name: m[2] } : undefined;
}

/** clouddriver's deploy priority; unregistered kinds (custom resources) go last. */
export function deployPriority(kind: string): number {
  return KINDS[kind.toLowerCase()]?.priority ?? 1000;
}

/** Objects in deploy order (stable within a priority). */
export function sortForDeploy<T extends KubeObject>(objects: readonly T[]): T[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => deployPriority(kindOf(a.o)) - deployPriority(kindOf(b.o)) || a.i - b.i)
    .map((x) => x.o);
}

// ---- annotations ------------------------------------------------------------------------------

export const ANNOTATIONS = {
  versioned: "strategy.spinnaker.io/versioned",
  maxVersionHistory: "strategy.spinnaker.io/max-version-history",
  useSourceCapacity: "strategy.spinnaker.io/use-source-capacity",
  recreate: "strategy.spinnaker.io/recreate",
  replace: "strategy.spinnaker.io/replace",
  serverSideApply: "strategy.spinnaker.io/server-side-apply",
  loadBalancers: "traffic.spinnaker.io/load-balancers",
  lastApplied: "kubectl.kubernetes.io/last-applied-configuration",
  revision: "deployment.kubernetes.io/revision",
} as const;

export const MONIKER = "moniker.spinnaker.io/";
export const ARTIFACT = "artifact.spinnaker.io/";

export const annotationOf = (o: KubeObject, key: string): string | undefined =>
  o.metadata?.annotations?.[key];

/** Kinds Spinnaker versions by default: ReplicaSet, Pod, ConfigMap, Secret. */
export function versionedByDefault(kind: string): boolean {
  return KINDS[kind.toLowerCase()]?.versioned === true;
}

/** Versioned: the annotation, else the stage's `versioned`, else the kind's default. */
export function isVersioned(o: KubeObject, stageVersioned?: boolean): boolean {
  const a = annotationOf(o, ANNOTATIONS.versioned);
  if (a !== undefined) return a.trim().toLowerCase() === "true";
  if (stageVersioned !== undefined) return stageVersioned;
  return versionedByDefault(kindOf(o));
}

/** `strategy.spinnaker.io/max-version-history`, when a non-negative integer. */
export function maxVersionHistory(o: KubeObject): number | undefined {
  const a = annotationOf(o, ANNOTATIONS.maxVersionHistory);
  if (a === undefined || !/^\s*\d+\s*$/.test(a)) return undefined;
  return Number(a);
}

/** How an object is sent (precedence recreate > replace > server-side-apply > apply). */
export function deployStrategyOf(
  o: KubeObject,
):
  | { kind: "apply" }
  | { kind: "server-side"; forceConflicts: boolean }
  | { kind: "replace" }
  | { kind: "recreate" } {
  if (annotationOf(o, ANNOTATIONS.recreate)?.toLowerCase() === "true") return { kind: "recreate" };
  if (annotationOf(o, ANNOTATIONS.replace)?.toLowerCase() === "true") return { kind: "replace" };
  const ssa = annotationOf(o, ANNOTATIONS.serverSideApply)?.toLowerCase();
  if (ssa === "true") return { kind: "server-side", forceConflicts: false };
  if (ssa === "force-conflicts") return { kind: "server-side", forceConflicts: true };
  return { kind: "apply" };
}

/** Kinds that have `spec.replicas` (clouddriver's CanScale). */
export const SCALABLE = new Set(["Deployment", "ReplicaSet", "StatefulSet"]);
/** Kinds `kubectl rollout undo` works on (CanUndoRollout). */
export const UNDOABLE = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
/** Kinds that run pods: enable/disable patch their pods too. */
export const HAS_PODS = new Set(["ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job"]);
/** Kinds that can receive traffic from a Service. */
export const RECEIVES_TRAFFIC = new Set([
  "Pod",
  "ReplicaSet",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
]);

// ---- monikers and artifacts -------------------------------------------------------------------

/** Spinnaker's moniker of a manifest: the application and the cluster (`kind name` by default). */
export interface ManifestMoniker {
  app: string;
  cluster: string;
  stack?: string;
  detail?: string;
  sequence?: number;
}

/** The artifact an object is (`kubernetes/replicaSet` web v001 in namespace prod). */
export interface KubeArtifact {
  type: string;
  name: string;
  location: string;
  version?: string;
  reference: string;
  metadata?: Record<string, unknown>;
}

const clone = <T>(v: T): T => structuredClone(v);

/** `obj[key]`, set to `empty` first when it is absent. */
export function ensure<O extends object, K extends keyof O>(
  obj: O,
  key: K,
  empty: NonNullable<O[K]>,
): NonNullable<O[K]> {
  if (obj[key] === undefined || obj[key] === null) obj[key] = empty;
  return obj[key] as NonNullable<O[K]>;
}

function setIfAbsent(map: Record<string, string>, key: string, value: string | undefined): void {
  if (value !== undefined && map[key] === undefined) map[key] = value;
}

/** The pod template's metadata, for kinds that have one. */
export function templateMetadata(o: KubeObject, create = false): KubeObject["metadata"] | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  const kind = canonicalKind(kindOf(o));
  let template: Record<string, unknown> | undefined;
  if (kind === "CronJob") {
    const jt = (spec.jobTemplate as Record<string, unknown> | undefined)?.spec as
      | Record<string, unknown>
      | undefined;
    template = jt?.template as Record<string, unknown> | undefined;
  } else template = spec.template as Record<string, unknown> | undefined;
  if (!template || typeof template !== "object") return undefined;
  if (!template.metadata && create) template.metadata = {};
  return template.metadata as KubeObject["metadata"] | undefined;
}

/**
 * Writes the moniker annotations (never overwriting ones already there) on the object and its pod
 * template, the artifact annotations, and the managed-by labels; returns a copy.
 */
export function annotate(o: KubeObject, moniker: ManifestMoniker, artifact: KubeArtifact): KubeObject {
  const out = clone(o);
  out.metadata ??= {};
  const annotations = ensure(out.metadata, "annotations", {});
  const labels = ensure(out.metadata, "labels", {});
  const write = (map: Record<string, string>) => {
    setIfAbsent(map, `${MONIKER}application`, moniker.app);
    setIfAbsent(map, `${MONIKER}cluster`, moniker.cluster);
    setIfAbsent(map, `${MONIKER}stack`, moniker.stack);
    setIfAbsent(map, `${MONIKER}detail`, moniker.detail);
    if (moniker.sequence !== undefined) map[`${MONIKER}sequence`] = String(moniker.sequence);
  };
  write(annotations);
  annotations[`${ARTIFACT}type`] = artifact.type;
  annotations[`${ARTIFACT}name`] = artifact.name;
  annotations[`${ARTIFACT}location`] = artifact.location;
  if (artifact.version) annotations[`${ARTIFACT}version`] = artifact.version;
  else delete annotations[`${ARTIFACT}version`];
  setIfAbsent(labels, "app.kubernetes.io/name", moniker.app);
  labels["app.kubernetes.io/managed-by"] = "capstan";
  if (moniker.sequence !== undefined) labels[`${MONIKER}sequence`] = String(moniker.sequence);
  const tm = templateMetadata(out, true);
  if (tm) {
    write(ensure(tm, "annotations", {}));
    const tl = ensure(tm, "labels", {});
    setIfAbsent(tl, "app.kubernetes.io/name", moniker.app);
    tl["app.kubernetes.io/managed-by"] = "capstan";
    if (moniker.sequence !== undefined) tl[`${MONIKER}sequence`] = String(moniker.sequence);
  }
  return out;
}

/** The moniker an object carries, as clouddriver reads it (ReplicaSets fall back on the revision). */
export function monikerOf(o: KubeObject, fallbackApp = ""): ManifestMoniker {
  const a = o.metadata?.annotations ?? {};
  const seqText =
    a[`${MONIKER}sequence`] ??
    (canonicalKind(kindOf(o)) === "ReplicaSet" ? a[ANNOTATIONS.revision] : undefined);
  const seq = seqText !== undefined && /^\d+$/.test(seqText) ? Number(seqText) : undefined;
  return {
    app: a[`${MONIKER}application`] ?? fallbackApp,
    cluster: a[`${MONIKER}cluster`] ?? `${spinnakerKind(kindOf(o))} ${baseName(nameOf(o))}`,
    ...(a[`${MONIKER}stack`] ? { stack: a[`${MONIKER}stack`] } : {}),
    ...(a[`${MONIKER}detail`] ? { detail: a[`${MONIKER}detail`] } : {}),
    ...(seq !== undefined ? { sequence: seq } : {}),
  };
}

const VERSION_SUFFIX = /^(.*)-v(\d{3,})$/;

/** `web-v002` -> `web`; unversioned names are returned as they are. */
export function baseName(name: string): string {
  return VERSION_SUFFIX.exec(name)?.[1] ?? name;
}

/** `web-v002` -> 2; unversioned names -> undefined. */
export function versionNumberOf(name: string): number | undefined {
  const m = VERSION_SUFFIX.exec(name);
  return m ? Number(m[2]) : undefined;
}

/** `v002` for 2 (String.format("v%03d")). */
export const versionText = (n: number): string => `v${String(n).padStart(3, "0")}`;

/** The artifact an object is, from its kind, name and namespace. */
export function artifactOf(o: KubeObject, namespace: string, version?: number): KubeArtifact {
  const name = nameOf(o);
  const base = version === undefined ? name : baseName(name);
  const v = version === undefined ? undefined : versionText(version);
  return {
    type: `kubernetes/${spinnakerKind(kindOf(o))}`,
    name: base,
    location: namespace,
    ...(v ? { version: v } : {}),
    reference: v ? `${base}-${v}` : name,
  };
}
