import { cancelTask } from "./cancel-task.js";
import { notify } from "./notifications.js";
import type { RunState } from "./run-state.js";
import type { ExecutionStatus } from "./status.js";

/** Ends the execution (once); stages still running are canceled, with `reason` as their error. */
export function completeExecution(run: RunState, status: ExecutionStatus, reason?: string): void {
  if (run.finishing) return;
  run.finishing = true;
  for (const s of run.record.stages) {
    if (s.status !== "RUNNING") continue;
    cancelTask(run, s);
    run.emit({
      kind: "stage.completed",
      refId: s.refId,
      status: "CANCELED",
      error: reason ?? `canceled because the pipeline ended ${status}`,
    });
  }
  run.emit({ kind: "execution.completed", status });
  notify(run, status === "SUCCEEDED" ? "pipeline.complete" : "pipeline.failed");
}
