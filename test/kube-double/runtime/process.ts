// The process runtime: each container of a pod runs as a local process, the way the local
// provider runs instances. `command` + `args` (with $(VAR) references expanded) are executed
// directly, or the image is mapped to a command by the `images` option; `env`, `envFrom` (ConfigMaps
// and Secrets) and the downward API's metadata.name/namespace/uid/labels, status.podIP are set, and
// CAPSTAN_IMAGE (the image) and CAPSTAN_INSTANCE_ID (the pod) as for the local provider's instances.
// Every declared container port gets a free loopback port; PORT is the first one (a container
// that sets PORT to one of its container ports gets the mapped port instead), and
// KUBE_DOUBLE_PORT_<containerPort> names each. The pod IP is 127.0.0.1, so Endpoints point at
// real listening ports. Readiness and liveness probes (httpGet, tcpSocket, exec) run on their
// period; with no readiness probe a running container is ready. Exits follow restartPolicy with a
// back-off; deletion runs the preStop hook, SIGTERMs the process group and SIGKILLs it after the
// grace period. Output is kept as the container log.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { connect, createServer } from "node:net";
import { checkHealth } from "../../../core/src/providers/local/health-check.js";
import { kind } from "../controllers/context.js";
import type { LogRequest } from "../server.js";
import type { Store } from "../store.js";
import type { Container, KObject, Pod, Probe } from "../types.js";
import { now } from "../util.js";
import { type ContainerReport, formatLog, type PodRuntime, podKey, type RuntimeReport } from "./runtime.js";

export interface ImageCommand {
  command: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface ProcessRuntimeOptions {
  /** Where containers run when they name no existing workingDir (default the current directory). */
  cwd?: string;
  /** Commands for images whose containers give no `command` (e.g. {"web:v1": {command: ["node", "server.js"]}}). */
  images?: Record<string, ImageCommand>;
  /** Extra environment for every container. */
  env?: Record<string, string>;
  /** First restart delay (real: 10 s, doubling to 5 min); doubles up to 10x. */
  restartBackoffMs?: number;
  /** Probe periods are multiplied by this (1 = as declared). */
  probePeriodScale?: number;
  /** Where logs are kept (unused for now: logs are in memory). */
  logDir?: string;
  /** Resolves ConfigMap/Secret references (set by the double). */
  store?: Store;
}

interface ContainerRun {
  spec: Container;
  report: ContainerReport;
  child?: ChildProcess;
  exited?: Promise<void>;
  log: { time: string; text: string }[];
  followers: Set<(line: { time: string; text: string } | null) => void>;
  readyStreak: number;
  failStreak: number;
  liveFails: number;
  probeTimer?: NodeJS.Timeout;
  restartTimer?: NodeJS.Timeout;
  startedMs?: number;
}

interface PodRun {
  pod: Pod;
  report: (r: RuntimeReport) => void;
  ports: Map<number, number>;
  containers: ContainerRun[];
  stopping: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name?: string) => {
    if (m === "$$") return "$";
    return name !== undefined && env[name] !== undefined ? env[name] : m;
  });
}

// Container processes run in their own process groups (so a stop reaches what they started); if the
// process hosting the double exits without stopping it, they are killed on the way out.
const live = new Set<number>();
let exitHook = false;
function track(pid: number): void {
  live.add(pid);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const p of live) {
        try {
          process.kill(-p, "SIGKILL");
        } catch {
          // Gone.
        }
      }
    });
  }
}

export class ProcessRuntime implements PodRuntime {
  readonly name = "process";
  private readonly pods = new Map<string, PodRun>();
  store?: Store;

  constructor(private readonly opts: ProcessRuntimeOptions = {}) {
    this.store = opts.store;
  }

  has(uid: string): boolean {
    return this.pods.has(uid);
  }

  portFor(uid: string, containerPort: number): number | undefined {
    return this.pods.get(uid)?.ports.get(containerPort);
  }

  start(pod: Pod, report: (r: RuntimeReport) => void): void {
    const key = podKey(pod);
    if (this.pods.has(key)) return;
    const run: PodRun = {
      pod,
      report,
      ports: new Map(),
      containers: pod.spec.containers.map((c) => ({
        spec: c,
        report: {
          name: c.name,
          state: "waiting",
          reason: "ContainerCreating",
          ready: false,
          restartCount: 0,
        },
        log: [],
        followers: new Set(),
        readyStreak: 0,
        failStreak: 0,
        liveFails: 0,
      })),
      stopping: false,
    };
    this.pods.set(key, run);
    void (async () => {
      for (const c of pod.spec.containers)
        for (const p of c.ports ?? [])
          if (!run.ports.has(p.containerPort)) run.ports.set(p.containerPort, await freePort());
      this.push(run);
      for (const c of run.containers) this.launch(run, c);
    })();
  }

  private push(run: PodRun, events?: RuntimeReport["events"]): void {
    if (run.stopping && !events) {
      // Status after stopping began is still reported (ready false, exits).
    }
    const ports: Record<string, number> = {};
    for (const [cp, hp] of run.ports) ports[String(cp)] = hp;
    run.report({
      containers: run.containers.map((c) => ({ ...c.report })),
      podIP: "127.0.0.1",
      events,
      ports,
    });
  }

  private lookup(kindName: string, ns: string | undefined, name: string): KObject | undefined {
    return this.store?.get(kind(kindName), ns, name);
  }

  private environment(run: PodRun, c: Container): Record<string, string> | { error: string } {
    const pod = run.pod;
    // As the local provider's instances have them (a container's own env wins).
    const env: Record<string, string> = {
      CAPSTAN_IMAGE: c.image ?? "",
      CAPSTAN_INSTANCE_ID: pod.metadata.name ?? "",
      ...(this.opts.env ?? {}),
      HOSTNAME: pod.metadata.name ?? "",
    };
    const ns = pod.metadata.namespace;
    for (const from of c.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      if (!ref) continue;
      const obj = this.lookup(from.configMapRef ? "ConfigMap" : "Secret", ns, ref.name) as
        | { data?: Record<string, string> }
        | undefined;
      if (!obj) return { error: `${from.configMapRef ? "configmap" : "secret"} "${ref.name}" not found` };
      for (const [k, v] of Object.entries(obj.data ?? {}))
        env[`${from.prefix ?? ""}${k}`] = from.secretRef ? Buffer.from(v, "base64").toString("utf8") : v;
    }
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = expand(e.value, env);
      else if (e.valueFrom?.fieldRef) {
        const path = e.valueFrom.fieldRef.fieldPath;
        const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
        if (path === "metadata.name") env[e.name] = pod.metadata.name ?? "";
        else if (path === "metadata.namespace") env[e.name] = ns ?? "";
        else if (path === "metadata.uid") env[e.name] = pod.metadata.uid ?? "";
        else if (path === "status.podIP" || path === "status.hostIP") env[e.name] = "127.0.0.1";
        else if (path === "spec.nodeName") env[e.name] = pod.spec.nodeName ?? "";
        else if (path === "spec.serviceAccountName") env[e.name] = pod.spec.serviceAccountName ?? "default";
        else if (m)
          env[e.name] = (m[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? "";
      } else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
        const ref = (e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef)!;
        const secret = !!e.valueFrom.secretKeyRef;
        const obj = this.lookup(secret ? "Secret" : "ConfigMap", ns, ref.name) as
          | { data?: Record<string, string> }
          | undefined;
        const v = obj?.data?.[ref.key];
        if (v === undefined) {
          if (ref.optional) continue;
          return {
            error: obj
              ? `couldn't find key ${ref.key} in ${secret ? "Secret" : "ConfigMap"} ${ns}/${ref.name}`
              : `${secret ? "secret" : "configmap"} "${ref.name}" not found`,
          };
        }
        env[e.name] = secret ? Buffer.from(v, "base64").toString("utf8") : v;
      }
    }
    const declared = (c.ports ?? []).map((p) => p.containerPort);
    for (const cp of declared) env[`KUBE_DOUBLE_PORT_${cp}`] = String(run.ports.get(cp));
    if (env.PORT === undefined) {
      if (declared.length) env.PORT = String(run.ports.get(declared[0]));
    } else if (declared.includes(Number(env.PORT))) env.PORT = String(run.ports.get(Number(env.PORT)));
    return env;
  }

  private line(c: ContainerRun, text: string): void {
    const entry = { time: new Date().toISOString(), text };
    c.log.push(entry);
    if (c.log.length > 50_000) c.log.splice(0, 10_000);
    for (const f of c.followers) f(entry);
  }

  private launch(run: PodRun, c: ContainerRun): void {
    if (run.stopping) return;
    const env = this.environment(run, c.spec);
    if ("error" in env) {
      c.report = { ...c.report, state: "waiting", reason: "CreateContainerConfigError", message: env.error };
      this.push(run, [{ type: "Warning", reason: "Failed", message: `Error: ${env.error}` }]);
      c.restartTimer = setTimeout(() => this.launch(run, c), 1000);
      return;
    }
    const mapped = c.spec.image ? this.opts.images?.[c.spec.image] : undefined;
    let argv: string[];
    if (c.spec.command?.length) argv = [...c.spec.command, ...(c.spec.args ?? [])];
    else if (mapped) argv = [...mapped.command, ...(c.spec.args ?? [])];
    else {
      const message = `no command for image ${JSON.stringify(c.spec.image)}: give the container a command, or map the image in the double's process runtime`;
      c.report = { ...c.report, state: "waiting", reason: "CreateContainerError", message };
      this.push(run, [{ type: "Warning", reason: "Failed", message: `Error: ${message}` }]);
      return;
    }
    const fullEnv = { ...(mapped?.env ?? {}), ...env };
    argv = argv.map((a) => expand(a, fullEnv));
    const wd =
      c.spec.workingDir && existsSync(c.spec.workingDir) && statSync(c.spec.workingDir).isDirectory()
        ? c.spec.workingDir
        : (mapped?.cwd ?? this.opts.cwd ?? process.cwd());
    let child: ChildProcess;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd: wd,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...fullEnv },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      c.report = {
        ...c.report,
        state: "waiting",
        reason: "CreateContainerError",
        message: (e as Error).message,
      };
      this.push(run);
      return;
    }
    c.child = child;
    c.startedMs = Date.now();
    const pid = child.pid;
    if (pid !== undefined) {
      track(pid);
      child.once("close", () => live.delete(pid));
    }
    let partial = "";
    const onData = (b: Buffer) => {
      partial += b.toString("utf8");
      const parts = partial.split(/(?<=\n)/);
      partial = parts[parts.length - 1].endsWith("\n") ? "" : (parts.pop() ?? "");
      for (const p of parts) if (p) this.line(c, p);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const first = c.report.restartCount === 0 && !c.report.last;
    c.exited = new Promise<void>((resolve) => {
      child.once("error", (e) => {
        this.line(c, `${e.message}\n`);
      });
      child.once("close", (code, signal) => {
        if (partial) this.line(c, partial);
        partial = "";
        this.exited(run, c, code ?? (signal ? 128 + (signal === "SIGKILL" ? 9 : 15) : 1), signal !== null);
        resolve();
      });
    });
    c.report = {
      name: c.spec.name,
      state: "running",
      startedAt: now(),
      ready: false,
      restartCount: c.report.restartCount,
      last: c.report.last,
    };
    c.readyStreak = 0;
    c.failStreak = 0;
    c.liveFails = 0;
    const events: RuntimeReport["events"] = first
      ? [
          {
            type: "Normal",
            reason: "Pulled",
            message: `Container image "${c.spec.image}" already present on machine`,
          },
          { type: "Normal", reason: "Created", message: `Created container: ${c.spec.name}` },
          { type: "Normal", reason: "Started", message: `Started container ${c.spec.name}` },
        ]
      : [{ type: "Normal", reason: "Started", message: `Started container ${c.spec.name}` }];
    if (!c.spec.readinessProbe) c.report.ready = true;
    this.push(run, events);
    this.probe(run, c);
  }

  private probeDelay(p: Probe | undefined): number {
    return ((p?.periodSeconds ?? 10) * 1000) / (this.opts.probePeriodScale ?? 1);
  }

  private async check(run: PodRun, c: ContainerRun, p: Probe): Promise<boolean> {
    const timeout = (p.timeoutSeconds ?? 1) * 1000;
    const port = (raw: number | string): number | undefined => {
      let cp: number | undefined =
        typeof raw === "number" ? raw : /^\d+$/.test(raw) ? Number(raw) : undefined;
      if (cp === undefined) for (const x of c.spec.ports ?? []) if (x.name === raw) cp = x.containerPort;
      return cp === undefined ? undefined : (run.ports.get(cp) ?? cp);
    };
    if (p.httpGet) {
      const hp = port(p.httpGet.port);
      if (hp === undefined) return false;
      return (await checkHealth(hp, p.httpGet.path ?? "/", timeout)).ok;
    }
    if (p.tcpSocket) {
      const hp = port(p.tcpSocket.port);
      if (hp === undefined) return false;
      return new Promise((resolve) => {
        const s = connect({ host: "127.0.0.1", port: hp });
        const t = setTimeout(() => {
          s.destroy();
          resolve(false);
        }, timeout);
        s.once("connect", () => {
          clearTimeout(t);
          s.destroy();
          resolve(true);
        });
        s.once("error", () => {
          clearTimeout(t);
          resolve(false);
        });
      });
    }
    if (p.exec?.command?.length) {
      const cmd = p.exec.command;
      return new Promise((resolve) => {
        const child = spawn(cmd[0], cmd.slice(1), { stdio: "ignore", cwd: this.opts.cwd ?? process.cwd() });
        const t = setTimeout(() => child.kill("SIGKILL"), timeout);
        child.once("error", () => resolve(false));
        child.once("close", (code) => {
          clearTimeout(t);
          resolve(code === 0);
        });
      });
    }
    return true;
  }

  private probe(run: PodRun, c: ContainerRun): void {
    const rp = c.spec.readinessProbe;
    const lp = c.spec.livenessProbe;
    if (!rp && !lp) return;
    const child = c.child;
    const startedAt = c.startedMs ?? Date.now();
    const loop = async () => {
      if (run.stopping || c.child !== child || c.report.state !== "running") return;
      const elapsed = Date.now() - startedAt;
      if (rp && elapsed >= (rp.initialDelaySeconds ?? 0) * 1000) {
        const ok = await this.check(run, c, rp);
        if (c.child !== child || run.stopping) return;
        if (ok) {
          c.readyStreak++;
          c.failStreak = 0;
          if (!c.report.ready && c.readyStreak >= (rp.successThreshold ?? 1)) {
            c.report = { ...c.report, ready: true };
            this.push(run);
          }
        } else {
          c.failStreak++;
          c.readyStreak = 0;
          if (c.report.ready && c.failStreak >= (rp.failureThreshold ?? 3)) {
            c.report = { ...c.report, ready: false };
            this.push(run, [{ type: "Warning", reason: "Unhealthy", message: "Readiness probe failed" }]);
          } else if (!c.report.ready && c.failStreak === 1 && elapsed > 1000) {
            this.push(run, [{ type: "Warning", reason: "Unhealthy", message: "Readiness probe failed" }]);
          }
        }
      }
      if (lp && elapsed >= (lp.initialDelaySeconds ?? 0) * 1000) {
        const ok = await this.check(run, c, lp);
        if (c.child !== child || run.stopping) return;
        c.liveFails = ok ? 0 : c.liveFails + 1;
        if (c.liveFails >= (lp.failureThreshold ?? 3)) {
          this.push(run, [
            { type: "Warning", reason: "Unhealthy", message: "Liveness probe failed" },
            {
              type: "Normal",
              reason: "Killing",
              message: `Container ${c.spec.name} failed liveness probe, will be restarted`,
            },
          ]);
          this.signal(c, "SIGKILL");
          return;
        }
      }
      const period = Math.min(
        rp ? this.probeDelay(rp) : Number.POSITIVE_INFINITY,
        lp ? this.probeDelay(lp) : Number.POSITIVE_INFINITY,
      );
      c.probeTimer = setTimeout(() => void loop(), Math.min(period, 200 + period));
    };
    c.probeTimer = setTimeout(() => void loop(), Math.min(100, (rp?.initialDelaySeconds ?? 0) * 1000 || 100));
  }

  private signal(c: ContainerRun, sig: NodeJS.Signals): void {
    const pid = c.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // Gone.
      }
    }
  }

  private exited(run: PodRun, c: ContainerRun, code: number, signalled: boolean): void {
    if (c.probeTimer) clearTimeout(c.probeTimer);
    c.child = undefined;
    const finishedAt = now();
    const startedAt = c.report.startedAt;
    const reason = code === 0 ? "Completed" : "Error";
    const policy = run.pod.spec.restartPolicy ?? "Always";
    for (const f of c.followers) f(null);
    if (!run.stopping && (policy === "Always" || (policy === "OnFailure" && code !== 0))) {
      const base = this.opts.restartBackoffMs ?? 1000;
      const back = Math.min(base * 2 ** Math.min(c.report.restartCount, 3), base * 10);
      c.report = {
        name: c.spec.name,
        state: "waiting",
        reason: "CrashLoopBackOff",
        message: `back-off ${Math.ceil(back / 1000)}s restarting failed container=${c.spec.name} pod=${run.pod.metadata.name}_${run.pod.metadata.namespace}(${run.pod.metadata.uid})`,
        ready: false,
        restartCount: c.report.restartCount + 1,
        last: { exitCode: code, reason, startedAt, finishedAt },
      };
      this.push(run, [
        {
          type: "Warning",
          reason: "BackOff",
          message: `Back-off restarting failed container ${c.spec.name} in pod ${run.pod.metadata.name}_${run.pod.metadata.namespace}(${run.pod.metadata.uid})`,
        },
      ]);
      c.restartTimer = setTimeout(() => this.launch(run, c), back);
      return;
    }
    c.report = {
      name: c.spec.name,
      state: "terminated",
      exitCode: code,
      reason: signalled && code !== 0 ? "Error" : reason,
      startedAt,
      finishedAt,
      ready: false,
      restartCount: c.report.restartCount,
      last: c.report.last,
    };
    this.push(run);
  }

  async stop(pod: Pod, graceSeconds: number): Promise<void> {
    const run = this.pods.get(podKey(pod));
    if (!run) return;
    run.stopping = true;
    const deadline = Date.now() + graceSeconds * 1000;
    await Promise.all(
      run.containers.map(async (c) => {
        if (c.restartTimer) clearTimeout(c.restartTimer);
        if (c.probeTimer) clearTimeout(c.probeTimer);
        if (!c.child) return;
        const pre = c.spec.lifecycle?.preStop;
        if (pre?.sleep)
          await new Promise((r) => setTimeout(r, Math.min(pre.sleep?.seconds ?? 0, graceSeconds) * 1000));
        else if (pre?.exec?.command?.length) {
          const cmd = pre.exec.command;
          await new Promise<void>((resolve) => {
            const h = spawn(cmd[0], cmd.slice(1), { stdio: "ignore" });
            const t = setTimeout(
              () => {
                h.kill("SIGKILL");
                resolve();
              },
              Math.max(0, deadline - Date.now()),
            );
            h.once("error", () => resolve());
            h.once("close", () => {
              clearTimeout(t);
              resolve();
            });
          });
        }
        this.signal(c, "SIGTERM");
        const killer = setTimeout(() => this.signal(c, "SIGKILL"), Math.max(0, deadline - Date.now()));
        await c.exited;
        clearTimeout(killer);
      }),
    );
  }

  async logs(pod: Pod, container: string, req: LogRequest, res: ServerResponse): Promise<void> {
    const c = this.pods.get(podKey(pod))?.containers.find((x) => x.spec.name === container);
    const lines = c?.log ?? [];
    if (!req.follow || !c?.child) {
      const text = formatLog(lines, req);
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    res.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
    res.write(formatLog(lines, req));
    await new Promise<void>((resolve) => {
      const follower = (l: { time: string; text: string } | null) => {
        if (l === null) {
          c.followers.delete(follower);
          res.end();
          resolve();
          return;
        }
        res.write(req.timestamps ? `${l.time} ${l.text}` : l.text);
      };
      c.followers.add(follower);
      res.on("close", () => {
        c.followers.delete(follower);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pods.values()].map((run) => this.stop(run.pod, 2)));
    this.pods.clear();
  }
}
