// A tiny test harness for code running inside the VS Code extension host (no mocha needed there).
import * as fs from "node:fs";

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

interface TestCase {
  name: string;
  timeoutMs: number;
  run: () => Promise<void>;
}

const cases: TestCase[] = [];

/** Registers a test; tests run in registration order (later ones may rely on earlier state). */
export function spec(name: string, run: () => Promise<void>, timeoutMs = 30_000): void {
  cases.push({ name, run, timeoutMs });
}

/** Polls until `probe` returns a truthy value; throws with `what` and the last value on timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function withTimeout(promise: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test '${name}' exceeded ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every registered test, logs one line per test, writes the results file, throws if any failed. */
export async function runAll(resultsFile: string | undefined): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const c of cases) {
    const start = Date.now();
    try {
      await withTimeout(c.run(), c.timeoutMs, c.name);
      results.push({ name: c.name, ok: true, ms: Date.now() - start });
      console.log(`[capstan-e2e] PASS ${c.name} (${Date.now() - start} ms)`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name: c.name, ok: false, ms: Date.now() - start, error: message });
      console.log(`[capstan-e2e] FAIL ${c.name}: ${message}`);
    }
    if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
  return results;
}
