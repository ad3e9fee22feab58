import type { Stage } from "../model/types.js";
import type { ExecutionRecord, StageRecord } from "./record.js";
import { type ExecutionStatus, letsChildrenStart } from "./status.js";

/** True when every parent let its children start (Orca's start rule for joins). */
export function parentsAllowStart(stage: StageRecord, byRef: ReadonlyMap<string, StageRecord>): boolean {
  for (const ref of stage.dependsOn) {
    const parent = byRef.get(ref);
    if (!parent || !letsChildrenStart(parent.status)) return false;
  }
  return true;
}

/**
 * Orca's CompleteExecutionHandler.determineFinalStatus, over all stages: all passable => SUCCEEDED;
 * any TERMINAL => TERMINAL; any CANCELED => CANCELED; any STOPPED and no other branch incomplete =>
 * SUCCEEDED (TERMINAL if a STOPPED stage was haltBranchThenFailPipeline); otherwise undefined (keep going).
 */
export function determineFinalStatus(
  record: ExecutionRecord,
  models: ReadonlyMap<string, Stage>,
  byRef: ReadonlyMap<string, StageRecord>,
): ExecutionStatus | undefined {
  const stages = record.stages;
  if (stages.every((s) => letsChildrenStart(s.status))) return "SUCCEEDED";
  if (stages.some((s) => s.status === "TERMINAL")) return "TERMINAL";
  if (stages.some((s) => s.status === "CANCELED")) return "CANCELED";
  const stopped = stages.filter((s) => s.status === "STOPPED");
  if (stopped.length === 0) return undefined;
  const incomplete = stages.some(
    (s) => s.status === "RUNNING" || (s.status === "NOT_STARTED" && parentsAllowStart(s, byRef)),
  );
  if (incomplete) return undefined;
  return stopped.some((s) => models.get(s.refId)?.onFailure === "haltBranchThenFailPipeline")
    ? "TERMINAL"
    : "SUCCEEDED";
}
