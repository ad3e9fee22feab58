// The API machinery behind every verb: decoding against the published schema (strict, warn or
// ignore for unknown fields), defaulting, validation, resourceVersion preconditions, generation,
// field ownership, the three patch kinds and server-side apply, and deletion with finalizers,
// propagation policies and pods' graceful termination. The HTTP server and the controllers both
// write through it, as clients and controllers of a real cluster all go through the API server.
import { ApplyConflict, serverSideApply, trackUpdate } from "./fields.js";
import { clone, deepEqual, jsonPatch, mergePatch, PatchError, strategicMergePatch } from "./patch.js";
import { groupVersion, qualifiedResource, RESOURCES, type ResourceType } from "./resources.js";
import { dropUnknownFields, schemaProblems, unknownFields } from "./schema.js";
import {
  matchesFields,
  matchesRequirements,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "./selectors.js";
import { applyDefaults, type FieldError, validate } from "./semantics.js";
import type { Store } from "./store.js";
import type { KObject, Pod } from "./types.js";
import { now, uid } from "./util.js";

export interface StatusObject {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, unknown>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export class ApiError extends Error {
  constructor(readonly status: StatusObject) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

export function failure(
  code: number,
  reason: string,
  message: string,
  details?: StatusObject["details"],
): ApiError {
  const s: StatusObject = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details) s.details = details;
  return new ApiError(s);
}

export function notFound(r: ResourceType, name: string): ApiError {
  return failure(404, "NotFound", `${qualifiedResource(r)} "${name}" not found`, {
    name,
    group: r.group || undefined,
    kind: r.plural,
  });
}

function conflict(r: ResourceType, name: string): ApiError {
  return failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: r.group || undefined, kind: r.plural },
  );
}

function invalid(r: ResourceType, name: string, errs: FieldError[]): ApiError {
  const parts = errs.map((e) => `${e.field}: ${e.message}`);
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  return failure(
    422,
    "Invalid",
    `${kind} "${name}" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`}`,
    {
      name,
      group: r.group || undefined,
      kind: r.kind,
      causes: errs.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
    },
  );
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  force?: boolean;
}

export interface WriteResult {
  object: KObject;
  code: number;
  warnings: string[];
}

export interface DeleteOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export const PATCH_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

const STATUS_SUBRESOURCE_KINDS = new Set([
  "CronJob",
  "Ingress",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "PersistentVolumeClaim",
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "Pod",
  "Service",
  "Namespace",
]);

function initialStatus(r: ResourceType, obj: KObject): unknown {
  switch (r.kind) {
    case "Pod":
      return { phase: "Pending", qosClass: "BestEffort" };
    case "Service":
      return { loadBalancer: {} };
    case "Namespace":
      return { phase: "Active" };
    // Non-optional fields of these statuses are always encoded, as zero.
    case "ReplicaSet":
    case "StatefulSet":
      return { replicas: 0 };
    case "DaemonSet":
      return { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    case "HorizontalPodAutoscaler":
      return { desiredReplicas: 0 };
    case "PodDisruptionBudget":
      return { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    case "PersistentVolumeClaim":
      return { phase: "Pending" };
    case "Ingress":
      return { loadBalancer: {} };
    default:
      return STATUS_SUBRESOURCE_KINDS.has(r.kind) ? {} : (obj as Record<string, unknown>).status;
  }
}

/** What the writes of an object say without the bookkeeping the server changes on every write. */
function comparable(o: KObject): unknown {
  const c = clone(o);
  delete c.metadata.resourceVersion;
  delete c.metadata.managedFields;
  return c;
}

export class Api {
  constructor(
    readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  private ts(): string {
    return now(this.clock());
  }

  get(r: ResourceType, namespace: string | undefined, name: string): KObject {
    const o = this.store.get(r, namespace, name);
    if (!o) throw notFound(r, name);
    return o;
  }

  list(
    r: ResourceType,
    namespace: string | undefined,
    labelSelector?: string | null,
    fieldSelector?: string | null,
  ): { items: KObject[]; resourceVersion: string } {
    const labels = this.selector(() => parseLabelSelector(labelSelector));
    const fields = this.selector(() => parseFieldSelector(fieldSelector, r.kind));
    const items = this.store
      .list(r, r.namespaced ? namespace : undefined)
      .filter((o) => matchesRequirements(o.metadata.labels, labels) && matchesFields(o, fields));
    return { items, resourceVersion: String(this.store.resourceVersion) };
  }

  /** Parses a selector, turning its syntax error into the 400 the server answers. */
  selector<T>(parse: () => T): T {
    try {
      return parse();
    } catch (e) {
      if (e instanceof SelectorError) throw failure(400, "BadRequest", e.message);
      throw e;
    }
  }

  /** Decodes a request body against the kind's schema: unknown fields and JSON type errors. */
  private decode(r: ResourceType, body: unknown, validation: FieldValidation, warnings: string[]): KObject {
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw failure(
        400,
        "BadRequest",
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      );
    const obj = clone(body) as KObject;
    stripNulls(obj);
    obj.metadata ??= {};
    const kindText = `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}`;
    if (obj.apiVersion !== undefined && obj.apiVersion !== groupVersion(r))
      throw failure(
        400,
        "BadRequest",
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${groupVersion(r)})`,
      );
    if (obj.kind !== undefined && obj.kind !== r.kind)
      throw failure(
        400,
        "BadRequest",
        `the kind in the data (${String(obj.kind)}) does not match the expected kind (${r.kind})`,
      );
    obj.apiVersion = groupVersion(r);
    obj.kind = r.kind;
    const typeErrors = schemaProblems(r, obj).filter((p) => p.code === 400);
    if (typeErrors.length > 0)
      throw failure(400, "BadRequest", `${kindText}: json: ${typeErrors[0].message}`);
    const unknown = unknownFields(r, obj);
    if (unknown.length > 0) {
      if (validation === "Strict")
        throw failure(
          400,
          "BadRequest",
          `${kindText}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`,
        );
      if (validation === "Warn") for (const f of unknown) warnings.push(`unknown field "${f}"`);
      dropUnknownFields(r, obj);
    }
    return obj;
  }

  /** Defaults then validates (schema and semantics); throws the 422. */
  private admit(r: ResourceType, obj: KObject, old: KObject | undefined): void {
    applyDefaults(r, obj, !old);
    const errs: FieldError[] = [];
    for (const p of schemaProblems(r, obj)) {
      if (p.code === 422)
        errs.push({ field: p.field, reason: p.reason as FieldError["reason"], message: p.message });
      else errs.push({ field: p.field, reason: "FieldValueInvalid", message: `Invalid value: ${p.message}` });
    }
    for (const e of validate(r, obj, old))
      if (!errs.some((x) => x.field === e.field && x.message === e.message)) errs.push(e);
    if (errs.length > 0) throw invalid(r, obj.metadata.name ?? obj.metadata.generateName ?? "", errs);
  }

  private checkNamespace(r: ResourceType, namespace: string | undefined, obj: KObject): void {
    if (!r.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace)
      throw failure(
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? "default";
  }

  private namespaceMustAccept(r: ResourceType, namespace: string | undefined, name = ""): void {
    if (!r.namespaced) return;
    const nsType = RESOURCES.find((x) => x.kind === "Namespace")!;
    const ns = this.store.get(nsType, undefined, namespace ?? "default");
    if (!ns)
      throw failure(404, "NotFound", `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: "namespaces",
      });
    if (ns.metadata.deletionTimestamp)
      throw failure(
        403,
        "Forbidden",
        `${r.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
  }

  create(
    r: ResourceType,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions = {},
  ): WriteResult {
    const warnings: string[] = [];
    const obj = this.decode(r, body, opts.fieldValidation ?? "Strict", warnings);
    this.checkNamespace(r, namespace, obj);
    this.namespaceMustAccept(r, obj.metadata.namespace, obj.metadata.name ?? obj.metadata.generateName);
    return this.createDecoded(r, obj, opts, warnings);
  }

  private createDecoded(
    r: ResourceType,
    obj: KObject,
    opts: WriteOptions,
    warnings: string[],
    managed = false,
  ): WriteResult {
    const m = obj.metadata;
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    m.uid = r.kind === "Job" && m.uid ? m.uid : uid();
    if (!managed) delete m.managedFields;
    m.creationTimestamp = this.ts();
    if (r.generation) m.generation = 1;
    else delete m.generation;
    const status = initialStatus(r, obj);
    if (status === undefined) delete obj.status;
    else obj.status = status;
    const requested = clone(obj);
    this.admit(r, obj, undefined);
    if (this.store.get(r, m.namespace, m.name ?? ""))
      throw failure(409, "AlreadyExists", `${qualifiedResource(r)} "${m.name}" already exists`, {
        name: m.name,
        group: r.group || undefined,
        kind: r.plural,
      });
    if (!managed) {
      // The writer owns what it sent and what defaulting added, not what the registry allocated.
      const tracked = withoutAllocated(r, requested, obj);
      trackUpdate(r, undefined, tracked, opts.fieldManager ?? "unknown", groupVersion(r));
      m.managedFields = tracked.metadata.managedFields;
    }
    if (opts.dryRun) return { object: obj, code: 201, warnings };
    return { object: this.store.put(r, obj), code: 201, warnings };
  }

  update(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
    subresource?: "status",
  ): WriteResult {
    const warnings: string[] = [];
    const incoming = this.decode(r, body, opts.fieldValidation ?? "Strict", warnings);
    if (incoming.metadata.name && incoming.metadata.name !== name)
      throw failure(
        400,
        "BadRequest",
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    incoming.metadata.name = name;
    this.checkNamespace(r, namespace, incoming);
    const existing = this.store.get(r, incoming.metadata.namespace, name);
    if (!existing) throw notFound(r, name);
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(r, name);
    return this.write(r, existing, incoming, opts, warnings, subresource);
  }

  /** Stores `incoming` as the new state of `existing`, as a PUT of the main resource or its status. */
  private write(
    r: ResourceType,
    existing: KObject,
    incoming: KObject,
    opts: WriteOptions,
    warnings: string[],
    subresource?: "status",
    managed = false,
  ): WriteResult {
    let next: KObject;
    if (subresource === "status") {
      next = clone(existing);
      next.status = incoming.status;
    } else {
      next = incoming;
      if (STATUS_SUBRESOURCE_KINDS.has(r.kind)) next.status = clone(existing.status);
      const m = next.metadata;
      const e = existing.metadata;
      m.uid = e.uid;
      m.creationTimestamp = e.creationTimestamp;
      m.namespace = e.namespace;
      if (e.deletionTimestamp) {
        m.deletionTimestamp = e.deletionTimestamp;
        m.deletionGracePeriodSeconds = e.deletionGracePeriodSeconds;
      } else {
        delete m.deletionTimestamp;
        delete m.deletionGracePeriodSeconds;
      }
      if (!managed && m.managedFields === undefined) m.managedFields = clone(e.managedFields);
      if (m.generation === undefined) m.generation = e.generation;
    }
    next.metadata.generation = existing.metadata.generation;
    if (r.kind === "Service") keepAllocated(existing, next);
    this.admit(r, next, existing);
    if (r.generation && subresource !== "status") {
      const specChanged = !deepEqual(
        (next as Record<string, unknown>).spec,
        (existing as Record<string, unknown>).spec,
      );
      const deleting = !!next.metadata.deletionTimestamp && !existing.metadata.deletionTimestamp;
      if (specChanged || deleting) next.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    }
    if (!managed) {
      // A write that sets managedFields itself (kubectl's client-side -> server-side apply
      // migration) is tracked from the entries it sent.
      const sent = next.metadata.managedFields;
      const base =
        sent && !deepEqual(sent, existing.metadata.managedFields)
          ? { ...existing, metadata: { ...existing.metadata, managedFields: sent } }
          : existing;
      trackUpdate(r, base, next, opts.fieldManager ?? "unknown", groupVersion(r), subresource);
    }
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (
      deepEqual(comparable(next), comparable(existing)) &&
      deepEqual(
        next.metadata.managedFields?.map((f) => f.fieldsV1),
        existing.metadata.managedFields?.map((f) => f.fieldsV1),
      )
    )
      return { object: existing, code: 200, warnings };
    if (opts.dryRun) return { object: next, code: 200, warnings };
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0 &&
      r.kind !== "Pod"
    ) {
      const gone = this.store.remove(r, existing.metadata.namespace, existing.metadata.name ?? "");
      return { object: gone ?? next, code: 200, warnings };
    }
    return { object: this.store.put(r, next), code: 200, warnings };
  }

  patch(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: WriteOptions = {},
    subresource?: "status",
  ): WriteResult {
    const ns = r.namespaced ? (namespace ?? "default") : undefined;
    const existing = this.store.get(r, ns, name);
    if (type === "apply") return this.apply(r, ns, name, existing, body, opts, subresource);
    if (!existing) throw notFound(r, name);
    let patched: unknown;
    try {
      if (type === "json") patched = jsonPatch(existing, body);
      else if (type === "merge") patched = mergePatch(existing, body);
      else patched = strategicMergePatch(r, existing, body);
    } catch (e) {
      if (e instanceof PatchError)
        throw failure(e.code, e.code === 400 ? "BadRequest" : "Invalid", e.message);
      throw e;
    }
    const warnings: string[] = [];
    const incoming = this.decode(r, patched, opts.fieldValidation ?? "Strict", warnings);
    if (incoming.metadata.name !== name)
      throw failure(
        422,
        "Invalid",
        `metadata.name: Invalid value: ${JSON.stringify(incoming.metadata.name)}: field is immutable`,
      );
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(r, name);
    return this.write(r, existing, incoming, opts, warnings, subresource);
  }

  private apply(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    existing: KObject | undefined,
    body: unknown,
    opts: WriteOptions,
    subresource?: "status",
  ): WriteResult {
    const manager = opts.fieldManager;
    if (!manager)
      throw failure(
        422,
        "Invalid",
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    const warnings: string[] = [];
    const applied = this.decode(r, body, opts.fieldValidation ?? "Strict", warnings);
    if (applied.metadata.name && applied.metadata.name !== name)
      throw failure(
        400,
        "BadRequest",
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    applied.metadata.name = name;
    if (r.namespaced) applied.metadata.namespace = namespace;
    const LAST = "kubectl.kubernetes.io/last-applied-configuration";
    let lastApplied: KObject | undefined;
    const lastText = existing?.metadata.annotations?.[LAST];
    if (manager === "kubectl" && lastText) {
      try {
        lastApplied = JSON.parse(lastText) as KObject;
      } catch {
        // Not JSON: nothing to take over.
      }
    }
    let result: KObject;
    try {
      result = serverSideApply(
        r,
        existing,
        applied,
        manager,
        opts.force === true,
        groupVersion(r),
        lastApplied,
      );
      // kubectl's manager keeps the annotation up to date, so that a later client-side apply works.
      if (lastApplied && applied.metadata.annotations?.[LAST] === undefined) {
        const config = clone(applied);
        delete config.metadata.annotations?.[LAST];
        result.metadata.annotations = {
          ...(result.metadata.annotations ?? {}),
          [LAST]: `${JSON.stringify(config)}\n`,
        };
      }
    } catch (e) {
      if (e instanceof ApplyConflict)
        throw failure(409, "Conflict", e.message, {
          causes: e.conflicts.map((c) => ({
            reason: "FieldManagerConflict",
            message: `conflict with ${JSON.stringify(c.manager)}${c.apiVersion ? ` using ${c.apiVersion}` : ""}`,
            field: c.field,
          })),
        });
      throw e;
    }
    if (!existing) {
      this.namespaceMustAccept(r, namespace, name);
      return this.createDecoded(r, result, opts, warnings, true);
    }
    if (subresource === "status") result.metadata = clone(existing.metadata);
    return this.write(r, existing, result, opts, warnings, subresource, true);
  }

  /** The Scale subresource of a Deployment, ReplicaSet or StatefulSet. */
  scale(r: ResourceType, namespace: string | undefined, name: string): KObject {
    const o = this.get(r, namespace, name) as KObject & {
      spec?: { replicas?: number; selector?: never };
      status?: { replicas?: number };
    };
    const sel = o.spec?.selector as { matchLabels?: Record<string, string> } | undefined;
    const selector = Object.entries(sel?.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    return {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: { replicas: o.status?.replicas ?? 0, selector },
    };
  }

  /** Writes a new Scale (from PUT or PATCH of the subresource) into its object. */
  writeScale(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    scale: KObject,
    opts: WriteOptions,
  ): WriteResult {
    const existing = this.get(r, namespace, name);
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(r, name);
    const replicas = (scale as { spec?: { replicas?: unknown } }).spec?.replicas;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
      throw failure(
        422,
        "Invalid",
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      );
    const next = clone(existing) as KObject & { spec: { replicas?: number } };
    next.spec.replicas = replicas;
    const result = this.write(r, existing, next, opts, [], undefined);
    return { ...result, object: this.scale(r, namespace, name) };
  }

  delete(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): { code: number; body: unknown } {
    const ns = r.namespaced ? (namespace ?? "default") : undefined;
    const existing = this.store.get(r, ns, name);
    if (!existing) throw notFound(r, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid)
      throw failure(
        409,
        "Conflict",
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion)
      throw failure(
        409,
        "Conflict",
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    const policy =
      opts.propagationPolicy ??
      (opts.orphanDependents === true
        ? "Orphan"
        : opts.orphanDependents === false
          ? "Background"
          : r.defaultPropagation);
    const next = clone(existing);
    const m = next.metadata;
    const finalizers = new Set(m.finalizers ?? []);
    if (policy === "Foreground") finalizers.add("foregroundDeletion");
    if (policy === "Orphan") finalizers.add("orphan");
    if (policy === "Background") {
      finalizers.delete("foregroundDeletion");
      finalizers.delete("orphan");
    }
    let grace = 0;
    if (r.kind === "Pod") {
      const pod = existing as Pod;
      grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      const terminal = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
      if (!pod.spec.nodeName || terminal) grace = 0;
      if (
        m.deletionTimestamp &&
        m.deletionGracePeriodSeconds !== undefined &&
        grace > m.deletionGracePeriodSeconds
      )
        grace = m.deletionGracePeriodSeconds;
    }
    if (r.kind === "Namespace") {
      if (opts.dryRun) return { code: 200, body: next };
      if (!m.deletionTimestamp) {
        m.deletionTimestamp = this.ts();
        m.deletionGracePeriodSeconds = 0;
        (next as { status?: Record<string, unknown> }).status = { phase: "Terminating" };
        return { code: 200, body: this.store.put(r, next) };
      }
      return { code: 200, body: existing };
    }
    m.finalizers = [...finalizers];
    if (m.finalizers.length === 0) delete m.finalizers;
    if (opts.dryRun) return { code: 200, body: next };
    if (finalizers.size > 0 || grace > 0) {
      const already = !!existing.metadata.deletionTimestamp;
      if (
        !already ||
        grace !== (existing.metadata.deletionGracePeriodSeconds ?? 0) ||
        !deepEqual(existing.metadata.finalizers, m.finalizers)
      ) {
        if (!already || grace < (existing.metadata.deletionGracePeriodSeconds ?? 0))
          m.deletionTimestamp = now(this.clock() + grace * 1000);
        m.deletionGracePeriodSeconds = grace;
        if (r.generation && !already) m.generation = (m.generation ?? 0) + 1;
        const stored = this.store.put(r, next);
        return { code: 200, body: stored };
      }
      return { code: 200, body: existing };
    }
    const gone = this.store.remove(r, ns, name);
    if (r.kind === "Pod") return { code: 200, body: gone };
    return {
      code: 200,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        details: { name, group: r.group || undefined, kind: r.plural, uid: existing.metadata.uid },
      },
    };
  }

  /** Removes an object whose deletion is complete (finalizers done, pod terminated). */
  finishDeletion(r: ResourceType, namespace: string | undefined, name: string): void {
    this.store.remove(r, namespace, name);
  }

  /**
   * A controller's write that bypasses decoding (its objects are built by the double itself) but
   * keeps validation, generation and ownership tracking.
   */
  controllerUpdate(
    r: ResourceType,
    obj: KObject,
    manager: string,
    subresource?: "status",
  ): KObject | undefined {
    const existing = this.store.get(r, obj.metadata.namespace, obj.metadata.name ?? "");
    if (!existing) return undefined;
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== existing.metadata.resourceVersion)
      return undefined;
    try {
      return this.write(r, existing, clone(obj), { fieldManager: manager }, [], subresource).object;
    } catch (e) {
      if (process.env.KUBE_DOUBLE_DEBUG)
        console.error(
          `kube-double: ${manager} could not update ${r.kind} ${obj.metadata.name}: ${(e as Error).message}`,
        );
      return undefined;
    }
  }

  controllerCreate(r: ResourceType, obj: KObject, manager: string): KObject | undefined {
    try {
      return this.create(r, obj.metadata.namespace, obj, { fieldManager: manager }).object;
    } catch (e) {
      if (process.env.KUBE_DOUBLE_DEBUG)
        console.error(
          `kube-double: ${manager} could not create ${r.kind} ${obj.metadata.name ?? obj.metadata.generateName}: ${(e as Error).message}`,
        );
      return undefined;
    }
  }
}

type Spec = Record<string, unknown> & { ports?: Record<string, unknown>[] };
const ALLOCATED_SERVICE_FIELDS = ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"];
const GENERATED_JOB_LABELS = [
  "batch.kubernetes.io/controller-uid",
  "batch.kubernetes.io/job-name",
  "controller-uid",
  "job-name",
];

/** A copy of a new object without the values the registry allocated that the request did not set. */
function withoutAllocated(r: ResourceType, requested: KObject, obj: KObject): KObject {
  const out = clone(obj);
  const req = (requested.spec ?? {}) as Spec;
  const spec = (out.spec ?? {}) as Spec;
  if (r.kind === "Service") {
    for (const f of ALLOCATED_SERVICE_FIELDS) if (req[f] === undefined) delete spec[f];
    spec.ports?.forEach((p, i) => {
      if (req.ports?.[i]?.nodePort === undefined) delete p.nodePort;
    });
  }
  if (r.kind === "Job") {
    if (req.selector === undefined) delete spec.selector;
    const labels = (spec.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata
      ?.labels;
    const asked =
      (req.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels ??
      {};
    if (labels) for (const l of GENERATED_JOB_LABELS) if (asked[l] === undefined) delete labels[l];
  }
  return out;
}

/** A Service update that leaves out its allocated IPs and node ports keeps them (as the registry does). */
function keepAllocated(existing: KObject, next: KObject): void {
  const old = (existing.spec ?? {}) as Spec;
  const spec = (next.spec ?? {}) as Spec;
  if (spec.clusterIP === undefined || spec.clusterIP === "")
    for (const f of ALLOCATED_SERVICE_FIELDS)
      if (spec[f] === undefined && old[f] !== undefined) spec[f] = clone(old[f]);
  for (const p of spec.ports ?? []) {
    if (p.nodePort !== undefined) continue;
    const was = old.ports?.find((o) => o.port === p.port && (o.protocol ?? "TCP") === (p.protocol ?? "TCP"));
    if (was?.nodePort !== undefined && (spec.type === "NodePort" || spec.type === "LoadBalancer"))
      p.nodePort = was.nodePort;
  }
}

/** JSON null means "unset" to the Go decoder: such keys are dropped before anything else. */
export function stripNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) stripNulls(x);
  } else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (o[k] === null) delete o[k];
      else stripNulls(o[k]);
    }
  }
}
