// What the API server does to an object between decoding and storing it, per kind: defaulting (the
// documented defaults of each field) and validation beyond the schema (names, labels, selectors that
// must match their template, immutable fields). Problems come back as field errors for a 422.
import { clone, deepEqual } from "./patch.js";
import type { ResourceType } from "./resources.js";
import { matchesSelector } from "./selectors.js";
import type { Container, KObject, PodSpec, PodTemplateSpec } from "./types.js";
import { uid as newUid, randomSuffix } from "./util.js";

export interface FieldError {
  field: string;
  reason:
    | "FieldValueRequired"
    | "FieldValueInvalid"
    | "FieldValueNotSupported"
    | "FieldValueForbidden"
    | "FieldValueDuplicate";
  message: string;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

function defaultProbe(p: unknown): void {
  if (!p || typeof p !== "object") return;
  const probe = p as Obj;
  setDefault(probe, "timeoutSeconds", 1);
  setDefault(probe, "periodSeconds", 10);
  setDefault(probe, "successThreshold", 1);
  setDefault(probe, "failureThreshold", 3);
  if (probe.httpGet && typeof probe.httpGet === "object") {
    setDefault(probe.httpGet as Obj, "scheme", "HTTP");
    setDefault(probe.httpGet as Obj, "path", "/");
  }
}

function defaultContainer(c: Container): void {
  const o = c as unknown as Obj;
  setDefault(o, "terminationMessagePath", "/dev/termination-log");
  setDefault(o, "terminationMessagePolicy", "File");
  const image = c.image ?? "";
  const tagged = /:[^/]+$/.test(image) || image.includes("@");
  setDefault(o, "imagePullPolicy", !tagged || image.endsWith(":latest") ? "Always" : "IfNotPresent");
  setDefault(o, "resources", {});
  for (const p of c.ports ?? []) setDefault(p as unknown as Obj, "protocol", "TCP");
  defaultProbe(c.readinessProbe);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.startupProbe);
}

function defaultPodSpec(spec: PodSpec | undefined, restartPolicy = "Always"): void {
  if (!spec) return;
  const o = spec as unknown as Obj;
  setDefault(o, "restartPolicy", restartPolicy);
  setDefault(o, "terminationGracePeriodSeconds", 30);
  setDefault(o, "dnsPolicy", "ClusterFirst");
  setDefault(o, "securityContext", {});
  setDefault(o, "schedulerName", "default-scheduler");
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function defaultTemplate(t: PodTemplateSpec | undefined, restartPolicy?: string): void {
  if (!t) return;
  const o = t as unknown as Obj;
  setDefault(o, "metadata", {});
  defaultPodSpec(t.spec, restartPolicy);
}

let nextClusterIP = 1;
let nextNodePort = 30000;

/** Applies the server's defaults in place (on create, and on update for the spec). */
export function applyDefaults(r: ResourceType, obj: KObject, creating: boolean): void {
  const spec = asObj(obj.spec);
  switch (r.kind) {
    case "Pod": {
      defaultPodSpec(obj.spec as PodSpec);
      if (creating) {
        setDefault(spec, "serviceAccountName", "default");
        setDefault(spec, "serviceAccount", spec.serviceAccountName);
        setDefault(spec, "enableServiceLinks", true);
        setDefault(spec, "priority", 0);
        setDefault(spec, "preemptionPolicy", "PreemptLowerPriority");
      }
      break;
    }
    case "Deployment": {
      setDefault(spec, "replicas", 1);
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "progressDeadlineSeconds", 600);
      setDefault(spec, "strategy", {});
      const strategy = asObj(spec.strategy);
      setDefault(strategy, "type", "RollingUpdate");
      if (strategy.type === "RollingUpdate") {
        setDefault(strategy, "rollingUpdate", {});
        const ru = asObj(strategy.rollingUpdate);
        setDefault(ru, "maxSurge", "25%");
        setDefault(ru, "maxUnavailable", "25%");
      }
      defaultTemplate(spec.template as PodTemplateSpec);
      break;
    }
    case "ReplicaSet":
      setDefault(spec, "replicas", 1);
      defaultTemplate(spec.template as PodTemplateSpec);
      break;
    case "StatefulSet": {
      setDefault(spec, "replicas", 1);
      setDefault(spec, "podManagementPolicy", "OrderedReady");
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "updateStrategy", {});
      const us = asObj(spec.updateStrategy);
      setDefault(us, "type", "RollingUpdate");
      if (us.type === "RollingUpdate") {
        setDefault(us, "rollingUpdate", {});
        setDefault(asObj(us.rollingUpdate), "partition", 0);
      }
      setDefault(spec, "persistentVolumeClaimRetentionPolicy", {
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
      defaultTemplate(spec.template as PodTemplateSpec);
      break;
    }
    case "DaemonSet": {
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "updateStrategy", {});
      const us = asObj(spec.updateStrategy);
      setDefault(us, "type", "RollingUpdate");
      if (us.type === "RollingUpdate") {
        setDefault(us, "rollingUpdate", {});
        setDefault(asObj(us.rollingUpdate), "maxUnavailable", 1);
        setDefault(asObj(us.rollingUpdate), "maxSurge", 0);
      }
      defaultTemplate(spec.template as PodTemplateSpec);
      break;
    }
    case "Job": {
      setDefault(spec, "parallelism", 1);
      setDefault(spec, "completions", 1);
      setDefault(spec, "backoffLimit", 6);
      setDefault(spec, "completionMode", "NonIndexed");
      setDefault(spec, "suspend", false);
      setDefault(spec, "podReplacementPolicy", "TerminatingOrFailed");
      defaultTemplate(spec.template as PodTemplateSpec, "Never");
      if (creating && spec.manualSelector !== true) {
        const id = obj.metadata.uid ?? newUid();
        obj.metadata.uid = id;
        const t = asObj(spec.template);
        setDefault(t, "metadata", {});
        const meta = asObj(t.metadata);
        meta.labels = {
          ...(meta.labels as Record<string, string> | undefined),
          "batch.kubernetes.io/controller-uid": id,
          "batch.kubernetes.io/job-name": obj.metadata.name ?? "",
          "controller-uid": id,
          "job-name": obj.metadata.name ?? "",
        };
        spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": id } };
      }
      break;
    }
    case "Service": {
      setDefault(spec, "type", "ClusterIP");
      setDefault(spec, "sessionAffinity", "None");
      setDefault(spec, "internalTrafficPolicy", "Cluster");
      const ports = Array.isArray(spec.ports) ? (spec.ports as Obj[]) : [];
      for (const p of ports) {
        setDefault(p, "protocol", "TCP");
        setDefault(p, "targetPort", p.port);
        if ((spec.type === "NodePort" || spec.type === "LoadBalancer") && p.nodePort === undefined)
          p.nodePort = nextNodePort++;
      }
      if (spec.type === "NodePort" || spec.type === "LoadBalancer")
        setDefault(spec, "externalTrafficPolicy", "Cluster");
      if (spec.type !== "ExternalName") {
        if (creating && (spec.clusterIP === undefined || spec.clusterIP === "")) {
          const n = nextClusterIP++;
          spec.clusterIP = `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
        }
        setDefault(spec, "clusterIPs", [spec.clusterIP]);
        setDefault(spec, "ipFamilies", ["IPv4"]);
        setDefault(spec, "ipFamilyPolicy", "SingleStack");
      }
      break;
    }
    case "Secret": {
      setDefault(obj as Obj, "type", "Opaque");
      const o = obj as Obj;
      if (o.stringData && typeof o.stringData === "object") {
        o.data ??= {};
        const data = asObj(o.data);
        for (const [k, v] of Object.entries(o.stringData as Obj))
          data[k] = Buffer.from(String(v)).toString("base64");
        delete o.stringData;
      }
      break;
    }
    case "Namespace": {
      setDefault(obj as Obj, "spec", {});
      setDefault(asObj(obj.spec), "finalizers", ["kubernetes"]);
      obj.metadata.labels = {
        ...obj.metadata.labels,
        "kubernetes.io/metadata.name": obj.metadata.name ?? "",
      };
      break;
    }
  }
  if (creating && !obj.metadata.name && obj.metadata.generateName)
    obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function goMap(m: Record<string, string> | undefined): string {
  return `map[string]string{${Object.entries(m ?? {})
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(", ")}}`;
}

function validateLabels(labels: Record<string, string> | undefined, field: string, errs: FieldError[]): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    const [prefix, name] = k.includes("/") ? k.split("/", 2) : ["", k];
    if (
      (prefix && !DNS_SUBDOMAIN.test(prefix)) ||
      !QUALIFIED_NAME.test(name ?? "") ||
      (name ?? "").length > 63
    )
      errs.push({
        field,
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v))
      errs.push({
        field: `${field}`,
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
  }
}

function validateContainers(containers: Container[] | undefined, field: string, errs: FieldError[]): void {
  if (!containers || containers.length === 0) {
    errs.push({ field, reason: "FieldValueRequired", message: "Required value" });
    return;
  }
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!c.name) errs.push({ field: `${f}.name`, reason: "FieldValueRequired", message: "Required value" });
    else if (!DNS_LABEL.test(c.name))
      errs.push({
        field: `${f}.name`,
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(c.name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
      });
    else if (names.has(c.name))
      errs.push({
        field: `${f}.name`,
        reason: "FieldValueDuplicate",
        message: `Duplicate value: ${JSON.stringify(c.name)}`,
      });
    names.add(c.name ?? "");
    if (!c.image) errs.push({ field: `${f}.image`, reason: "FieldValueRequired", message: "Required value" });
  });
}

function validatePodSpec(
  spec: PodSpec | undefined,
  field: string,
  errs: FieldError[],
  allowed?: string[],
): void {
  if (!spec) {
    errs.push({ field, reason: "FieldValueRequired", message: "Required value" });
    return;
  }
  validateContainers(spec.containers, `${field}.containers`, errs);
  if (allowed && spec.restartPolicy && !allowed.includes(spec.restartPolicy))
    errs.push({
      field: `${field}.restartPolicy`,
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(spec.restartPolicy)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
    });
}

function validateWorkload(
  kindName: string,
  obj: KObject,
  errs: FieldError[],
  restartPolicies?: string[],
): void {
  const spec = asObj(obj.spec);
  const selector = spec.selector as
    | { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }
    | undefined;
  const template = spec.template as PodTemplateSpec | undefined;
  if (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  ) {
    errs.push({
      field: "spec.selector",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(selector ?? {})}: empty selector is invalid for ${kindName.toLowerCase()}`,
    });
  } else if (template) {
    const labels = template.metadata?.labels;
    if (!matchesSelector(labels, selector as never))
      errs.push({
        field: "spec.template.metadata.labels",
        reason: "FieldValueInvalid",
        message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
      });
  }
  if (!template)
    errs.push({ field: "spec.template", reason: "FieldValueRequired", message: "Required value" });
  else {
    validateLabels(template.metadata?.labels, "spec.template.metadata.labels", errs);
    validatePodSpec(template.spec, "spec.template.spec", errs, restartPolicies);
  }
  for (const f of ["replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"]) {
    const v = spec[f];
    if (typeof v === "number" && v < 0)
      errs.push({
        field: `spec.${f}`,
        reason: "FieldValueInvalid",
        message: `Invalid value: ${v}: must be greater than or equal to 0`,
      });
  }
}

/** Validation of one object being created (old undefined) or updated. */
export function validate(r: ResourceType, obj: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  if (name && r.group === "rbac.authorization.k8s.io") {
    // RBAC names are path segments ("system:aggregate-to-view" is one).
    if (name === "." || name === ".." || /[/%]/.test(name))
      errs.push({
        field: "metadata.name",
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(name)}: may not contain '/' or '%'`,
      });
  } else if (!name) {
    errs.push({
      field: "metadata.name",
      reason: "FieldValueRequired",
      message: "Required value: name or generateName is required",
    });
  } else {
    const label = r.kind === "Service" || r.kind === "Namespace";
    const ok = label
      ? DNS_LABEL.test(name) && name.length <= 63
      : DNS_SUBDOMAIN.test(name) && name.length <= 253;
    if (!ok)
      errs.push({
        field: "metadata.name",
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${label ? "label" : "subdomain"} must consist of lower case alphanumeric characters, '-'${label ? "" : " or '.'"}, and must start and end with an alphanumeric character`,
      });
  }
  validateLabels(obj.metadata.labels, "metadata.labels", errs);
  const spec = asObj(obj.spec);
  const oldSpec = asObj(old?.spec);
  switch (r.kind) {
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
      validateWorkload(r.kind, obj, errs, ["Always"]);
      if (old && !deepEqual(spec.selector, oldSpec.selector))
        errs.push({
          field: "spec.selector",
          reason: "FieldValueInvalid",
          message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`,
        });
      break;
    case "Job":
      validateWorkload(r.kind, obj, errs, ["OnFailure", "Never"]);
      if (old && !deepEqual(spec.template, oldSpec.template))
        errs.push({
          field: "spec.template",
          reason: "FieldValueInvalid",
          message: `Invalid value: ${JSON.stringify(spec.template)}: field is immutable`,
        });
      if (old && !deepEqual(spec.completions, oldSpec.completions))
        errs.push({
          field: "spec.completions",
          reason: "FieldValueInvalid",
          message: `Invalid value: ${spec.completions}: field is immutable`,
        });
      break;
    case "Pod":
      validatePodSpec(obj.spec as PodSpec, "spec", errs);
      if (old) {
        // Only images (and a few scheduling fields) may change in a running pod.
        const a = clone(spec) as unknown as PodSpec;
        const b = clone(oldSpec) as unknown as PodSpec;
        for (const [i, c] of (a.containers ?? []).entries())
          if (b.containers?.[i]) b.containers[i].image = c.image;
        // Binding a pod to a node (the scheduler) sets nodeName once.
        if (!b.nodeName) b.nodeName = a.nodeName;
        (a as Obj).activeDeadlineSeconds = undefined;
        (b as Obj).activeDeadlineSeconds = undefined;
        (a as Obj).tolerations = undefined;
        (b as Obj).tolerations = undefined;
        if (!deepEqual(a, b))
          errs.push({
            field: "spec",
            reason: "FieldValueForbidden",
            message:
              "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
          });
      }
      break;
    case "Service": {
      const ports = (spec.ports as Obj[] | undefined) ?? [];
      if (ports.length === 0 && spec.type !== "ExternalName" && spec.clusterIP !== "None")
        errs.push({ field: "spec.ports", reason: "FieldValueRequired", message: "Required value" });
      if (ports.length > 1)
        ports.forEach((p, i) => {
          if (!p.name)
            errs.push({
              field: `spec.ports[${i}].name`,
              reason: "FieldValueRequired",
              message: "Required value",
            });
        });
      if (old && oldSpec.clusterIP && spec.clusterIP !== oldSpec.clusterIP)
        errs.push({
          field: "spec.clusterIPs[0]",
          reason: "FieldValueInvalid",
          message: `Invalid value: []string{${JSON.stringify(spec.clusterIP)}}: may not change once set`,
        });
      break;
    }
  }
  return errs;
}
