import { parseDuration } from "../model/duration.js";
import type { ResizeSpec } from "./capacity.js";
import { clusterName, parseName } from "./naming.js";
import { normalizeTarget, type TargetName } from "./operations/cluster-ops.js";
import type { Capacity } from "./types.js";

// Typed views of the server-group stages' evaluated config (GenericStage.config is plain data).
// Each reader accepts Capstan's spelling and Spinnaker's (scalePct, scaleNum, credentials ...).

type Data = Record<string, unknown>;
type Result<T> = T | { error: string };

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};
const bool = (v: unknown, fallback: boolean): boolean =>
  typeof v === "boolean" ? v : typeof v === "string" ? v.toLowerCase() === "true" : fallback;

/** Milliseconds from a duration (`30s`) or from Spinnaker's seconds field. */
export function durationField(data: Data, field: string, secondsField: string): number {
  const v = data[field];
  if (typeof v === "string") {
    const ms = parseDuration(v);
    if (ms !== undefined) return ms;
  }
  if (typeof v === "number") return v * 1000;
  const sec = num(data[secondsField]);
  return sec !== undefined ? sec * 1000 : 0;
}

/** Where a stage acts: provider coordinates and cluster name. */
export interface ClusterRef {
  provider?: string;
  account?: string;
  cluster: string;
}

/** Reads `cluster` (or `moniker.cluster`, or the cluster of `serverGroupName`) and the provider fields. */
export function readClusterRef(data: Data): Result<ClusterRef> {
  const moniker = (data.moniker && typeof data.moniker === "object" ? data.moniker : {}) as Data;
  const sgName = str(data.serverGroupName) ?? str(data.serverGroup);
  const cluster =
    str(data.cluster) ?? str(moniker.cluster) ?? (sgName ? parseName(sgName)?.cluster : undefined);
  if (!cluster) return { error: `${String(data.type ?? "stage")} needs 'cluster' (e.g. myapp-prod)` };
  if (!parseName(cluster))
    return { error: `'${cluster}' is not a cluster name (application[-stack[-detail]])` };
  return {
    cluster,
    provider: str(data.provider) ?? str(data.cloudProvider),
    account: str(data.account) ?? str(data.credentials),
  };
}

/** Which server group: an explicit name, or a dynamic target resolved when the stage starts. */
export function readTarget(data: Data): Result<{ name: string } | { target: TargetName }> {
  const name = str(data.serverGroupName) ?? str(data.serverGroup) ?? str(data.asgName);
  if (name) return { name };
  const target = normalizeTarget(data.target);
  if (!target)
    return {
      error: `target must be newest, previous or oldest (or give serverGroupName), not '${String(data.target)}'`,
    };
  return { target };
}

function readCapacity(v: unknown): Partial<Capacity> | undefined {
  if (!v || typeof v !== "object") return undefined;
  const c = v as Data;
  const out: Partial<Capacity> = {};
  for (const k of ["min", "desired", "max"] as const) {
    const n = num(c[k]);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/** A full capacity, or an error naming what is missing. */
export function readFullCapacity(v: unknown, where: string): Result<Capacity> {
  const c = readCapacity(v);
  if (!c || c.desired === undefined) return { error: `${where} needs capacity { min, desired, max }` };
  const capacity = { min: c.min ?? c.desired, desired: c.desired, max: c.max ?? c.desired };
  if (capacity.min > capacity.desired || capacity.desired > capacity.max) {
    return { error: `${where}: capacity needs min <= desired <= max, got ${JSON.stringify(capacity)}` };
  }
  return capacity;
}

const ACTIONS: Record<string, ResizeSpec["action"]> = {
  scaleUp: "scaleUp",
  scale_up: "scaleUp",
  scaleDown: "scaleDown",
  scale_down: "scaleDown",
  scaleToCluster: "scaleToCluster",
  scale_to_cluster: "scaleToCluster",
  scaleExact: "scaleExact",
  scale_exact: "scaleExact",
};

/** A resize stage's change (Orca: resizeType exact or a missing action means scale_exact). */
export function readResize(data: Data): Result<ResizeSpec & { targetHealthyDeployPercentage: number }> {
  const raw = str(data.action);
  let action: ResizeSpec["action"] | undefined = raw === undefined ? "scaleExact" : ACTIONS[raw];
  if (!action)
    return { error: `action must be scaleUp, scaleDown, scaleToCluster or scaleExact, not '${raw}'` };
  if (data.resizeType === "exact") action = "scaleExact";
  const spec: ResizeSpec & { targetHealthyDeployPercentage: number } = {
    action,
    targetHealthyDeployPercentage: num(data.targetHealthyDeployPercentage) ?? 100,
  };
  const percent = num(data.percent) ?? num(data.scalePct);
  const amount = num(data.amount) ?? num(data.scaleNum);
  if (data.resizeType === "pct" || (data.resizeType !== "incr" && percent !== undefined))
    spec.percent = percent;
  else if (amount !== undefined) spec.amount = amount;
  if (spec.percent !== undefined && spec.percent < 0)
    return { error: `percent must be >= 0, got ${spec.percent}` };
  if (spec.amount !== undefined && spec.amount < 0)
    return { error: `amount must be >= 0, got ${spec.amount}` };
  const capacity = readCapacity(data.capacity);
  if (capacity) spec.capacity = capacity;
  if (action === "scaleExact" && !capacity && spec.percent === undefined) {
    return { error: "scaleExact needs 'capacity' (min, desired, max; missing ones keep their value)" };
  }
  if (
    (action === "scaleUp" || action === "scaleDown") &&
    spec.percent === undefined &&
    spec.amount === undefined
  ) {
    return { error: `${action} needs 'percent' or 'amount'` };
  }
  spec.pinCapacity = bool(data.pinCapacity, false);
  spec.pinMinimumCapacity = bool(data.pinMinimumCapacity, false);
  spec.unpinMinimumCapacity = bool(data.unpinMinimumCapacity, false);
  return spec;
}

export type Strategy = "none" | "highlander" | "redblack" | "rollingredblack";

/** One `clusters` entry of a deploy stage. */
export interface DeployCluster extends ClusterRef {
  application: string;
  stack?: string;
  detail?: string;
  capacity: Capacity;
  image: string;
  /** Provider settings (local: command, env, healthCheck). */
  launchConfig: Data;
  strategy: Strategy;
  maxRemainingAsgs: number;
  scaleDown: boolean;
  delayBeforeDisableMs: number;
  delayBeforeScaleDownMs: number;
  targetPercentages: number[];
  pipelineBeforeCleanup?: { pipeline: string; parameters: Data };
  rollbackOnFailure: boolean;
  destroyLatest: boolean;
  targetHealthyDeployPercentage: number;
}

/** Reads a deploy stage's cluster entry. */
export function readDeployCluster(entry: Data, index: number): Result<DeployCluster> {
  const where = `clusters[${index}]`;
  const application = str(entry.application) ?? str((entry.moniker as Data | undefined)?.app);
  if (!application) return { error: `${where} needs 'application'` };
  const stack = str(entry.stack);
  const detail = str(entry.detail) ?? str(entry.freeFormDetails);
  const capacity = readFullCapacity(entry.capacity, where);
  if ("error" in capacity) return capacity;
  const image = str(entry.image) ?? str(entry.imageId) ?? str(entry.amiName);
  if (!image) return { error: `${where} needs 'image' (the artifact label the instances run)` };
  const strategyRaw = (str(entry.strategy) ?? "none").toLowerCase();
  const strategy: Strategy =
    (["none", "highlander", "redblack", "rollingredblack"] as const).find((s) => s === strategyRaw) ?? "none";
  let targetPercentages = Array.isArray(entry.targetPercentages)
    ? entry.targetPercentages.map(num).filter((n): n is number => n !== undefined)
    : [50, 100];
  if (targetPercentages.length === 0 || targetPercentages[targetPercentages.length - 1] !== 100) {
    targetPercentages = [...targetPercentages, 100];
  }
  const rollback = (entry.rollback && typeof entry.rollback === "object" ? entry.rollback : {}) as Data;
  const pbc = entry.pipelineBeforeCleanup as Data | undefined;
  const launchConfig: Data = {};
  for (const k of ["command", "env", "healthCheck", "namespace"])
    if (entry[k] !== undefined) launchConfig[k] = entry[k];
  return {
    cluster: clusterName(application, stack, detail),
    provider: str(entry.provider) ?? str(entry.cloudProvider),
    account: str(entry.account) ?? str(entry.credentials),
    application,
    stack,
    detail,
    capacity,
    image,
    launchConfig,
    strategy,
    maxRemainingAsgs: num(entry.maxRemainingAsgs) ?? 2,
    scaleDown: bool(entry.scaleDown, false),
    delayBeforeDisableMs:
      durationField(entry, "delayBeforeDisable", "delayBeforeDisableSec") ||
      durationField(entry, "delayBeforeCleanup", "delayBeforeCleanupSec"),
    delayBeforeScaleDownMs: durationField(entry, "delayBeforeScaleDown", "delayBeforeScaleDownSec"),
    targetPercentages,
    pipelineBeforeCleanup:
      pbc && str(pbc.pipeline)
        ? { pipeline: String(pbc.pipeline), parameters: (pbc.parameters as Data) ?? {} }
        : undefined,
    rollbackOnFailure: bool(rollback.onFailure, false),
    destroyLatest: bool(rollback.destroyLatest, false),
    targetHealthyDeployPercentage: num(entry.targetHealthyDeployPercentage) ?? 100,
  };
}

export { bool as readBool, num as readNumber, str as readString };
