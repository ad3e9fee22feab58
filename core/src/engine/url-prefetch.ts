import { scopeOf } from "./expression-scope.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";

/** Fetch rounds per stage before its URL expressions are left failed (a fetched body may need more). */
const MAX_ROUNDS = 3;

/**
 * Fetches what URL functions in the stage's config (or `if`) need, then lets the scheduler start
 * it again (at most 3 rounds; a URL that fails to fetch becomes an expression error). Returns
 * false when no fetch is possible, so the stage starts now with those expressions failed.
 */
export function prefetchUrls(run: RunState, s: StageRecord, urls: string[]): boolean {
  const evaluator = run.services.expressions;
  const rounds = run.prefetched.get(s.refId) ?? 0;
  if (!evaluator.fetchUrls || rounds >= MAX_ROUNDS) return false;
  run.prefetched.set(s.refId, rounds + 1);
  run.prefetching.add(s.refId);
  const release = run.services.clock.hold?.();
  const done: Promise<void> = evaluator
    .fetchUrls(urls, scopeOf(run, s))
    .catch(() => undefined)
    .finally(() => {
      release?.();
      run.prefetching.delete(s.refId);
      run.externalWork.delete(done);
      run.wake();
    });
  run.externalWork.add(done);
  return true;
}
