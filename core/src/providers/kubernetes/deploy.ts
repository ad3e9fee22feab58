import { bindArtifacts } from "./artifacts.js";
import { KubectlError } from "./kubectl.js";
import {
  ANNOTATIONS,
  annotate,
  annotationOf,
  artifactOf,
  canonicalKind,
  deployStrategyOf,
  ensure,
  isVersioned,
  type KubeArtifact,
  type KubeObject,
  kindOf,
  type ManifestMoniker,
  manifestNameOf,
  maxVersionHistory,
  nameOf,
  type ObjectRef,
  refOf,
  SCALABLE,
  sortForDeploy,
  spinnakerKind,
  versionText,
} from "./manifest.js";
import type { KubeSession } from "./session.js";
import { attachServices, parseLoadBalancer, serviceSelector } from "./traffic.js";
import { chooseVersion, versionsOf, versionsToPrune } from "./versioning.js";

/** Kinds that live outside namespaces (no namespace is set on them). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PersistentVolume",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "PriorityClass",
]);

export type TrafficStrategy = "redblack" | "bluegreen" | "highlander" | "none";

/** What a deployManifest stage asks for. */
export interface DeployRequest {
  manifests: KubeObject[];
  /** Spinnaker's namespaceOverride: every namespaced object goes there. */
  namespaceOverride?: string;
  moniker?: Partial<ManifestMoniker>;
  /** The stage's `versioned` (the annotation wins). */
  versioned?: boolean;
  services: string[];
  enableTraffic: boolean;
  /** Artifacts from upstream stages, bound into the manifests (config maps, secrets, images). */
  artifacts: KubeArtifact[];
  /** false: no artifact binding (Spinnaker's enableArtifactBinding). */
  bindArtifacts?: boolean;
}

/** One object the stage applied. */
export interface DeployedManifest extends ObjectRef {
  /** `replicaSet web-v001`. */
  manifestName: string;
  artifact: KubeArtifact;
  moniker: ManifestMoniker;
  versioned: boolean;
  /** An identical earlier version was reused. */
  reused: boolean;
  /** The object as the server returned it. */
  manifest: KubeObject;
  /** `deployment.kubernetes.io/revision` before the apply (undo on failure). */
  previousRevision?: number;
  /** The object did not exist before. */
  created: boolean;
  /** Its strategy.spinnaker.io/max-version-history, when versioned and set. */
  maxVersionHistory?: number;
  /** The older versions that history leaves out (deleted once this one is stable). */
  pruneVersions?: string[];
}

/** Flattens `List` objects and drops empty documents. */
export function flattenManifests(values: readonly unknown[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const v of values) {
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const o = v as KubeObject;
    if (o.kind === "List" && Array.isArray(o.items)) out.push(...flattenManifests(o.items as unknown[]));
    else out.push(o);
  }
  return out;
}

const asText = (v: unknown): unknown => (typeof v === "number" || typeof v === "boolean" ? String(v) : v);
function textValues(map: unknown): void {
  if (!map || typeof map !== "object" || Array.isArray(map)) return;
  for (const [k, v] of Object.entries(map)) (map as Record<string, unknown>)[k] = asText(v);
}

/**
 * Fields Kubernetes wants as strings that an expression may have made a number or boolean
 * (`"\${ 10 * 2 }"` evaluates to 20): labels, annotations, ConfigMap and Secret data.
 */
export function stringifyScalars(o: KubeObject): KubeObject {
  const out = structuredClone(o);
  textValues(out.metadata?.labels);
  textValues(out.metadata?.annotations);
  const kind = canonicalKind(kindOf(out));
  if (kind === "ConfigMap" || kind === "Secret") {
    textValues(out.data);
    textValues(out.stringData);
  }
  return out;
}

/** Sets the namespace of namespaced objects (the override, else their own, else the default). */
export function placeInNamespace(o: KubeObject, defaultNamespace: string, override?: string): KubeObject {
  if (CLUSTER_SCOPED.has(canonicalKind(kindOf(o)))) return o;
  const out = structuredClone(o);
  out.metadata ??= {};
  out.metadata.namespace = override || out.metadata.namespace || defaultNamespace;
  return out;
}

/** A manifest that cannot be deployed as written. */
export function checkManifest(o: KubeObject, index: number): string | undefined {
  if (!o.kind || !o.apiVersion) return `manifests[${index}] needs apiVersion and kind`;
  if (!o.metadata?.name && !o.metadata?.generateName)
    return `manifests[${index}] (${o.kind}) needs metadata.name (or metadata.generateName)`;
  return undefined;
}

async function serviceSelectors(
  session: KubeSession,
  request: DeployRequest,
  namespace: string,
): Promise<{ name: string; text: string; selector: Record<string, string> }[] | { error: string }> {
  const out: { name: string; text: string; selector: Record<string, string> }[] = [];
  for (const text of request.services) {
    const lb = parseLoadBalancer(text);
    if ("error" in lb) return lb;
    const inRequest = request.manifests.find(
      (m) => canonicalKind(kindOf(m)) === "Service" && nameOf(m) === lb.name,
    );
    const service = inRequest ?? (await session.kubectl.get({ kind: "Service", name: lb.name, namespace }));
    if (!service) return { error: `service ${lb.name} not found in namespace ${namespace}` };
    const found = serviceSelector(service);
    if ("error" in found) return found;
    const selector = found.selector;
    out.push({ name: lb.name, text: `service ${lb.name}`, selector });
  }
  return out;
}

const replicasOf = (o: KubeObject | undefined): number | undefined => {
  const r = (o?.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof r === "number" ? r : undefined;
};

const revisionOf = (o: KubeObject | undefined): number | undefined => {
  const r = o ? annotationOf(o, ANNOTATIONS.revision) : undefined;
  return r && /^\d+$/.test(r) ? Number(r) : undefined;
};

/**
 * Deploys the request's manifests as clouddriver's deployManifest does: in deploy-priority order,
 * each bound to upstream artifacts and to the versions deployed before it, attached to the
 * traffic services, annotated, versioned (`-vNNN`, reusing an identical earlier version) and sent
 * with its strategy (apply, server-side apply, replace, recreate; create for generateName).
 */
export async function deployManifests(
  session: KubeSession,
  request: DeployRequest,
  log: (line: string) => void = session.log,
): Promise<{ deployed: DeployedManifest[] } | { error: string; deployed: DeployedManifest[] }> {
  const deployed: DeployedManifest[] = [];
  for (const [i, m] of request.manifests.entries()) {
    const problem = checkManifest(m, i);
    if (problem) return { error: problem, deployed };
  }
  const placed = sortForDeploy(
    request.manifests.map((m) =>
      stringifyScalars(placeInNamespace(m, session.namespace, request.namespaceOverride)),
    ),
  );
  for (const m of placed) {
    const refused = session.namespaceError(m.metadata?.namespace);
    if (refused) return { error: `${spinnakerKind(kindOf(m))} ${nameOf(m)}: ${refused}`, deployed };
  }
  const artifacts = [...request.artifacts];
  const selectorsByNs = new Map<string, Awaited<ReturnType<typeof serviceSelectors>>>();
  const existingByKind = new Map<string, KubeObject[]>();
  for (const original of placed) {
    const kind = canonicalKind(kindOf(original));
    const namespace = original.metadata?.namespace ?? session.namespace;
    const name = nameOf(original);
    let manifest = original;
    try {
      if (request.bindArtifacts !== false) {
        const bound = bindArtifacts(manifest, artifacts);
        manifest = bound.object;
        for (const a of bound.bound)
          log(`${spinnakerKind(kind)} ${name}: bound ${a.type} ${a.name} -> ${a.reference}`);
      }
      const strategy = deployStrategyOf(manifest);
      // use-source-capacity: the replicas of what runs now.
      const versioned = isVersioned(manifest, request.versioned);
      let existing: KubeObject[] = [];
      if (versioned) {
        const key = `${kind}/${namespace}`;
        existing = existingByKind.get(key) ?? (await session.kubectl.list([kind.toLowerCase()], namespace));
        existingByKind.set(key, existing);
      }
      if (
        annotationOf(manifest, ANNOTATIONS.useSourceCapacity)?.toLowerCase() === "true" &&
        SCALABLE.has(kind)
      ) {
        const source = versioned
          ? versionsOf(name, kind, existing).at(-1)
          : await session.kubectl.get({ kind, name, namespace });
        const replicas = replicasOf(source);
        if (replicas !== undefined) {
          manifest = structuredClone(manifest);
          ensure(manifest, "spec", {}).replicas = replicas;
          log(
            `${spinnakerKind(kind)} ${name}: replicas ${replicas} from ${nameOf(source as KubeObject)} (use-source-capacity)`,
          );
        }
      }
      if (
        request.services.length > 0 &&
        ["ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob"].includes(kind)
      ) {
        let selectors = selectorsByNs.get(namespace);
        if (!selectors) {
          selectors = await serviceSelectors(session, request, namespace);
          selectorsByNs.set(namespace, selectors);
        }
        if ("error" in selectors) return { error: selectors.error, deployed };
        const attached = attachServices(manifest, selectors, request.enableTraffic);
        if ("error" in attached)
          return { error: `${spinnakerKind(kind)} ${name}: ${attached.error}`, deployed };
        manifest = attached;
      }
      const moniker: ManifestMoniker = {
        app: request.moniker?.app ?? session.application,
        cluster: request.moniker?.cluster ?? `${spinnakerKind(kind)} ${name}`,
        ...(request.moniker?.stack ? { stack: request.moniker.stack } : {}),
        ...(request.moniker?.detail ? { detail: request.moniker.detail } : {}),
      };
      let version: number | undefined;
      let reused = false;
      if (versioned && name) {
        const unversioned = annotate(manifest, moniker, artifactOf(manifest, namespace));
        const choice = chooseVersion(unversioned, existing);
        version = choice.version;
        reused = choice.reused;
      }
      const finalName = version === undefined ? name : `${name}-${versionText(version)}`;
      let toSend = structuredClone(manifest);
      if (finalName) ensure(toSend, "metadata", {}).name = finalName;
      const artifact = artifactOf(toSend, namespace, version);
      toSend = annotate(
        toSend,
        { ...moniker, ...(version !== undefined ? { sequence: version } : {}) },
        artifact,
      );
      const ref: ObjectRef = { kind, name: finalName, namespace };
      const before =
        finalName && !(version !== undefined && !reused) ? await session.kubectl.get(ref) : undefined;
      const mode = original.metadata?.generateName && !name ? { kind: "create" as const } : strategy;
      log(
        `${mode.kind === "create" ? "creating" : mode.kind === "apply" ? "applying" : `deploying (${mode.kind})`} ${spinnakerKind(kind)} ${finalName || original.metadata?.generateName} in ${namespace}${reused ? " (an identical version exists: reused)" : ""}`,
      );
      const result = await session.kubectl.deploy(toSend, mode);
      const actualName = nameOf(result) || finalName;
      const entry: DeployedManifest = {
        kind,
        name: actualName,
        namespace,
        manifestName: manifestNameOf({ kind, name: actualName }),
        artifact: { ...artifact, reference: actualName },
        moniker: { ...moniker, ...(version !== undefined ? { sequence: version } : {}) },
        versioned: version !== undefined,
        reused,
        manifest: result ?? toSend,
        ...(revisionOf(before) !== undefined ? { previousRevision: revisionOf(before) } : {}),
        created: before === undefined && !reused,
      };
      const keepN = version !== undefined ? maxVersionHistory(toSend) : undefined;
      if (keepN !== undefined) {
        entry.maxVersionHistory = keepN;
        // The versions listed before the apply, plus this one (the newest): the oldest beyond N go.
        const older = versionsOf(name, kind, existing).filter((o) => nameOf(o) !== actualName);
        const all = [
          ...older,
          { ...toSend, metadata: { ...toSend.metadata, creationTimestamp: new Date(8.64e15).toISOString() } },
        ];
        entry.pruneVersions = versionsToPrune(all, keepN)
          .map(nameOf)
          .filter((n) => n !== actualName);
      }
      deployed.push(entry);
      artifacts.push(entry.artifact);
    } catch (error) {
      const message = error instanceof KubectlError ? error.message : (error as Error).message;
      return { error: `${spinnakerKind(kind)} ${name}: ${session.mask(message)}`, deployed };
    }
  }
  return { deployed };
}

/** Orca's `manifestNamesByNamespace` of what a stage deployed. */
export function manifestNamesByNamespace(
  deployed: readonly ObjectRef[],
  fallback: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of deployed) ensure(out, d.namespace ?? fallback, []).push(manifestNameOf(d));
  return out;
}

/** The deployed objects as Spinnaker's `outputs.manifests`, `createdArtifacts` and server groups. */
export function deployOutputs(
  deployed: readonly DeployedManifest[],
  session: KubeSession,
): Record<string, unknown> {
  const byNs = manifestNamesByNamespace(deployed, session.namespace);
  const serverGroups: Record<string, string[]> = {};
  for (const d of deployed)
    if (["ReplicaSet", "StatefulSet", "DaemonSet", "Deployment", "Pod", "Job"].includes(d.kind))
      ensure(serverGroups, d.namespace ?? session.namespace, []).push(d.manifestName);
  return {
    manifests: deployed.map((d) => stripManaged(d.manifest)),
    manifestNamesByNamespace: byNs,
    createdArtifacts: deployed.map((d) => d.artifact),
    artifacts: deployed.map((d) => d.artifact),
    versions: Object.fromEntries(
      deployed
        .filter((d) => d.versioned)
        .map((d) => [`${spinnakerKind(d.kind)} ${d.artifact.name}`, d.artifact.version]),
    ),
    "deploy.account.name": session.account.name,
    "deploy.server.groups": serverGroups,
    serverGroups: Object.values(serverGroups).flat(),
  };
}

/** The object without managedFields (noise in records). */
export function stripManaged(o: KubeObject): KubeObject {
  if (!o?.metadata?.managedFields) return o;
  const copy = structuredClone(o);
  delete copy.metadata?.managedFields;
  return copy;
}

export { refOf };
