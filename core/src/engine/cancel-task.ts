import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";

/** How long a handler's cleanup may take once its stage is canceled or timed out. */
const CANCEL_TIME_LIMIT_MS = 30_000;

/**
 * Stops the stage's task: aborts its signal and, if its task was started here, runs the handler's
 * best-effort `cancel` in the background, journaling what it says it left behind.
 */
export function cancelTask(run: RunState, s: StageRecord): void {
  run.aborts.get(s.refId)?.abort();
  const handler = run.handlerOf(s);
  if (!handler?.cancel || !run.taskStarted.has(s.refId)) return;
  run.flush();
  // The task's own signal is aborted by now; the cancel call gets a fresh one with a time limit.
  const ctx = run.stageContext(s, AbortSignal.timeout(CANCEL_TIME_LIMIT_MS));
  run.track(
    Promise.resolve()
      .then(() => handler.cancel?.(ctx))
      .then((left) => {
        if (!left || (!left.context && !left.outputs)) return;
        run.emit({ kind: "stage.updated", refId: s.refId, context: left.context, outputs: left.outputs });
        run.flush();
      }),
  );
}
