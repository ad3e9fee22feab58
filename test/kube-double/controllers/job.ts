// Job -> Pods: runs up to parallelism pods until completions succeed; counts succeeded and failed
// pods (with restartPolicy OnFailure, container restarts count as failures); fails the Job once
// failures exceed backoffLimit or activeDeadlineSeconds pass (FailureTarget then Failed), completes
// it with SuccessCriteriaMet then Complete; suspend; ttlSecondsAfterFinished.
import { clone, deepEqual } from "../patch.js";
import type { Condition, Job, Pod } from "../types.js";
import { type Context, type Controller, kind } from "./context.js";
import { condition, isActive, isReady, podFromTemplate, setCondition } from "./pods.js";

const MANAGER = "kube-controller-manager";

export class JobController implements Controller {
  readonly name = "job-controller";

  constructor(private readonly backoffMs = 100) {}

  reconcile(ctx: Context): void {
    for (const live of ctx.store.peek(kind("Job")) as Job[]) {
      if (live.metadata.deletionTimestamp) continue;
      this.sync(ctx, clone(live));
    }
  }

  private sync(ctx: Context, job: Job): void {
    const ns = job.metadata.namespace;
    const nowMs = ctx.clock();
    const t = ctx.now();
    const pods = ctx.owned<Pod>("Pod", job);
    const finished = (job.status?.conditions ?? []).find(
      (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
    );
    if (finished) {
      for (const p of pods.filter(isActive)) this.deletePod(ctx, job, p);
      const ttl = job.spec.ttlSecondsAfterFinished;
      if (ttl !== undefined) {
        const at = Date.parse(job.status?.completionTime ?? finished.lastTransitionTime ?? t) + ttl * 1000;
        if (nowMs >= at) {
          try {
            ctx.api.delete(kind("Job"), ns, job.metadata.name ?? "", { propagationPolicy: "Background" });
          } catch {
            // Gone meanwhile.
          }
        } else ctx.wakeAt(at);
      }
      return;
    }
    const completions = job.spec.completions ?? 1;
    const parallelism = job.spec.parallelism ?? 1;
    const restartFailures = job.spec.template.spec.restartPolicy === "OnFailure";
    const succeeded = pods.filter((p) => p.status?.phase === "Succeeded").length;
    const failed =
      pods.filter((p) => p.status?.phase === "Failed").length +
      (restartFailures
        ? pods.reduce(
            (s, p) => s + (p.status?.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0),
            0,
          )
        : 0);
    const active = pods.filter(isActive);
    const terminating = pods.filter((p) => !!p.metadata.deletionTimestamp).length;
    let conditions: Condition[] = [...(job.status?.conditions ?? [])];
    const status = clone(job.status ?? {});
    if (!job.spec.suspend) status.startTime ??= t;
    const startMs = status.startTime ? Date.parse(status.startTime) : nowMs;
    let failure: { reason: string; message: string } | undefined;
    if (failed > (job.spec.backoffLimit ?? 6))
      failure = { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
    else if (job.spec.activeDeadlineSeconds !== undefined && !job.spec.suspend) {
      const at = startMs + job.spec.activeDeadlineSeconds * 1000;
      if (nowMs >= at)
        failure = { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
      else ctx.wakeAt(at);
    }
    if (job.spec.suspend) {
      for (const p of active) this.deletePod(ctx, job, p);
      conditions = setCondition(
        conditions,
        {
          type: "Suspended",
          status: "True",
          reason: "JobSuspended",
          message: "Job suspended",
          lastProbeTime: t,
        },
        t,
      );
    } else if (failure) {
      for (const p of active) this.deletePod(ctx, job, p);
      conditions = setCondition(
        conditions,
        { type: "FailureTarget", status: "True", ...failure, lastProbeTime: t },
        t,
      );
      conditions = setCondition(
        conditions,
        { type: "Failed", status: "True", ...failure, lastProbeTime: t },
        t,
      );
      ctx.event(job, "Warning", failure.reason, failure.message, this.name);
    } else if (succeeded >= completions) {
      const msg = { reason: "CompletionsReached", message: "Reached expected number of succeeded pods" };
      conditions = setCondition(
        conditions,
        { type: "SuccessCriteriaMet", status: "True", ...msg, lastProbeTime: t },
        t,
      );
      conditions = setCondition(
        conditions,
        { type: "Complete", status: "True", ...msg, lastProbeTime: t },
        t,
      );
      status.completionTime = t;
      ctx.event(job, "Normal", "Completed", "Job completed", this.name);
    } else {
      if (condition(conditions, "Suspended")?.status === "True")
        conditions = setCondition(
          conditions,
          {
            type: "Suspended",
            status: "False",
            reason: "JobResumed",
            message: "Job resumed",
            lastProbeTime: t,
          },
          t,
        );
      const want = Math.min(parallelism, completions - succeeded) - active.length;
      // Failed pods are replaced after an exponential back-off.
      const lastFailure = pods
        .filter((p) => p.status?.phase === "Failed")
        .map((p) => Date.parse(p.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt ?? t))
        .sort()
        .pop();
      const delay = failed > 0 ? Math.min(this.backoffMs * 2 ** (failed - 1), 60_000) : 0;
      const readyAt = (lastFailure ?? 0) + delay;
      if (want > 0 && nowMs < readyAt) ctx.wakeAt(readyAt);
      else
        for (let i = 0; i < want; i++) {
          const pod = podFromTemplate(job.spec.template, job, ctx.controllerRef(job), {
            generateName: `${job.metadata.name}-`,
          });
          const made = ctx.create(pod, MANAGER);
          if (made)
            ctx.event(job, "Normal", "SuccessfulCreate", `Created pod: ${made.metadata.name}`, this.name);
        }
    }
    const nowActive = ctx.owned<Pod>("Pod", job).filter(isActive);
    status.active = nowActive.length;
    status.ready = nowActive.filter(isReady).length;
    status.succeeded = succeeded;
    status.failed = failed;
    status.terminating = terminating;
    status.uncountedTerminatedPods = {};
    for (const k of ["active", "succeeded", "failed"] as const) if (status[k] === 0) delete status[k];
    if (conditions.length) status.conditions = conditions;
    if (!deepEqual(status, job.status ?? {})) {
      const live = ctx.store.get(kind("Job"), ns, job.metadata.name ?? "") as Job | undefined;
      if (live) {
        live.status = status;
        ctx.update(live, MANAGER, "status");
      }
    }
  }

  private deletePod(ctx: Context, job: Job, p: Pod): void {
    try {
      ctx.api.delete(kind("Pod"), p.metadata.namespace, p.metadata.name ?? "", {});
      ctx.event(job, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`, this.name);
    } catch {
      // Gone meanwhile.
    }
  }
}
