// The kinds the double serves: what discovery lists, where each kind's schema is in the published
// OpenAPI documents, and the per-kind API behaviour (scope, subresources, generation, default
// deletion propagation).

export interface Subresource {
  name: "status" | "scale" | "log";
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: Subresource[];
  /** The component schema name in the group-version's OpenAPI v3 document. */
  schema: string;
  /** metadata.generation is bumped on spec changes. */
  generation: boolean;
  /** What DELETE does to dependents when the request names no propagation policy. */
  defaultPropagation: "Background" | "Orphan";
}

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function status(group: string, version: string, kind: string): Subresource {
  return { name: "status", kind, group, version, verbs: ["get", "patch", "update"] };
}
function scale(): Subresource {
  return {
    name: "scale",
    kind: "Scale",
    group: "autoscaling",
    version: "v1",
    verbs: ["get", "patch", "update"],
  };
}

function rt(
  gv: string,
  kind: string,
  plural: string,
  opts: Partial<ResourceType> & { schemaPrefix: string },
): ResourceType {
  const [group, version] = gv.includes("/") ? gv.split("/") : ["", gv];
  const { schemaPrefix, ...rest } = opts;
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    schema: `${schemaPrefix}.${kind}`,
    generation: false,
    defaultPropagation: "Background",
    ...rest,
  };
}

const CORE = "io.k8s.api.core.v1";
const APPS = "io.k8s.api.apps.v1";
const BATCH = "io.k8s.api.batch.v1";
const NETWORKING = "io.k8s.api.networking.v1";
const AUTOSCALING = "io.k8s.api.autoscaling.v2";
const POLICY = "io.k8s.api.policy.v1";
const RBAC = "io.k8s.api.rbac.v1";

export const RESOURCES: ResourceType[] = [
  rt("v1", "ConfigMap", "configmaps", { schemaPrefix: CORE, shortNames: ["cm"] }),
  rt("v1", "Endpoints", "endpoints", { schemaPrefix: CORE, shortNames: ["ep"], singular: "endpoints" }),
  rt("v1", "Event", "events", { schemaPrefix: CORE, shortNames: ["ev"] }),
  rt("v1", "Namespace", "namespaces", {
    schemaPrefix: CORE,
    namespaced: false,
    shortNames: ["ns"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: [status("", "v1", "Namespace")],
  }),
  rt("v1", "Pod", "pods", {
    schemaPrefix: CORE,
    shortNames: ["po"],
    categories: ["all"],
    generation: true,
    subresources: [
      { name: "log", kind: "Pod", group: "", version: "v1", verbs: ["get"] },
      status("", "v1", "Pod"),
    ],
  }),
  rt("v1", "PersistentVolumeClaim", "persistentvolumeclaims", {
    schemaPrefix: CORE,
    shortNames: ["pvc"],
    subresources: [status("", "v1", "PersistentVolumeClaim")],
  }),
  rt("v1", "Secret", "secrets", { schemaPrefix: CORE }),
  rt("v1", "ServiceAccount", "serviceaccounts", { schemaPrefix: CORE, shortNames: ["sa"] }),
  rt("v1", "Service", "services", {
    schemaPrefix: CORE,
    shortNames: ["svc"],
    categories: ["all"],
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    subresources: [status("", "v1", "Service")],
  }),
  rt("apps/v1", "ControllerRevision", "controllerrevisions", { schemaPrefix: APPS }),
  rt("apps/v1", "DaemonSet", "daemonsets", {
    schemaPrefix: APPS,
    shortNames: ["ds"],
    categories: ["all"],
    generation: true,
    subresources: [status("apps", "v1", "DaemonSet")],
  }),
  rt("apps/v1", "Deployment", "deployments", {
    schemaPrefix: APPS,
    shortNames: ["deploy"],
    categories: ["all"],
    generation: true,
    subresources: [scale(), status("apps", "v1", "Deployment")],
  }),
  rt("apps/v1", "ReplicaSet", "replicasets", {
    schemaPrefix: APPS,
    shortNames: ["rs"],
    categories: ["all"],
    generation: true,
    subresources: [scale(), status("apps", "v1", "ReplicaSet")],
  }),
  rt("apps/v1", "StatefulSet", "statefulsets", {
    schemaPrefix: APPS,
    shortNames: ["sts"],
    categories: ["all"],
    generation: true,
    subresources: [scale(), status("apps", "v1", "StatefulSet")],
  }),
  rt("batch/v1", "CronJob", "cronjobs", {
    schemaPrefix: BATCH,
    shortNames: ["cj"],
    categories: ["all"],
    generation: true,
    subresources: [status("batch", "v1", "CronJob")],
  }),
  rt("batch/v1", "Job", "jobs", {
    schemaPrefix: BATCH,
    categories: ["all"],
    generation: true,
    defaultPropagation: "Orphan",
    subresources: [status("batch", "v1", "Job")],
  }),
  // Stored and validated, with no controller behind them (see docs/kubernetes.md).
  rt("networking.k8s.io/v1", "Ingress", "ingresses", {
    schemaPrefix: NETWORKING,
    shortNames: ["ing"],
    generation: true,
    subresources: [status("networking.k8s.io", "v1", "Ingress")],
  }),
  rt("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", {
    schemaPrefix: NETWORKING,
    shortNames: ["netpol"],
    generation: true,
  }),
  rt("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", {
    schemaPrefix: AUTOSCALING,
    shortNames: ["hpa"],
    categories: ["all"],
    subresources: [status("autoscaling", "v2", "HorizontalPodAutoscaler")],
  }),
  rt("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", {
    schemaPrefix: POLICY,
    shortNames: ["pdb"],
    generation: true,
    subresources: [status("policy", "v1", "PodDisruptionBudget")],
  }),
  rt("rbac.authorization.k8s.io/v1", "Role", "roles", { schemaPrefix: RBAC }),
  rt("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", { schemaPrefix: RBAC }),
  rt("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", {
    schemaPrefix: RBAC,
    namespaced: false,
  }),
  rt("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", {
    schemaPrefix: RBAC,
    namespaced: false,
  }),
];

/** "apps/v1" or "v1". */
export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** "deployments.apps" or "pods": how the real server names a resource in messages. */
export function qualifiedResource(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export function resourceFor(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}

/** The group-versions served, with the OpenAPI document file of each. */
export const GROUP_VERSIONS = [
  { group: "", version: "v1", path: "api/v1", file: "api__v1_openapi.json" },
  { group: "apps", version: "v1", path: "apis/apps/v1", file: "apis__apps__v1_openapi.json" },
  { group: "batch", version: "v1", path: "apis/batch/v1", file: "apis__batch__v1_openapi.json" },
  {
    group: "networking.k8s.io",
    version: "v1",
    path: "apis/networking.k8s.io/v1",
    file: "apis__networking.k8s.io__v1_openapi.json",
  },
  {
    group: "autoscaling",
    version: "v2",
    path: "apis/autoscaling/v2",
    file: "apis__autoscaling__v2_openapi.json",
  },
  { group: "policy", version: "v1", path: "apis/policy/v1", file: "apis__policy__v1_openapi.json" },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    path: "apis/rbac.authorization.k8s.io/v1",
    file: "apis__rbac.authorization.k8s.io__v1_openapi.json",
  },
] as const;
