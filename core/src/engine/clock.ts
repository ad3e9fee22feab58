/** Time, injected so tests control it. */
export interface Clock {
  now(): number;
  /** Resolves at `time` (epoch ms), or early when `signal` aborts. */
  sleepUntil(time: number, signal?: AbortSignal): Promise<void>;
  /** True for virtual clocks, which move only when nobody holds them. */
  readonly virtual?: boolean;
  /** Virtual clocks: keeps time still while real work is in flight; returns the release. */
  hold?(): () => void;
}

const MAX_TIMEOUT = 2_147_483_647;

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(time, signal) {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const delay = Math.max(0, Math.min(MAX_TIMEOUT, time - Date.now()));
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
  },
};

/**
 * A virtual clock for tests: time stands still while anyone holds it (a request or process in
 * flight, a prompt open) and otherwise jumps to the earliest pending wake-up, so a pipeline with
 * hours of waits runs in milliseconds, deterministically, even with child executions running
 * their own loops on the same clock.
 */
export class FakeClock implements Clock {
  readonly virtual = true;
  private holds = 0;
  private sleepers: { time: number; resolve: () => void }[] = [];
  private scheduled = false;

  constructor(private time = Date.UTC(2024, 0, 2, 12, 0, 0)) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
    this.wakeDue();
  }

  set(time: number): void {
    this.time = time;
    this.wakeDue();
  }

  /** Stops time until the returned function is called. */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.schedule();
    };
  }

  sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      if (time <= this.time) return resolve();
      const sleeper = { time, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((x) => x !== sleeper);
          resolve();
        },
        { once: true },
      );
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A macrotask later, so whatever is about to happen (a wake-up, a new hold) happens first.
    setImmediate(() => {
      this.scheduled = false;
      if (this.holds > 0 || this.sleepers.length === 0) return;
      this.time = Math.max(this.time, Math.min(...this.sleepers.map((x) => x.time)));
      this.wakeDue();
    });
  }

  private wakeDue(): void {
    const due = this.sleepers.filter((x) => x.time <= this.time);
    this.sleepers = this.sleepers.filter((x) => x.time > this.time);
    for (const x of due) x.resolve();
  }
}
