import type { StageContext, TaskResult } from "../../engine/handler.js";
import { deployManifests, deployOutputs, flattenManifests } from "../../providers/kubernetes/deploy.js";
import {
  canonicalKind,
  kindOf,
  manifestNameOf,
  type ObjectRef,
} from "../../providers/kubernetes/manifest.js";
import type { KubeSession } from "../../providers/kubernetes/session.js";
import { manifestStage, stableTargetsOf, str, waitStable } from "../manifest-kit/manifest-stage.js";
import { stageManifests } from "../manifest-kit/sources.js";
import { upstreamArtifacts } from "../manifest-kit/upstream.js";

/**
 * The outputs a Job's log carries, as Spinnaker's runJob reads them: `SPINNAKER_PROPERTY_<KEY>=value`
 * lines and `SPINNAKER_CONFIG_JSON={...}`; Capstan also takes `CAPSTAN_OUTPUT_<KEY>=value`.
 */
export function parseJobOutputs(log: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of log.split(/\r?\n/)) {
    const line = raw.trim();
    let m = /^(?:SPINNAKER_PROPERTY_|CAPSTAN_OUTPUT_)([A-Za-z0-9_.-]+)=(.*)$/.exec(line);
    if (m) {
      out[m[1]] = m[2];
      continue;
    }
    m = /^SPINNAKER_CONFIG_JSON=(.*)$/.exec(line);
    if (m) {
      try {
        const value = JSON.parse(m[1]);
        if (value && typeof value === "object" && !Array.isArray(value)) Object.assign(out, value);
      } catch {
        // not JSON: ignored, as Spinnaker does
      }
    }
  }
  return out;
}

async function jobLogs(session: KubeSession, ref: ObjectRef): Promise<string> {
  return session.kubectl.logs(ref).catch((e: Error) => `(no logs: ${session.mask(e.message)})\n`);
}

async function start(ctx: StageContext, session: KubeSession): Promise<TaskResult> {
  const c = ctx.stage.context;
  const given = stageManifests(ctx, Array.isArray(c.manifests) ? "manifests" : "manifest");
  if ("error" in given) return { status: "TERMINAL", error: given.error };
  const manifests = flattenManifests(given.manifests);
  const jobs = manifests.filter((m) => canonicalKind(kindOf(m)) === "Job");
  if (manifests.length !== 1 || jobs.length !== 1)
    return {
      status: "TERMINAL",
      error: `runJobManifest runs exactly one Job (got ${manifests.map((m) => m.kind).join(", ") || "nothing"})`,
    };
  const result = await deployManifests(session, {
    manifests: jobs,
    namespaceOverride: str(c.namespace),
    services: [],
    enableTraffic: false,
    artifacts: upstreamArtifacts(ctx),
  });
  if ("error" in result) return { status: "TERMINAL", error: result.error };
  const job = result.deployed[0];
  const ref: ObjectRef = { kind: "Job", name: job.name, namespace: job.namespace };
  session.log(`started ${manifestNameOf(ref)} in ${job.namespace}`);
  return poll(ctx, session, {
    jobName: job.name,
    stableTargets: [ref],
    deployOutputs: deployOutputs(result.deployed, session),
  });
}

async function poll(
  ctx: StageContext,
  session: KubeSession,
  extra: Record<string, unknown> = {},
): Promise<TaskResult> {
  const c = { ...ctx.stage.context, ...extra };
  if (typeof c.jobName !== "string") return start(ctx, session);
  const targets = stableTargetsOf(c) ?? [];
  const r = await waitStable(ctx, session, targets, extra, c);
  if (r !== "stable" && r.status === "RUNNING") return r;
  const ref: ObjectRef = { kind: "Job", name: c.jobName, namespace: targets[0]?.namespace };
  const logs = await jobLogs(session, ref);
  if (logs) ctx.log(session.mask(logs.endsWith("\n") ? logs : `${logs}\n`));
  const base = (c.deployOutputs ?? {}) as Record<string, unknown>;
  const properties = parseJobOutputs(logs);
  const outputs = { ...base, jobName: c.jobName, ...properties, propertyFileContents: properties };
  if (r !== "stable") return { ...r, outputs, context: { ...r.context, jobStatus: "FAILED" } };
  return {
    status: "SUCCEEDED",
    context: { ...extra, jobStatus: "SUCCEEDED", stableTargets: targets },
    outputs,
  };
}

export const runJobManifestStage = manifestStage({
  type: "runJobManifest",
  deferredFields: ["manifest", "manifests"],
  start,
  poll: (ctx, session) => poll(ctx, session),
});
