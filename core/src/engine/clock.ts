/** Time, injected so tests control it. */
export interface Clock {
  now(): number;
  /** Resolves at `time` (epoch ms), or early when `signal` aborts. */
  sleepUntil(time: number, signal?: AbortSignal): Promise<void>;
  /**
   * A virtual clock moves only when the engine has nothing else in flight: the engine then asks it
   * to jump straight to the next timer.
   */
  readonly virtual?: boolean;
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
 * A virtual clock: `sleepUntil` jumps time forward to the wake-up time (on the next macrotask,
 * unless aborted first), so a pipeline with hours of waits runs in milliseconds, deterministically.
 */
export class FakeClock implements Clock {
  readonly virtual = true;
  constructor(private time = Date.UTC(2024, 0, 2, 12, 0, 0)) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }

  set(time: number): void {
    this.time = time;
  }

  sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      setImmediate(() => {
        if (!signal?.aborted && Number.isFinite(time)) this.time = Math.max(this.time, time);
        resolve();
      });
    });
  }
}
