/** A run waiting to start (Orca: a NOT_STARTED execution held by limitConcurrent). */
export interface QueuedRun {
  id: string;
  /** When it was queued (ms); ties break by id. */
  since: number;
}

/**
 * Orca's StartWaitingExecutions once nothing of the pipeline runs: with keepWaitingPipelines the
 * oldest waiting run starts (FIFO); without, the newest starts and every older one is canceled
 * ("superseded by a newer queued execution").
 */
export function chooseNextRun<T extends QueuedRun>(
  waiting: readonly T[],
  keepWaitingPipelines: boolean,
): { start?: T; supersede: T[] } {
  if (waiting.length === 0) return { supersede: [] };
  const ordered = [...waiting].sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (keepWaitingPipelines) return { start: ordered[0], supersede: [] };
  return { start: ordered[ordered.length - 1], supersede: ordered.slice(0, -1) };
}

/** The reason Orca gives a superseded execution. */
export const SUPERSEDED_REASON =
  "This execution was queued but then canceled because a newer queued execution superseded it (keepWaitingPipelines is false).";
