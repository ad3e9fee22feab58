import type { OnFailure } from "../model/types.js";

/** Orca's ExecutionStatus values that Capstan uses. */
export type ExecutionStatus =
  | "NOT_STARTED"
  | "RUNNING"
  | "PAUSED"
  | "SUSPENDED"
  | "SUCCEEDED"
  | "FAILED_CONTINUE"
  | "TERMINAL"
  | "CANCELED"
  | "STOPPED"
  | "SKIPPED";

const COMPLETE: ReadonlySet<ExecutionStatus> = new Set([
  "SUCCEEDED",
  "FAILED_CONTINUE",
  "TERMINAL",
  "CANCELED",
  "STOPPED",
  "SKIPPED",
]);
const HALT: ReadonlySet<ExecutionStatus> = new Set(["TERMINAL", "CANCELED", "STOPPED"]);
const PASSABLE: ReadonlySet<ExecutionStatus> = new Set(["SUCCEEDED", "FAILED_CONTINUE", "SKIPPED"]);

/** True for statuses after which a stage or execution never changes again. */
export function isComplete(status: ExecutionStatus): boolean {
  return COMPLETE.has(status);
}

/** True for statuses that halt the branch below (TERMINAL, CANCELED, STOPPED). */
export function isHalt(status: ExecutionStatus): boolean {
  return HALT.has(status);
}

/** True for statuses a child may start below (SUCCEEDED, FAILED_CONTINUE, SKIPPED). */
export function letsChildrenStart(status: ExecutionStatus): boolean {
  return PASSABLE.has(status);
}

/**
 * Orca's `failureStatus(default)`: ignore (continuePipeline) => FAILED_CONTINUE; haltPipeline
 * (failPipeline true) => the default (TERMINAL or CANCELED); the two halt-branch options => STOPPED.
 */
export function failureStatus(
  onFailure: OnFailure,
  fallback: "TERMINAL" | "CANCELED" = "TERMINAL",
): ExecutionStatus {
  if (onFailure === "ignore") return "FAILED_CONTINUE";
  if (onFailure === "haltPipeline") return fallback;
  return "STOPPED";
}
