import { applyCommands } from "./apply-command.js";
import { completeExecution } from "./complete-execution.js";
import { parentsAllowStart } from "./final-status.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import { runTask } from "./run-task.js";
import { stageDeadline, timeOutStage } from "./stage-timeout.js";
import { startStage } from "./start-stage.js";
import { isComplete } from "./status.js";

/** What the record says a stage needs next. */
type StageMessage = "start" | "time-out" | "run-task";

/**
 * Moves the execution on as far as it goes now: applies new commands, then hands each stage its
 * next message, in record order, until a pass changes nothing or the execution ends. Handlers
 * run at once, so a stage completed in a pass lets its children start later in the same pass.
 * A pass visits only the stages that may get a message (`run.active`), in the same order.
 */
export function step(run: RunState): void {
  let progressed = true;
  while (progressed && !isComplete(run.record.status)) {
    progressed = false;
    if (run.commandsDirty) applyCommands(run);
    if (run.record.canceled) {
      completeExecution(run, "CANCELED", "canceled by the user");
      return;
    }
    const now = run.services.clock.now();
    // One poll per refId and pass (a pass visits each stage once; this guards a record that repeats one).
    const polled = new Set<string>();
    const stages = run.record.stages;
    // A scan of every stage would stop at the first stage it reaches after the execution ended.
    let ended = false;
    run.active.beginPass();
    try {
      for (let i = run.active.next(); i >= 0; i = run.active.next()) {
        if (isComplete(run.record.status)) return;
        const s = stages[i];
        const message = nextMessage(run, s, now, polled);
        if (message === undefined) continue;
        progressed = true;
        if (message === "start") startStage(run, s);
        else if (message === "time-out") timeOutStage(run, s);
        else {
          polled.add(s.refId);
          runTask(run, s);
        }
        ended = i < stages.length - 1 && isComplete(run.record.status);
      }
    } finally {
      run.active.endPass();
    }
    if (ended) return;
    const final = run.active.finalStatus(run.models);
    if (final) completeExecution(run, final);
  }
}

/**
 * A stage starts once its parents let it (and no URL fetch for it is under way); a running one
 * times out past its deadline, or runs its task when due and no call of it is in flight.
 */
function nextMessage(
  run: RunState,
  s: StageRecord,
  now: number,
  polled: ReadonlySet<string>,
): StageMessage | undefined {
  if (s.status === "NOT_STARTED") {
    return !run.prefetching.has(s.refId) && parentsAllowStart(s, run.byRef) ? "start" : undefined;
  }
  if (s.status !== "RUNNING") return undefined;
  if (now >= stageDeadline(run, s)) return "time-out";
  if (run.inflight.has(s.refId) || polled.has(s.refId)) return undefined;
  return (run.nextPollAt.get(s.refId) ?? 0) <= now ? "run-task" : undefined;
}

/** When the loop must look again without being woken: the next poll or deadline; Infinity if none. */
export function nextDueAt(run: RunState): number {
  let nextAt = Number.POSITIVE_INFINITY;
  for (const s of run.active.running()) {
    if (!run.inflight.has(s.refId)) nextAt = Math.min(nextAt, run.nextPollAt.get(s.refId) ?? 0);
    nextAt = Math.min(nextAt, stageDeadline(run, s));
  }
  return nextAt;
}

/** Orca ends an execution TERMINAL at once when no stage is free of dependencies. */
export function checkStartable(run: RunState): void {
  if (run.record.status === "NOT_STARTED") return;
  const initial = run.record.stages.filter((s) => s.dependsOn.length === 0);
  if (run.record.stages.length > 0 && initial.length === 0) {
    completeExecution(run, "TERMINAL", "no stage is free of dependencies");
  }
}
