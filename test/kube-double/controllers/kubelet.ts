// The double's one node: binds unscheduled pods to it (the scheduler's part), runs bound pods on
// the pod runtime, turns the runtime's container states into pod status (phase, conditions,
// containerStatuses, IPs), terminates pods being deleted within their grace period, and serves logs.
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { failure } from "../api.js";
import { clone, deepEqual } from "../patch.js";
import type { PodRuntime, RuntimeReport } from "../runtime/runtime.js";
import type { LogRequest } from "../server.js";
import type { Condition, ContainerStatus, Pod, PodStatus } from "../types.js";
import { type Context, type Controller, kind } from "./context.js";
import { isTerminal, setCondition } from "./pods.js";

const hex = (s: string) => createHash("sha256").update(s).digest("hex");

export class Kubelet implements Controller {
  readonly name = "kubelet";
  private readonly stopping = new Set<string>();
  private readonly terminated = new Set<string>();
  private readonly startTimes = new Map<string, string>();

  constructor(
    private readonly runtime: PodRuntime,
    private readonly ctx: Context,
  ) {}

  reconcile(ctx: Context): void {
    const podType = kind("Pod");
    for (const live of ctx.store.peek(podType) as Pod[]) {
      const uid = live.metadata.uid ?? "";
      const ns = live.metadata.namespace;
      const name = live.metadata.name ?? "";
      if (live.metadata.deletionTimestamp) {
        if (this.terminated.has(uid) || !live.spec.nodeName) {
          if ((live.metadata.finalizers ?? []).length === 0) {
            this.terminated.delete(uid);
            ctx.api.finishDeletion(podType, ns, name);
          }
          continue;
        }
        if (!this.stopping.has(uid)) {
          this.stopping.add(uid);
          if (!this.runtime.has(uid)) {
            this.terminated.add(uid);
            ctx.wakeAt(ctx.clock());
            continue;
          }
          for (const c of live.spec.containers)
            ctx.event(live, "Normal", "Killing", `Stopping container ${c.name}`, "kubelet");
          this.markNotReady(live);
          const grace =
            live.metadata.deletionGracePeriodSeconds ?? live.spec.terminationGracePeriodSeconds ?? 30;
          void this.runtime.stop(clone(live), grace).then(() => {
            this.stopping.delete(uid);
            this.terminated.add(uid);
            ctx.wakeAt(ctx.clock());
          });
        }
        continue;
      }
      if (!live.spec.nodeName) {
        const bound = clone(live);
        bound.spec.nodeName = ctx.node;
        bound.status = {
          ...(bound.status ?? {}),
          conditions: setCondition(
            bound.status?.conditions,
            { type: "PodScheduled", status: "True", lastProbeTime: null },
            ctx.now(),
          ),
        };
        const stored = ctx.update(bound, "kube-scheduler");
        if (stored) {
          const st = clone(stored);
          st.status = bound.status;
          ctx.update(st, "kube-scheduler", "status");
          ctx.event(
            stored,
            "Normal",
            "Scheduled",
            `Successfully assigned ${ns}/${name} to ${ctx.node}`,
            "default-scheduler",
          );
        }
        continue;
      }
      if (isTerminal(live) || this.runtime.has(uid)) continue;
      this.startTimes.set(uid, ctx.now());
      this.runtime.start(clone(live), (report) => this.onReport(ns ?? "default", name, uid, report));
    }
  }

  private markNotReady(pod: Pod): void {
    const next = clone(pod);
    const st: PodStatus = next.status ?? {};
    const t = this.ctx.now();
    st.containerStatuses = (st.containerStatuses ?? []).map((c) => ({ ...c, ready: false }));
    st.conditions = setCondition(
      st.conditions,
      {
        type: "ContainersReady",
        status: "False",
        reason: "ContainersNotReady",
        message: "",
        lastProbeTime: null,
      },
      t,
    );
    st.conditions = setCondition(
      st.conditions,
      { type: "Ready", status: "False", reason: "ContainersNotReady", message: "", lastProbeTime: null },
      t,
    );
    for (const c of st.conditions) if (c.message === "") delete c.message;
    next.status = st;
    this.ctx.update(next, "kubelet", "status");
  }

  private onReport(namespace: string, name: string, uid: string, report: RuntimeReport, attempt = 0): void {
    const ctx = this.ctx;
    const live = ctx.store.get(kind("Pod"), namespace, name) as Pod | undefined;
    if (!live || live.metadata.uid !== uid) return;
    for (const e of report.events ?? []) ctx.event(live, e.type, e.reason, e.message, "kubelet");
    const t = ctx.now();
    const policy = live.spec.restartPolicy ?? "Always";
    const specs = new Map(live.spec.containers.map((c) => [c.name, c]));
    const deleting = !!live.metadata.deletionTimestamp;
    const statuses: ContainerStatus[] = report.containers.map((c) => {
      const image = specs.get(c.name)?.image ?? "";
      const cid = `containerd://${hex(`${uid}/${c.name}/${c.restartCount}`).slice(0, 64)}`;
      const s: ContainerStatus = {
        name: c.name,
        ready: c.ready && !deleting,
        restartCount: c.restartCount,
        image,
        imageID: `docker.io/library/${image.split(":")[0]}@sha256:${hex(image)}`,
        started: c.state === "running",
        state:
          c.state === "running"
            ? { running: { startedAt: c.startedAt } }
            : c.state === "terminated"
              ? {
                  terminated: {
                    exitCode: c.exitCode ?? 0,
                    reason: c.reason,
                    startedAt: c.startedAt,
                    finishedAt: c.finishedAt,
                  },
                }
              : { waiting: { reason: c.reason, ...(c.message ? { message: c.message } : {}) } },
        lastState: c.last
          ? {
              terminated: {
                exitCode: c.last.exitCode,
                reason: c.last.reason,
                startedAt: c.last.startedAt,
                finishedAt: c.last.finishedAt,
              },
            }
          : {},
      };
      if (c.state !== "waiting" || c.restartCount > 0) s.containerID = cid;
      return s;
    });
    const all = report.containers;
    let phase: PodStatus["phase"] = "Pending";
    if (all.length > 0 && all.every((c) => c.state === "terminated")) {
      phase = all.every((c) => c.exitCode === 0) ? "Succeeded" : policy === "Never" ? "Failed" : "Running";
      if (policy === "Always") phase = "Running";
    } else if (all.some((c) => c.state === "running" || c.restartCount > 0)) phase = "Running";
    const allReady = phase === "Running" && statuses.every((s) => s.ready);
    const st: PodStatus = clone(live.status ?? {});
    st.phase = phase;
    st.observedGeneration = live.metadata.generation;
    st.hostIP = "127.0.0.1";
    st.hostIPs = [{ ip: "127.0.0.1" }];
    if (report.podIP) {
      st.podIP = report.podIP;
      st.podIPs = [{ ip: report.podIP }];
    }
    st.startTime ??= this.startTimes.get(uid) ?? t;
    st.qosClass ??= "BestEffort";
    st.containerStatuses = statuses;
    const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
    const done = phase === "Succeeded" || phase === "Failed";
    let conds: Condition[] = st.conditions ?? [];
    conds = setCondition(
      conds,
      { type: "PodReadyToStartContainers", status: report.podIP ? "True" : "False", lastProbeTime: null },
      t,
    );
    conds = setCondition(conds, { type: "Initialized", status: "True", lastProbeTime: null }, t);
    const notReady = (type: string): Condition => ({
      type,
      status: "False",
      reason: done ? "PodCompleted" : "ContainersNotReady",
      ...(done ? {} : { message: `containers with unready status: [${unready.join(" ")}]` }),
      lastProbeTime: null,
    });
    conds = setCondition(
      conds,
      allReady
        ? { type: "ContainersReady", status: "True", lastProbeTime: null }
        : notReady("ContainersReady"),
      t,
    );
    conds = setCondition(
      conds,
      allReady ? { type: "Ready", status: "True", lastProbeTime: null } : notReady("Ready"),
      t,
    );
    conds = setCondition(conds, { type: "PodScheduled", status: "True", lastProbeTime: null }, t);
    const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
    st.conditions = conds.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    if (report.ports && Object.keys(report.ports).length > 0) {
      const want = JSON.stringify(report.ports);
      if (live.metadata.annotations?.["kube-double.capstan.dev/ports"] !== want) {
        const annotated = clone(live);
        annotated.metadata.annotations = {
          ...(annotated.metadata.annotations ?? {}),
          "kube-double.capstan.dev/ports": want,
        };
        const stored = ctx.update(annotated, "kubelet");
        if (stored) live.metadata.resourceVersion = stored.metadata.resourceVersion;
      }
    }
    if (deepEqual(st, live.status)) return;
    const next = clone(live);
    next.status = st;
    const stored = ctx.update(next, "kubelet", "status");
    // Lost a race with another writer: retry on the fresh object (a few times; the next report comes anyway).
    if (!stored && attempt < 5) setImmediate(() => this.onReport(namespace, name, uid, report, attempt + 1));
  }

  async logs(req: LogRequest, res: ServerResponse): Promise<void> {
    const pod = this.ctx.store.get(kind("Pod"), req.namespace, req.pod) as Pod | undefined;
    if (!pod) throw failure(404, "NotFound", `pods "${req.pod}" not found`, { name: req.pod, kind: "pods" });
    const names = pod.spec.containers.map((c) => c.name);
    let container = req.container;
    if (!container) {
      if (names.length === 1) container = names[0];
      else container = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
      if (!container)
        throw failure(
          400,
          "BadRequest",
          `a container name must be specified for pod ${req.pod}, choose one of: [${names.join(" ")}]`,
        );
    }
    if (!names.includes(container))
      throw failure(400, "BadRequest", `container ${container} is not valid for pod ${req.pod}`);
    const cs = pod.status?.containerStatuses?.find((c) => c.name === container);
    if (!this.runtime.has(pod.metadata.uid ?? "") || !cs || (cs.state?.waiting && cs.restartCount === 0)) {
      const reason = cs?.state?.waiting?.reason ?? "ContainerCreating";
      throw failure(
        400,
        "BadRequest",
        `container "${container}" in pod "${req.pod}" is waiting to start: ${reason}`,
      );
    }
    await this.runtime.logs(pod, container, req, res);
  }
}
