import { canonicalKind, type KubeObject, kindOf } from "./manifest.js";

/** What clouddriver's handlers report for an object (the part waitForManifestToStabilize reads). */
export interface ManifestStatus {
  stable: boolean;
  failed: boolean;
  /** Why it is not stable, or why it failed. */
  message?: string;
  paused?: boolean;
}

type Data = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const data = (v: unknown): Data => (v && typeof v === "object" && !Array.isArray(v) ? (v as Data) : {});

const STABLE: ManifestStatus = { stable: true, failed: false };
const unstable = (message: string): ManifestStatus => ({ stable: false, failed: false, message });

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
const conditions = (status: Data): Condition[] =>
  Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];

function generationChanged(o: KubeObject, status: Data): boolean {
  const generation = o.metadata?.generation;
  return typeof generation === "number" && num(status.observedGeneration) !== generation;
}

function deployment(o: KubeObject): ManifestStatus {
  const status = o.status as Data | undefined;
  if (!status) return unstable("No status reported yet");
  const conds = conditions(status);
  const paused = conds.some((c) => c.reason === "DeploymentPaused");
  const progressing = conds.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded")
    return { stable: false, failed: true, message: "Deployment exceeded its progress deadline", paused };
  const spec = data(o.spec);
  const desired = spec.replicas === undefined ? 1 : num(spec.replicas);
  const result = (s: ManifestStatus): ManifestStatus => (paused ? { ...s, paused } : s);
  if (generationChanged(o, status))
    return result(unstable("Waiting for status generation to match updated object generation"));
  const available = conds.find((c) => c.type === "Available");
  if (available?.status === "False")
    return result(unstable(available.message ?? "Deployment is not available"));
  const updated = num(status.updatedReplicas);
  if (updated < desired) return result(unstable("Waiting for all replicas to be updated"));
  if (num(status.replicas) > updated)
    return result(unstable("Waiting for old replicas to finish termination"));
  if (num(status.availableReplicas) < desired)
    return result(unstable("Waiting for all replicas to be available"));
  if (num(status.readyReplicas) < desired) return result(unstable("Waiting for all replicas to be ready"));
  return result(STABLE);
}

function replicaSet(o: KubeObject): ManifestStatus {
  const status = o.status as Data | undefined;
  if (!status) return unstable("No status reported yet");
  const desired = data(o.spec).replicas === undefined ? 1 : num(data(o.spec).replicas);
  if (desired > num(status.fullyLabeledReplicas))
    return unstable("Waiting for all replicas to be fully-labeled");
  if (desired > num(status.readyReplicas)) return unstable("Waiting for all replicas to be ready");
  if (desired > num(status.availableReplicas)) return unstable("Waiting for all replicas to be available");
  if (generationChanged(o, status)) return unstable("Waiting for replicaset spec update to be observed");
  return STABLE;
}

function statefulSet(o: KubeObject): ManifestStatus {
  const status = o.status as Data | undefined;
  if (!status) return unstable("No status reported yet");
  const spec = data(o.spec);
  const strategy = data(spec.updateStrategy);
  if (strategy.type === "OnDelete") return STABLE;
  if (generationChanged(o, status))
    return unstable("Waiting for status generation to match updated object generation");
  const desired = spec.replicas === undefined ? 1 : num(spec.replicas);
  const replicas = num(status.replicas);
  if (replicas < desired) return unstable("Waiting for at least the desired replica count to be met");
  if (num(status.readyReplicas) < desired) return unstable("Waiting for all updated replicas to be ready");
  const rolling = data(strategy.rollingUpdate);
  if ((strategy.type ?? "RollingUpdate") === "RollingUpdate" && rolling.partition !== undefined) {
    if (num(status.updatedReplicas) < replicas - num(rolling.partition))
      return unstable("Waiting for partitioned roll out to finish");
    return STABLE;
  }
  if (num(status.currentReplicas) < desired)
    return unstable("Waiting for all updated replicas to be scheduled");
  if (status.currentRevision !== status.updateRevision)
    return unstable("Waiting for the updated revision to match the current revision");
  return STABLE;
}

function daemonSet(o: KubeObject): ManifestStatus {
  const status = o.status as Data | undefined;
  if (!status) return unstable("No status reported yet");
  if (generationChanged(o, status))
    return unstable("Waiting for status generation to match updated object generation");
  const strategy = data(data(o.spec).updateStrategy);
  if ((strategy.type ?? "RollingUpdate") !== "RollingUpdate") return STABLE;
  const desired = num(status.desiredNumberScheduled);
  if (desired > num(status.currentNumberScheduled))
    return unstable("Waiting for all replicas to be scheduled");
  if (desired > num(status.updatedNumberScheduled))
    return unstable("Waiting for all updated replicas to be scheduled");
  if (desired > num(status.numberAvailable)) return unstable("Waiting for all replicas to be available");
  if (desired > num(status.numberReady)) return unstable("Waiting for all replicas to be ready");
  return STABLE;
}

function job(o: KubeObject): ManifestStatus {
  const status = data(o.status);
  const spec = data(o.spec);
  const completions = spec.completions === undefined ? 1 : num(spec.completions);
  const succeeded = num(status.succeeded);
  if (succeeded < completions) {
    const failed = conditions(status).find((c) => c.type === "Failed" && c.status === "True");
    if (failed)
      return { stable: false, failed: true, message: failed.message ?? failed.reason ?? "Job failed" };
    return unstable("Waiting for jobs to finish");
  }
  return STABLE;
}

function pod(o: KubeObject): ManifestStatus {
  const phase = data(o.status).phase;
  if (phase === undefined || phase === null) return unstable("No status reported yet");
  if (phase === "Pending" || phase === "Failed" || phase === "Unknown") return unstable(`Pod is ${phase}`);
  return STABLE;
}

/** The status of an object by clouddriver's rules for its kind (§1.10); other kinds are stable. */
export function manifestStatus(o: KubeObject): ManifestStatus {
  switch (canonicalKind(kindOf(o))) {
    case "Deployment":
      return deployment(o);
    case "ReplicaSet":
      return replicaSet(o);
    case "StatefulSet":
      return statefulSet(o);
    case "DaemonSet":
      return daemonSet(o);
    case "Job":
      return job(o);
    case "Pod":
      return pod(o);
    default:
      return STABLE;
  }
}
