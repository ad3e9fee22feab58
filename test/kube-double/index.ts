// A Kubernetes API server double on 127.0.0.1 for tests and benchmarks that drive the real kubectl.
//
//   const double = await startKubeDouble();            // simulated pods
//   const double = await startKubeDouble({ runtime: "process" });   // pods are local processes
//   execFile("kubectl", ["--kubeconfig", double.kubeconfig, "apply", "-f", file]);
//   await double.stop();
//
// See docs/kubernetes.md, "The test double", for what it models and what it does not.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Api } from "./api.js";
import { Context, type Controller, kind } from "./controllers/context.js";
import { DeploymentController } from "./controllers/deployment.js";
import { EndpointsController } from "./controllers/endpoints.js";
import { GarbageCollector, NamespaceController } from "./controllers/gc.js";
import { JobController } from "./controllers/job.js";
import { Kubelet } from "./controllers/kubelet.js";
import { ReplicaSetController } from "./controllers/replicaset.js";
import { DaemonSetController, StatefulSetController } from "./controllers/sets.js";
import { ServiceProxies } from "./proxy.js";
import { ProcessRuntime, type ProcessRuntimeOptions } from "./runtime/process.js";
import type { PodRuntime } from "./runtime/runtime.js";
import { type SimulatedOptions, SimulatedRuntime } from "./runtime/simulated.js";
import { KubeServer, type TranscriptEntry } from "./server.js";
import { Store } from "./store.js";
import type { KObject } from "./types.js";
import { now, uid } from "./util.js";

export type { ProcessRuntimeOptions } from "./runtime/process.js";
export type { SimulatedBehaviour, SimulatedOptions } from "./runtime/simulated.js";
export type { TranscriptEntry } from "./server.js";

export interface KubeDoubleOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** "simulated" (default) or "process" (containers run as local processes), or options for either. */
  runtime?: "simulated" | "process" | { simulated: SimulatedOptions } | { process: ProcessRuntimeOptions };
  /** Record every request: true (kept in memory), or a file path (JSON lines, appended as they happen). */
  transcript?: boolean | string;
  /** Leave discovery and OpenAPI requests out of the transcript (default true). */
  transcriptSkipsDiscovery?: boolean;
  /** Serve the OpenAPI documents without the fieldValidation parameter, so kubectl validates client-side. */
  clientSideValidation?: boolean;
  /** The version /version reports (default the documents' release, v1.35.0). */
  gitVersion?: string;
  /** Job pods' retry back-off base (real: 10 s). */
  jobBackoffMs?: number;
  /** How often controllers re-check time-based conditions (ms). */
  tickMs?: number;
  /** Start a loopback proxy for every Service (default: with the process runtime). */
  serviceProxies?: boolean;
}

export interface KubeDouble {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** A kubeconfig file for this double (context "kube-double", namespace default). */
  readonly kubeconfig: string;
  /** A directory for kubectl's --cache-dir, private to this double. */
  readonly cacheDir: string;
  readonly api: Api;
  readonly runtime: PodRuntime;
  /** The recorded requests (when transcript is on). */
  transcript(): TranscriptEntry[];
  /** The loopback URL of a Service's proxy (its first port, or the named/numbered one). */
  serviceUrl(namespace: string, name: string, port?: string | number): Promise<string>;
  /** Request counters of a Service's proxy. */
  serviceStats(
    namespace: string,
    name: string,
    port?: string | number,
  ): { requests: number; failed: number; retried: number } | undefined;
  /** Resolves once no controller has work left (no writes for `quietMs`). */
  settle(quietMs?: number): Promise<void>;
  /** Reads an object directly (no HTTP). */
  get(kindName: string, namespace: string | undefined, name: string): KObject | undefined;
  list(kindName: string, namespace?: string): KObject[];
  stop(): Promise<void>;
}

const DISCOVERY = /^\/(api|apis|version|openapi)(\/|$|\?)/;

export async function startKubeDouble(options: KubeDoubleOptions = {}): Promise<KubeDouble> {
  const store = new Store();
  const api = new Api(store);
  const dir = mkdtempSync(join(tmpdir(), "kube-double-"));
  let runtime: PodRuntime;
  const rt = options.runtime ?? "simulated";
  if (rt === "process") runtime = new ProcessRuntime({ logDir: join(dir, "logs"), store });
  else if (rt === "simulated") runtime = new SimulatedRuntime();
  else if ("process" in rt) runtime = new ProcessRuntime({ logDir: join(dir, "logs"), store, ...rt.process });
  else runtime = new SimulatedRuntime(rt.simulated);

  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    store.put(kind("Namespace"), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: ns,
        uid: uid(),
        creationTimestamp: now(),
        labels: { "kubernetes.io/metadata.name": ns },
      },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
  }

  const ctx = new Context(api, Date.now, "kube-double-node");
  const kubelet = new Kubelet(runtime, ctx);
  const controllers: Controller[] = [
    kubelet,
    new DeploymentController(),
    new ReplicaSetController(),
    new StatefulSetController(),
    new DaemonSetController(),
    new JobController(options.jobBackoffMs ?? 100),
    new EndpointsController((podUid, port) => runtime.portFor?.(podUid, port)),
    new GarbageCollector(),
    new NamespaceController(),
  ];

  // Level-triggered: any write schedules one pass of every controller; passes repeat until quiet.
  let scheduled = false;
  let running = false;
  let stopped = false;
  let lastWrite = Date.now();
  const pending: number[] = [];
  let wakeTimer: NodeJS.Timeout | undefined;
  const pass = () => {
    scheduled = false;
    if (stopped) return;
    running = true;
    try {
      for (const c of controllers) {
        try {
          c.reconcile(ctx);
        } catch (e) {
          console.error(`kube-double ${c.name}: ${(e as Error).stack ?? e}`);
        }
      }
    } finally {
      running = false;
    }
    pending.push(...ctx.takeWakeups());
    armWake();
  };
  const schedule = () => {
    if (!scheduled && !stopped) {
      scheduled = true;
      setImmediate(pass);
    }
  };
  const armWake = () => {
    if (stopped) return;
    const next = pending.sort((a, b) => a - b)[0];
    if (next === undefined) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = setTimeout(
      () => {
        wakeTimer = undefined;
        const t = Date.now();
        while (pending.length && pending[0] <= t + 2) pending.shift();
        schedule();
        armWake();
      },
      Math.max(1, next - Date.now()),
    );
  };
  const unsubscribe = store.subscribe(() => {
    lastWrite = Date.now();
    schedule();
  });
  // A safety net for time-based conditions; deadlines and delays also ask for their own wake-up.
  const tick = setInterval(schedule, options.tickMs ?? 1000);

  const entries: TranscriptEntry[] = [];
  const skipDiscovery = options.transcriptSkipsDiscovery ?? true;
  const transcriptFile = typeof options.transcript === "string" ? options.transcript : undefined;
  const record = options.transcript
    ? (e: TranscriptEntry) => {
        if (
          skipDiscovery &&
          DISCOVERY.test(e.path) &&
          !/^\/apis?\/[^/]+\/[^/]+\/.+|^\/api\/v1\/.+/.test(e.path.split("?")[0])
        )
          return;
        entries.push(e);
        if (transcriptFile) appendFileSync(transcriptFile, `${JSON.stringify(e)}\n`);
      }
    : undefined;

  const proxies = new ServiceProxies(store);
  const wantProxies = options.serviceProxies ?? runtime.name === "process";
  const unsubscribeProxies = wantProxies ? store.subscribe((e) => proxies.onEvent(e)) : () => {};

  const minor = "35";
  const server = new KubeServer({
    api,
    version: { major: "1", minor, gitVersion: options.gitVersion ?? "v1.35.0" },
    logs: (req, res) => kubelet.logs(req, res),
    side: (path) => (path === "proxies" ? proxies.describe() : undefined),
    transcript: record,
    clientSideValidation: options.clientSideValidation,
  });
  const port = await server.listen(options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: kube-double",
      "  cluster:",
      `    server: ${url}`,
      "contexts:",
      "- name: kube-double",
      "  context:",
      "    cluster: kube-double",
      "    namespace: default",
      "    user: kube-double",
      "current-context: kube-double",
      "users:",
      "- name: kube-double",
      "  user: {}",
      "",
    ].join("\n"),
  );
  const cacheDir = join(dir, "kubectl-cache");
  schedule();

  return {
    url,
    port,
    kubeconfig,
    cacheDir,
    api,
    runtime,
    transcript: () => [...entries],
    async serviceUrl(namespace, name, p) {
      const found = await proxies.ensure(namespace, name, p);
      return `http://127.0.0.1:${found}`;
    },
    serviceStats: (namespace, name, p) => proxies.stats(namespace, name, p),
    async settle(quietMs = 150) {
      for (;;) {
        await new Promise((r) => setTimeout(r, quietMs / 3));
        if (!scheduled && !running && Date.now() - lastWrite >= quietMs) return;
      }
    },
    get: (k, ns, name) => store.get(kind(k), ns, name),
    list: (k, ns) => store.list(kind(k), ns),
    async stop() {
      stopped = true;
      clearInterval(tick);
      if (wakeTimer) clearTimeout(wakeTimer);
      unsubscribe();
      unsubscribeProxies();
      await server.close();
      await proxies.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
