// Test helpers: a double per test, and kubectl bound to it.
import { afterEach } from "vitest";
import { type KubeDouble, type KubeDoubleOptions, startKubeDouble } from "./index.js";
import { type Kubectl, kubectls, type RunResult, runKubectl, startKubectl } from "./kubectl.js";

export const KUBECTLS = kubectls();

export interface Ctl {
  (...args: string[]): Promise<string>;
  /** Runs and returns the whole result, without failing on a non-zero exit. */
  raw(args: string[], input?: string): Promise<RunResult>;
  start(...args: string[]): ReturnType<typeof startKubectl>;
}

export function bind(k: Kubectl, d: { kubeconfig: string; cacheDir: string }): Ctl {
  const ctl = (async (...args: string[]) => {
    const r = await runKubectl(k, d, args, { timeoutMs: 60_000 });
    if (r.code !== 0)
      throw new Error(`kubectl ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }) as Ctl;
  ctl.raw = (args, input) => runKubectl(k, d, args, { timeoutMs: 60_000, input });
  ctl.start = (...args) => startKubectl(k, d, args);
  return ctl;
}

/** Starts a double for the test and stops it after, even when the test fails. */
export function doublePerTest(): (opts?: KubeDoubleOptions) => Promise<KubeDouble> {
  const made: KubeDouble[] = [];
  afterEach(async () => {
    for (const d of made.splice(0)) await d.stop();
  });
  return async (opts) => {
    const d = await startKubeDouble(opts);
    made.push(d);
    return d;
  };
}

export async function until<T>(what: string, f: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
