// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for (Accept: ...;as=Table) when it
// prints human-readable output, with the columns the real server defines for each kind.
import { selectorString } from "./selectors.js";
import type {
  ContainerStatus,
  CoreEvent,
  DaemonSet,
  Deployment,
  Endpoints,
  Job,
  KObject,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  Service,
  StatefulSet,
} from "./types.js";
import { age } from "./util.js";

interface Column {
  name: string;
  type: "string" | "integer" | "date";
  format?: string;
  description: string;
  priority: number;
}

const col = (name: string, type: Column["type"] = "string", priority = 0, format = ""): Column => ({
  name,
  type,
  format,
  description: name === "Name" ? "Name must be unique within a namespace." : `${name} of the object`,
  priority,
});

function images(t: PodTemplateSpec | undefined): [string, string] {
  const cs = t?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(","), cs.map((c) => c.image ?? "").join(",")];
}

function podStatusReason(pod: Pod): string {
  let reason = pod.status?.reason ?? pod.status?.phase ?? "Unknown";
  const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
  for (const cs of statuses) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated) {
      const t = cs.state.terminated;
      reason = t.reason ?? (t.exitCode === 0 ? "Completed" : `ExitCode:${t.exitCode}`);
    }
  }
  if (pod.status?.phase === "Running" && statuses.every((s) => s.state?.running)) reason = "Running";
  if (pod.status?.phase === "Pending" && statuses.length === 0 && pod.spec.nodeName)
    reason = "ContainerCreating";
  if (pod.metadata.deletionTimestamp) reason = "Terminating";
  return reason;
}

function restarts(pod: Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const n = statuses.reduce((s, c) => s + (c.restartCount ?? 0), 0);
  const last = statuses
    .map((c) => c.lastState?.terminated?.finishedAt)
    .filter((x): x is string => !!x)
    .sort()
    .pop();
  return last && n > 0 ? `${n} (${age(last)} ago)` : String(n);
}

type Row = { cells: unknown[] };

function rowFor(obj: KObject): { columns: Column[]; cells: unknown[] } {
  const name = obj.metadata.name ?? "";
  const created = age(obj.metadata.creationTimestamp);
  switch (obj.kind) {
    case "Pod": {
      const p = obj as Pod;
      const cs = p.status?.containerStatuses ?? [];
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Ready"),
          col("Status"),
          col("Restarts"),
          col("Age"),
          col("IP", "string", 1),
          col("Node", "string", 1),
          col("Nominated Node", "string", 1),
          col("Readiness Gates", "string", 1),
        ],
        cells: [
          name,
          `${cs.filter((c) => c.ready).length}/${p.spec.containers.length}`,
          podStatusReason(p),
          restarts(p),
          created,
          p.status?.podIP ?? "<none>",
          p.spec.nodeName ?? "<none>",
          "<none>",
          "<none>",
        ],
      };
    }
    case "Deployment": {
      const d = obj as Deployment;
      const [c, i] = images(d.spec.template);
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Ready"),
          col("Up-to-date", "integer"),
          col("Available", "integer"),
          col("Age"),
          col("Containers", "string", 1),
          col("Images", "string", 1),
          col("Selector", "string", 1),
        ],
        cells: [
          name,
          `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
          d.status?.updatedReplicas ?? 0,
          d.status?.availableReplicas ?? 0,
          created,
          c,
          i,
          selectorString(d.spec.selector),
        ],
      };
    }
    case "ReplicaSet": {
      const r = obj as ReplicaSet;
      const [c, i] = images(r.spec.template);
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Desired", "integer"),
          col("Current", "integer"),
          col("Ready", "integer"),
          col("Age"),
          col("Containers", "string", 1),
          col("Images", "string", 1),
          col("Selector", "string", 1),
        ],
        cells: [
          name,
          r.spec.replicas ?? 1,
          r.status?.replicas ?? 0,
          r.status?.readyReplicas ?? 0,
          created,
          c,
          i,
          selectorString(r.spec.selector),
        ],
      };
    }
    case "StatefulSet": {
      const s = obj as StatefulSet;
      const [c, i] = images(s.spec.template);
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Ready"),
          col("Age"),
          col("Containers", "string", 1),
          col("Images", "string", 1),
        ],
        cells: [name, `${s.status?.readyReplicas ?? 0}/${s.spec.replicas ?? 1}`, created, c, i],
      };
    }
    case "DaemonSet": {
      const d = obj as DaemonSet;
      const st = d.status;
      const [c, i] = images(d.spec.template);
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Desired", "integer"),
          col("Current", "integer"),
          col("Ready", "integer"),
          col("Up-to-date", "integer"),
          col("Available", "integer"),
          col("Node Selector"),
          col("Age"),
          col("Containers", "string", 1),
          col("Images", "string", 1),
          col("Selector", "string", 1),
        ],
        cells: [
          name,
          st?.desiredNumberScheduled ?? 0,
          st?.currentNumberScheduled ?? 0,
          st?.numberReady ?? 0,
          st?.updatedNumberScheduled ?? 0,
          st?.numberAvailable ?? 0,
          "<none>",
          created,
          c,
          i,
          selectorString(d.spec.selector),
        ],
      };
    }
    case "Job": {
      const j = obj as Job;
      const conds = j.status?.conditions ?? [];
      const has = (t: string) => conds.some((x) => x.type === t && x.status === "True");
      const status = has("Complete")
        ? "Complete"
        : has("Failed")
          ? "Failed"
          : j.spec.suspend
            ? "Suspended"
            : has("FailureTarget")
              ? "FailureTarget"
              : "Running";
      const start = j.status?.startTime ? Date.parse(j.status.startTime) : undefined;
      const end = j.status?.completionTime ? Date.parse(j.status.completionTime) : Date.now();
      const duration = start !== undefined ? age(new Date(start).toISOString(), end) : "";
      const [c, i] = images(j.spec.template);
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Status"),
          col("Completions"),
          col("Duration"),
          col("Age"),
          col("Containers", "string", 1),
          col("Images", "string", 1),
          col("Selector", "string", 1),
        ],
        cells: [
          name,
          status,
          `${j.status?.succeeded ?? 0}/${j.spec.completions ?? 1}`,
          duration,
          created,
          c,
          i,
          selectorString(j.spec.selector),
        ],
      };
    }
    case "Service": {
      const s = obj as Service;
      const ports = (s.spec.ports ?? [])
        .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`)
        .join(",");
      const external =
        s.spec.type === "LoadBalancer"
          ? (s.status?.loadBalancer?.ingress ?? []).map((x) => x.ip).join(",") || "<pending>"
          : "<none>";
      const sel =
        Object.entries(s.spec.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(",") || "<none>";
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Type"),
          col("Cluster-IP"),
          col("External-IP"),
          col("Port(s)"),
          col("Age"),
          col("Selector", "string", 1),
        ],
        cells: [
          name,
          s.spec.type ?? "ClusterIP",
          s.spec.clusterIP ?? "",
          external,
          ports || "<none>",
          created,
          sel,
        ],
      };
    }
    case "Endpoints": {
      const e = obj as Endpoints;
      const list = (e.subsets ?? []).flatMap((s) =>
        (s.addresses ?? []).flatMap((a) => (s.ports ?? [{ port: 0 }]).map((p) => `${a.ip}:${p.port}`)),
      );
      const shown =
        list.length > 3 ? `${list.slice(0, 3).join(",")} + ${list.length - 3} more...` : list.join(",");
      return {
        columns: [col("Name", "string", 0, "name"), col("Endpoints"), col("Age")],
        cells: [name, shown || "<none>", created],
      };
    }
    case "ConfigMap":
    case "Secret": {
      const data =
        Object.keys(((obj as { data?: object }).data ?? {}) as object).length +
        Object.keys(((obj as { binaryData?: object }).binaryData ?? {}) as object).length;
      if (obj.kind === "Secret")
        return {
          columns: [col("Name", "string", 0, "name"), col("Type"), col("Data", "integer"), col("Age")],
          cells: [name, (obj as { type?: string }).type ?? "Opaque", data, created],
        };
      return {
        columns: [col("Name", "string", 0, "name"), col("Data", "integer"), col("Age")],
        cells: [name, data, created],
      };
    }
    case "Namespace":
      return {
        columns: [col("Name", "string", 0, "name"), col("Status"), col("Age")],
        cells: [name, (obj as { status?: { phase?: string } }).status?.phase ?? "Active", created],
      };
    case "Event": {
      const e = obj as CoreEvent;
      const io = e.involvedObject;
      return {
        columns: [col("Last Seen"), col("Type"), col("Reason"), col("Object"), col("Message")],
        cells: [
          age(e.lastTimestamp ?? obj.metadata.creationTimestamp),
          e.type ?? "Normal",
          e.reason ?? "",
          `${(io.kind ?? "").toLowerCase()}/${io.name ?? ""}`,
          e.message ?? "",
        ],
      };
    }
    case "ControllerRevision": {
      const owner = obj.metadata.ownerReferences?.find((o) => o.controller);
      return {
        columns: [
          col("Name", "string", 0, "name"),
          col("Controller"),
          col("Revision", "integer"),
          col("Age"),
        ],
        cells: [
          name,
          owner ? `${owner.kind.toLowerCase()}.apps/${owner.name}` : "<none>",
          (obj as { revision?: number }).revision ?? 0,
          created,
        ],
      };
    }
    default:
      return { columns: [col("Name", "string", 0, "name"), col("Age")], cells: [name, created] };
  }
}

function partialMetadata(obj: KObject): KObject {
  const { managedFields: _m, ...meta } = obj.metadata;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: meta };
}

export type IncludeObject = "None" | "Metadata" | "Object";

export function table(
  kind: string,
  items: KObject[],
  resourceVersion: string,
  include: IncludeObject = "Metadata",
  continueToken?: string,
): Record<string, unknown> {
  const probe: KObject = { kind, metadata: { name: "" }, spec: { containers: [] } };
  const columns = rowFor(items[0] ?? probe).columns;
  const rows: (Row & { object?: unknown })[] = items.map((o) => {
    const row: Row & { object?: unknown } = { cells: rowFor(o).cells };
    if (include === "Metadata") row.object = partialMetadata(o);
    else if (include === "Object") row.object = o;
    return row;
  });
  const metadata: Record<string, unknown> = { resourceVersion };
  if (continueToken) metadata.continue = continueToken;
  return { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata, columnDefinitions: columns, rows };
}

/** True when an Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
