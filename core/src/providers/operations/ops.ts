import type { ResizeSpec } from "../capacity.js";
import type { Capacity, ServerGroupSpec } from "../types.js";

/** A server group an operation acts on: by name, or a variable of the stage (`deployed`, `source`). */
export type SgRef = { name: string } | { var: "deployed" | "source" };

/**
 * One step of a server-group stage, plain data so it is journaled in the stage context and a
 * resumed stage continues where it stopped. Every step is idempotent once its absolute target
 * (a capacity, a name) has been recorded.
 */
export type Op =
  | { op: "create"; spec: ServerGroupSpec; clone?: string }
  | { op: "waitHealthy"; target: SgRef; percent: number }
  | { op: "resize"; target: SgRef; resize: ResizeSpec; guard: boolean; label?: string }
  | { op: "resizeTo"; target: SgRef; capacity: Capacity; guard: boolean; label?: string }
  | { op: "growTo"; percent: number; pin: boolean }
  | { op: "pinSource" }
  | { op: "restoreSource" }
  | { op: "enable"; target: SgRef }
  | { op: "disable"; target: SgRef; percent?: number }
  | { op: "destroy"; target: SgRef }
  | { op: "delay"; ms: number; label: string }
  | { op: "validationPipeline"; pipeline: string; parameters: Record<string, unknown>; percent: number }
  | { op: "cluster.disable"; remaining: number; preferLargerOverNewer: boolean }
  | {
      op: "cluster.scaleDown";
      remaining: number;
      preferLargerOverNewer: boolean;
      allowScaleDownActive: boolean;
    }
  | { op: "cluster.shrink"; shrinkToSize: number; allowDeleteActive: boolean; retainLargerOverNewer: boolean }
  | { op: "cluster.rollback"; percent: number }
  | { op: "rollbackDeploy"; mode: "disableOnly" | "enableAndDisableOnly"; destroyLatest: boolean };

/** Where a plan runs: provider coordinates and the cluster. */
export interface PlanTarget {
  provider?: string;
  account?: string;
  cluster: string;
}

/** A plan's progress, kept in the stage context under `serverGroupPlan`. */
export interface PlanState {
  target: PlanTarget;
  ops: Op[];
  step: number;
  /** Per-step data recorded when the step began (a computed capacity, a start time ...). */
  stepData?: Record<string, unknown>;
  vars: { deployed?: string; source?: string };
  /** Capacity of the source before a rolling deploy pinned it. */
  savedCapacity?: Capacity;
  /** Groups deployed by ancestors of this stage (excluded from cluster-wide operations). */
  excluded: string[];
  /** Steps to run if a deploy step fails (rollback.onFailure). */
  onFailure?: Op[];
  /** Set once the plan switched to its failure steps: the error that made it. */
  failed?: string;
  /** The step index from which a failure no longer triggers the rollback (red/black cleanup). */
  rollbackUntil?: number;
  /** Original capacities by server group name (Orca output originalCapacity.<name>). */
  originalCapacity: Record<string, Capacity>;
  /** Log lines (what each step did), for the stage's context. */
  done: string[];
  /** Unique per plan (execution/stage/cluster index): ids of child executions derive from it. */
  token?: string;
  /** Where the cluster's traffic enters (its load balancer's address), once known. */
  loadBalancer?: string;
}
