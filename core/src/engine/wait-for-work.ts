import type { RunState } from "./run-state.js";
import { nextDueAt } from "./scheduler.js";

/**
 * Returns when there is something to do: at once if woken since the last step, else when woken
 * (a command, a settled call, outside work) or when the next poll or deadline comes.
 */
export async function waitForWork(run: RunState): Promise<void> {
  if (run.woken) {
    run.woken = false;
    return;
  }
  const nextAt = nextDueAt(run);
  const woke = new Promise<void>((resolve) => {
    run.wakeUp = resolve;
  });
  const ac = new AbortController();
  const races: Promise<unknown>[] = [woke];
  if (Number.isFinite(nextAt)) races.push(run.services.clock.sleepUntil(nextAt, ac.signal));
  await Promise.race(races);
  ac.abort();
  run.wakeUp = undefined;
  run.woken = false;
}
