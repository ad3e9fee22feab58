import type { Stage } from "../model/types.js";
import type { StageRecord } from "./record.js";
import { type ExecutionStatus, isComplete, letsChildrenStart } from "./status.js";

/**
 * The stages the scheduler must look at, kept up to date as their statuses change, so that a
 * scheduler pass costs the stages that may move, not all the stages of the pipeline.
 *
 * A stage gets a message only when it is RUNNING or NOT_STARTED with every parent letting it
 * start; `active` holds at least those (a stage that left them is dropped when it completes, or
 * visited once more and given nothing). A pass visits them in record order, and a stage that
 * becomes active during the pass is visited in that pass when it comes after the one being
 * visited, in the next pass otherwise: the order in which a full scan of the record would reach
 * them. The statuses are also counted, so the execution's end is decided without a scan.
 */
export class ActiveStages {
  private stages: readonly StageRecord[] = [];
  /** The index of the stage each refId resolves to (the last one with it, as in `byRef`). */
  private readonly indexOf = new Map<string, number>();
  /** The children of stage i are `childList[childStart[i] .. childStart[i + 1]]` (their indexes). */
  private childStart = new Int32Array(1);
  private childList = new Int32Array(0);
  /** Per stage, how many of its `dependsOn` entries do not let it start yet (a missing stage never does). */
  private waitingOn = new Int32Array(0);
  private readonly active = new Set<number>();
  private counts: Partial<Record<ExecutionStatus, number>> = {};
  private readonly stopped = new Set<StageRecord>();
  // The pass under way: a min-heap of the indexes still to visit, and which indexes it holds or held.
  private passing = false;
  private cursor = -1;
  private heap: number[] = [];
  private inPass = new Uint8Array(0);
  private marked: number[] = [];

  /** Indexes the record's stages (at the start, and after `execution.started` replaced them). */
  rebuild(stages: readonly StageRecord[]): void {
    const n = stages.length;
    this.stages = stages;
    this.indexOf.clear();
    this.active.clear();
    this.counts = {};
    this.stopped.clear();
    this.inPass = new Uint8Array(n);
    let edges = 0;
    for (let i = 0; i < n; i++) {
      const s = stages[i];
      this.indexOf.set(s.refId, i);
      this.counts[s.status] = (this.counts[s.status] ?? 0) + 1;
      if (s.status === "STOPPED") this.stopped.add(s);
      edges += s.dependsOn.length;
    }
    // Children by parent, in two passes over the edges (counts, then places), without an array each.
    const parentOf = new Int32Array(edges);
    const start = new Int32Array(n + 1);
    const waitingOn = new Int32Array(n);
    let e = 0;
    for (let i = 0; i < n; i++) {
      for (const ref of stages[i].dependsOn) {
        const p = this.indexOf.get(ref) ?? -1;
        parentOf[e++] = p;
        if (p >= 0) start[p + 1]++;
        if (p < 0 || !letsChildrenStart(stages[p].status)) waitingOn[i]++;
      }
    }
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const list = new Int32Array(start[n]);
    const fill = start.slice(0, n);
    e = 0;
    for (let i = 0; i < n; i++) {
      for (let k = stages[i].dependsOn.length; k > 0; k--) {
        const p = parentOf[e++];
        if (p >= 0) list[fill[p]++] = i;
      }
    }
    this.childStart = start;
    this.childList = list;
    this.waitingOn = waitingOn;
    for (let i = 0; i < n; i++) if (this.mayMove(i)) this.active.add(i);
  }

  /** The index of the stage a refId resolves to (the last one with it, as `byRef` has it), or -1. */
  indexOfRef(refId: string): number {
    return this.indexOf.get(refId) ?? -1;
  }

  /** Called after an event changed the status of stage `i` (from `before`). */
  changed(i: number, before: ExecutionStatus): void {
    const s = this.stages[i];
    this.counts[before] = (this.counts[before] ?? 0) - 1;
    this.counts[s.status] = (this.counts[s.status] ?? 0) + 1;
    if (s.status === "STOPPED") this.stopped.add(s);
    else if (before === "STOPPED") this.stopped.delete(s);
    if (this.mayMove(i)) this.activate(i);
    else if (isComplete(s.status)) this.active.delete(i);
    const passes = letsChildrenStart(s.status);
    if (passes === letsChildrenStart(before)) return;
    for (let k = this.childStart[i]; k < this.childStart[i + 1]; k++) {
      const c = this.childList[k];
      this.waitingOn[c] += passes ? -1 : 1;
      if (this.mayMove(c)) this.activate(c);
    }
  }

  /** Starts a pass over the active stages, in record order. */
  beginPass(): void {
    this.passing = true;
    this.cursor = -1;
    this.heap = [...this.active];
    this.heap.sort((a, b) => a - b);
    for (const i of this.heap) this.mark(i);
  }

  /** The next stage index of the pass, or -1 when the pass is over. */
  next(): number {
    if (this.heap.length === 0) return -1;
    this.cursor = this.pop();
    return this.cursor;
  }

  /** Ends the pass. */
  endPass(): void {
    this.passing = false;
    this.heap = [];
    for (const i of this.marked) this.inPass[i] = 0;
    this.marked = [];
  }

  /** The stages that are RUNNING (with some that may have just completed). */
  *running(): IterableIterator<StageRecord> {
    for (const i of this.active) {
      const s = this.stages[i];
      if (s.status === "RUNNING") yield s;
    }
  }

  /**
   * Orca's CompleteExecutionHandler.determineFinalStatus (see `determineFinalStatus`) from the
   * counts: all passable => SUCCEEDED; any TERMINAL => TERMINAL; any CANCELED => CANCELED; any
   * STOPPED and nothing else that can still move => SUCCEEDED, or TERMINAL if a STOPPED stage was
   * haltBranchThenFailPipeline; otherwise undefined (keep going).
   */
  finalStatus(models: ReadonlyMap<string, Stage>): ExecutionStatus | undefined {
    const c = this.counts;
    const passable = (c.SUCCEEDED ?? 0) + (c.FAILED_CONTINUE ?? 0) + (c.SKIPPED ?? 0);
    if (passable === this.stages.length) return "SUCCEEDED";
    if ((c.TERMINAL ?? 0) > 0) return "TERMINAL";
    if ((c.CANCELED ?? 0) > 0) return "CANCELED";
    if (this.stopped.size === 0) return undefined;
    for (const i of this.active) if (this.mayMove(i)) return undefined;
    for (const s of this.stopped) {
      if (models.get(s.refId)?.onFailure === "haltBranchThenFailPipeline") return "TERMINAL";
    }
    return "SUCCEEDED";
  }

  /** RUNNING, or NOT_STARTED with every parent letting it start (what `parentsAllowStart` says). */
  private mayMove(i: number): boolean {
    const status = this.stages[i].status;
    return status === "RUNNING" || (status === "NOT_STARTED" && this.waitingOn[i] === 0);
  }

  private activate(i: number): void {
    this.active.add(i);
    if (this.passing && i > this.cursor && this.inPass[i] === 0) {
      this.mark(i);
      this.push(i);
    }
  }

  private mark(i: number): void {
    this.inPass[i] = 1;
    this.marked.push(i);
  }

  // A binary min-heap in `heap` (a sorted array is one already).
  private push(i: number): void {
    const h = this.heap;
    let at = h.length;
    h.push(i);
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (h[up] <= i) break;
      h[at] = h[up];
      at = up;
    }
    h[at] = i;
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let at = 0;
      while (true) {
        const l = 2 * at + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && h[r] < h[l] ? r : l;
        if (h[c] >= last) break;
        h[at] = h[c];
        at = c;
      }
      h[at] = last;
    }
    return top;
  }
}
