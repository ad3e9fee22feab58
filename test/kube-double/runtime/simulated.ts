// The default pod runtime: no processes, containers go Running then Ready after short delays.
// A pod's behaviour can be changed per test, by a callback or by annotations on the pod (template):
//   kube-double.capstan.dev/ready: "false"      never becomes ready (a rollout that stalls)
//   kube-double.capstan.dev/exit-code: "1"      the container exits with this code
//   kube-double.capstan.dev/run-ms: "200"       ...after this long (jobs' pods default to 100 ms)
//   kube-double.capstan.dev/logs: "text"        what the container writes to its log
import type { ServerResponse } from "node:http";
import type { LogRequest } from "../server.js";
import type { Pod } from "../types.js";
import { now } from "../util.js";
import { type ContainerReport, formatLog, type PodRuntime, podKey, type RuntimeReport } from "./runtime.js";

export interface SimulatedBehaviour {
  ready?: boolean;
  exitCode?: number;
  runMs?: number;
  logs?: string;
}

export interface SimulatedOptions {
  startDelayMs?: number;
  readyDelayMs?: number;
  stopDelayMs?: number;
  restartBackoffMs?: number;
  behaviour?: (pod: Pod, container: string) => SimulatedBehaviour | undefined;
}

const PREFIX = "kube-double.capstan.dev/";

interface Running {
  pod: Pod;
  report: (r: RuntimeReport) => void;
  containers: ContainerReport[];
  logs: Map<string, { time: string; text: string }[]>;
  timers: NodeJS.Timeout[];
  ip: string;
  stopped: boolean;
}

let nextIp = 10;

export class SimulatedRuntime implements PodRuntime {
  readonly name = "simulated";
  private readonly pods = new Map<string, Running>();

  constructor(private readonly opts: SimulatedOptions = {}) {}

  private behaviour(pod: Pod, container: string): SimulatedBehaviour {
    const a = pod.metadata.annotations ?? {};
    const fromAnnotations: SimulatedBehaviour = {};
    if (a[`${PREFIX}ready`] !== undefined) fromAnnotations.ready = a[`${PREFIX}ready`] !== "false";
    if (a[`${PREFIX}exit-code`] !== undefined) fromAnnotations.exitCode = Number(a[`${PREFIX}exit-code`]);
    if (a[`${PREFIX}run-ms`] !== undefined) fromAnnotations.runMs = Number(a[`${PREFIX}run-ms`]);
    if (a[`${PREFIX}logs`] !== undefined) fromAnnotations.logs = a[`${PREFIX}logs`];
    return { ...fromAnnotations, ...(this.opts.behaviour?.(pod, container) ?? {}) };
  }

  has(uid: string): boolean {
    return this.pods.has(uid);
  }

  start(pod: Pod, report: (r: RuntimeReport) => void): void {
    const key = podKey(pod);
    if (this.pods.has(key)) return;
    const n = nextIp++;
    const run: Running = {
      pod,
      report,
      containers: pod.spec.containers.map((c) => ({
        name: c.name,
        state: "waiting",
        reason: "ContainerCreating",
        ready: false,
        restartCount: 0,
      })),
      logs: new Map(pod.spec.containers.map((c) => [c.name, []])),
      timers: [],
      ip: `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`,
      stopped: false,
    };
    this.pods.set(key, run);
    run.report({ containers: run.containers, podIP: run.ip });
    for (let i = 0; i < pod.spec.containers.length; i++)
      this.runContainer(run, i, this.opts.startDelayMs ?? 20);
  }

  private push(run: Running, events?: RuntimeReport["events"]): void {
    if (!run.stopped)
      run.report({ containers: run.containers.map((c) => ({ ...c })), podIP: run.ip, events });
  }

  private later(run: Running, ms: number, f: () => void): void {
    run.timers.push(setTimeout(() => !run.stopped && f(), ms));
  }

  private runContainer(run: Running, i: number, delay: number): void {
    const spec = run.pod.spec.containers[i];
    const b = this.behaviour(run.pod, spec.name);
    const policy = run.pod.spec.restartPolicy ?? "Always";
    this.later(run, delay, () => {
      const c = run.containers[i];
      const startedAt = now();
      run.containers[i] = {
        name: c.name,
        state: "running",
        startedAt,
        ready: false,
        restartCount: c.restartCount,
        last: c.last,
      };
      if (b.logs)
        run.logs
          .get(spec.name)
          ?.push(...b.logs.split(/(?<=\n)/).map((text) => ({ time: new Date().toISOString(), text })));
      const events: RuntimeReport["events"] =
        c.restartCount === 0
          ? [
              {
                type: "Normal",
                reason: "Pulled",
                message: `Container image "${spec.image}" already present on machine`,
              },
              { type: "Normal", reason: "Created", message: `Created container: ${spec.name}` },
              { type: "Normal", reason: "Started", message: `Started container ${spec.name}` },
            ]
          : [{ type: "Normal", reason: "Started", message: `Started container ${spec.name}` }];
      this.push(run, events);
      const exits = b.exitCode !== undefined || b.runMs !== undefined || policy !== "Always";
      const probeDelay = (spec.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
      if (b.ready !== false && !exits)
        this.later(run, Math.max(this.opts.readyDelayMs ?? 50, probeDelay), () => {
          run.containers[i] = { ...run.containers[i], ready: true };
          this.push(run);
        });
      if (b.ready !== false && exits && (b.runMs ?? 100) > (this.opts.readyDelayMs ?? 50))
        this.later(run, this.opts.readyDelayMs ?? 50, () => {
          if (run.containers[i].state === "running") {
            run.containers[i] = { ...run.containers[i], ready: true };
            this.push(run);
          }
        });
      if (exits)
        this.later(run, b.runMs ?? 100, () => {
          const code = b.exitCode ?? 0;
          const finishedAt = now();
          const reason = code === 0 ? "Completed" : "Error";
          const restart = policy === "Always" || (policy === "OnFailure" && code !== 0);
          if (restart) {
            const back = this.opts.restartBackoffMs ?? 200;
            run.containers[i] = {
              name: spec.name,
              state: "waiting",
              reason: "CrashLoopBackOff",
              message: `back-off ${Math.round(back / 1000)}s restarting failed container=${spec.name} pod=${run.pod.metadata.name}_${run.pod.metadata.namespace}(${run.pod.metadata.uid})`,
              ready: false,
              restartCount: run.containers[i].restartCount + 1,
              last: { exitCode: code, reason, startedAt, finishedAt },
            };
            this.push(run, [
              {
                type: "Warning",
                reason: "BackOff",
                message: `Back-off restarting failed container ${spec.name} in pod ${run.pod.metadata.name}_${run.pod.metadata.namespace}(${run.pod.metadata.uid})`,
              },
            ]);
            this.runContainer(run, i, back);
          } else {
            run.containers[i] = {
              name: spec.name,
              state: "terminated",
              exitCode: code,
              reason,
              startedAt,
              finishedAt,
              ready: false,
              restartCount: run.containers[i].restartCount,
              last: run.containers[i].last,
            };
            this.push(run);
          }
        });
    });
  }

  async stop(pod: Pod, _graceSeconds: number): Promise<void> {
    const run = this.pods.get(podKey(pod));
    if (!run) return;
    run.stopped = true;
    for (const t of run.timers) clearTimeout(t);
    await new Promise((r) => setTimeout(r, this.opts.stopDelayMs ?? 10));
  }

  async logs(pod: Pod, container: string, req: LogRequest, res: ServerResponse): Promise<void> {
    const lines = this.pods.get(podKey(pod))?.logs.get(container) ?? [];
    const text = formatLog(lines, req);
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(Buffer.byteLength(text)) });
    res.end(text);
  }

  forget(uid: string): void {
    this.pods.delete(uid);
  }

  async close(): Promise<void> {
    for (const run of this.pods.values()) {
      run.stopped = true;
      for (const t of run.timers) clearTimeout(t);
    }
    this.pods.clear();
  }
}
