/**
 * Makes journal event ids that sort by time, then by a per-writer counter, then by writer, so
 * journals written by parallel jobs merge into one order by sorting ids. Time never goes back
 * within a writer, even if the clock does, so a writer's own events keep their append order.
 */
export class EventIdGenerator {
  private lastTs = 0;
  private counter = 0;

  constructor(
    readonly writerId: string,
    /** The newest timestamp already in the journal (when resuming). */
    floorTs = 0,
  ) {
    this.lastTs = floorTs;
  }

  /** The timestamp to record for an event happening at `now`, and its id. */
  next(now: number): { id: string; ts: number } {
    const ts = Math.max(now, this.lastTs);
    this.lastTs = ts;
    this.counter++;
    const id = `${ts.toString().padStart(14, "0")}-${this.counter.toString().padStart(9, "0")}-${this.writerId}`;
    return { id, ts };
  }
}

/** A short random writer id, e.g. `w3k9x2a`. */
export function newWriterId(random: () => number): string {
  let s = "w";
  for (let i = 0; i < 6; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}
