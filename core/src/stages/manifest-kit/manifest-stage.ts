import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { CancelResult, StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import { parseDuration } from "../../model/duration.js";
import type { Stage } from "../../model/types.js";
import { KubectlError } from "../../providers/kubernetes/kubectl.js";
import {
  canonicalKind,
  manifestNameOf,
  type ObjectRef,
  parseManifestName,
  refOf,
} from "../../providers/kubernetes/manifest.js";
import { closeSession, type KubeSession, openSession } from "../../providers/kubernetes/session.js";
import { pickTarget, readCriteria } from "../../providers/kubernetes/targets.js";
import {
  checkStable,
  stopWatches,
  timeoutError,
  type WaitTarget,
  watchesLive,
} from "../../providers/kubernetes/wait.js";
import { isExpression, stageProblem } from "../checks.js";

type Data = Record<string, unknown>;
export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
export const bool = (v: unknown, fallback: boolean): boolean =>
  typeof v === "boolean" ? v : typeof v === "string" ? v.trim().toLowerCase() === "true" : fallback;
export const num = (v: unknown): number | undefined => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

/** How one manifest stage type works, given a session on its account. */
export interface ManifestStageSpec {
  type: string;
  deferredFields?: readonly string[];
  defaultTimeoutMs?: number;
  start(ctx: StageContext, session: KubeSession): Promise<TaskResult>;
  poll?(ctx: StageContext, session: KubeSession): Promise<TaskResult>;
  cancel?(ctx: StageContext, session: KubeSession): Promise<CancelResult | undefined>;
}

function maskResult(session: KubeSession | undefined, result: TaskResult): TaskResult {
  return session ? session.mask(result) : result;
}

const message = (error: unknown): string =>
  error instanceof KubectlError ? error.message : error instanceof Error ? error.message : String(error);

/** Static checks every manifest stage shares: `manifestName` is `kind name`, `criteria` is known. */
export function checkManifestFields(stage: Stage): Diagnostic[] {
  const c = stage.config;
  const out: Diagnostic[] = [];
  const name = c.manifestName;
  if (typeof name === "string" && name !== "" && !isExpression(name) && !parseManifestName(name))
    out.push(
      stageProblem(
        stage,
        "manifestName",
        "manifest-name-invalid",
        `'${name}' is not 'kind name'; write it like 'deployment web' or 'replicaSet web-v001'.`,
      ),
    );
  if (typeof c.criteria === "string" && !isExpression(c.criteria) && !readCriteria(c.criteria))
    out.push(
      stageProblem(
        stage,
        "criteria",
        "manifest-criteria-invalid",
        `'${c.criteria}' is not a criteria; use newest, second_newest, oldest, largest or smallest.`,
      ),
    );
  if (typeof c.criteria === "string" && typeof c.cluster !== "string")
    out.push(
      stageProblem(
        stage,
        "criteria",
        "manifest-cluster-missing",
        "A dynamic target needs 'cluster' (e.g. 'replicaSet web') with 'criteria'.",
      ),
    );
  return out;
}

/** A StageHandler over a ManifestStageSpec: session per stage, masking, watches stopped at the end. */
export function manifestStage(spec: ManifestStageSpec): StageHandler {
  const call = async (
    ctx: StageContext,
    step: (ctx: StageContext, session: KubeSession) => Promise<TaskResult>,
  ): Promise<TaskResult> => {
    const session = openSession(ctx, str(ctx.stage.context.account));
    if ("error" in session) return { status: "TERMINAL", error: session.error };
    let result: TaskResult;
    try {
      result = await step(ctx, session);
    } catch (error) {
      result = { status: "TERMINAL", error: message(error) };
    }
    result = maskResult(session, result);
    if (result.status !== "RUNNING") {
      stopWatches(ctx);
      closeSession(ctx);
    }
    return result;
  };
  const poll = (ctx: StageContext) => call(ctx, spec.poll ?? spec.start);
  return {
    type: spec.type,
    deferredFields: spec.deferredFields,
    defaultTimeoutMs: spec.defaultTimeoutMs ?? 35 * 60_000,
    start: (ctx) => call(ctx, spec.start),
    check: checkManifestFields,
    poll,
    resume: poll,
    async cancel(ctx) {
      stopWatches(ctx);
      const session = openSession(ctx, str(ctx.stage.context.account));
      if ("error" in session) return undefined;
      try {
        const left = spec.cancel ? await spec.cancel(ctx, session) : undefined;
        return left ? session.mask(left) : undefined;
      } catch {
        return undefined;
      } finally {
        closeSession(ctx);
      }
    },
  };
}

// ---- targets -----------------------------------------------------------------------------------

/**
 * The object a stage acts on: `manifestName` (`kind name`), or a dynamic target (`cluster` +
 * `criteria`, with `kind` or the cluster's kind) resolved once and kept in the context.
 */
export async function resolveTarget(
  ctx: StageContext,
  session: KubeSession,
): Promise<{ ref: ObjectRef; context: Data } | { error: string }> {
  const c = ctx.stage.context;
  const namespace = str(c.namespace) ?? str(c.location) ?? session.namespace;
  const refused = session.namespaceError(namespace);
  if (refused) return { error: refused };
  const resolved = str(c.resolvedManifestName);
  const criteria = readCriteria(c.criteria);
  const name = resolved ?? (criteria ? undefined : str(c.manifestName));
  if (name) {
    const parsed = parseManifestName(name);
    if (!parsed) return { error: `manifestName must be 'kind name', e.g. 'deployment web' (got '${name}')` };
    return { ref: { ...parsed, namespace }, context: {} };
  }
  const cluster = str(c.cluster);
  if (!criteria || !cluster)
    return {
      error: `${ctx.stage.type} needs 'manifestName' (kind name), or 'cluster' and 'criteria' (newest, second_newest, oldest, largest, smallest)`,
    };
  const kind = str(c.kind) ?? cluster.split(/\s+/)[0];
  const candidates = await session.kubectl.list([canonicalKind(kind).toLowerCase()], namespace);
  const picked = pickTarget(candidates, cluster, criteria, str(c.app));
  if ("error" in picked) return picked;
  const ref = { ...refOf(picked.object, namespace), namespace };
  session.log(`${criteria} of ${cluster} in ${namespace} is ${manifestNameOf(ref)}`);
  return { ref, context: { resolvedManifestName: manifestNameOf(ref), manifestName: manifestNameOf(ref) } };
}

// ---- stability ---------------------------------------------------------------------------------

/** The wait's limit: `stableTimeout` (a duration), Spinnaker's `stableManifestTimeoutMinutes`, else 30 minutes. */
export function stableTimeoutMs(c: Data): number {
  const d = str(c.stableTimeout);
  const ms = d ? parseDuration(d) : undefined;
  if (ms !== undefined) return ms;
  const minutes = num(c.stableManifestTimeoutMinutes);
  return minutes !== undefined ? minutes * 60_000 : 30 * 60_000;
}

/** One wait step: `stable` when every target is, else a RUNNING or TERMINAL result. */
export async function waitStable(
  ctx: StageContext,
  session: KubeSession,
  targets: WaitTarget[],
  extra: Data = {},
  c: Data = ctx.stage.context,
): Promise<"stable" | TaskResult> {
  const started = num(c.stableWaitStartedAt) ?? ctx.now();
  const outcome = await checkStable(ctx, session, targets);
  if (outcome.state === "stable") return "stable";
  if (outcome.state === "failed")
    return { status: "TERMINAL", error: outcome.error, context: { ...extra, stableTargets: targets } };
  const limit = stableTimeoutMs(c);
  if (ctx.now() - started >= limit) {
    const error = await timeoutError(session, targets, limit, outcome.message);
    return { status: "TERMINAL", error, context: { ...extra, stableTargets: targets } };
  }
  if (c.lastStableMessage !== outcome.message) session.log(outcome.message);
  return {
    status: "RUNNING",
    waitingFor: outcome.waitingFor,
    // Watches wake the stage when the cluster reports a change; while one is not delivering yet
    // (kubectl still starting, or the watch ended), the stage looks sooner.
    pollAfterMs: watchesLive(ctx) ? session.pollMs : Math.min(500, session.pollMs),
    context: {
      ...extra,
      stableTargets: targets,
      stableWaitStartedAt: started,
      lastStableMessage: outcome.message,
    },
  };
}

/** The targets the stage is waiting for (kept in the context between polls). */
export function stableTargetsOf(c: Data): WaitTarget[] | undefined {
  return Array.isArray(c.stableTargets) ? (structuredClone(c.stableTargets) as WaitTarget[]) : undefined;
}

/** What an operation stage did before its stability wait. */
export interface OperationDone {
  /** Objects to wait for (none: the stage succeeds at once). */
  wait: ObjectRef[];
  context?: Data;
  outputs?: Data;
}

/**
 * A stage that runs one operation once (resolve target, kubectl ...) and then waits for the
 * objects to stabilize (scale, patch, undo, enable, disable): the operation's outcome is kept in
 * the context, so polls and a resumed run only wait.
 */
export function operationThenWait(
  type: string,
  operation: (
    ctx: StageContext,
    session: KubeSession,
  ) => Promise<OperationDone | { error: string; context?: Data }>,
  options: { deferredFields?: readonly string[] } = {},
): StageHandler {
  const advance = async (ctx: StageContext, session: KubeSession): Promise<TaskResult> => {
    const c = ctx.stage.context;
    let extra: Data = {};
    let outputs = (c.operationOutputs ?? {}) as Data;
    let targets = stableTargetsOf(c);
    if (!targets) {
      const done = await operation(ctx, session);
      if ("error" in done) return { status: "TERMINAL", error: done.error, context: done.context };
      targets = done.wait.map((r) => ({ ...r }));
      outputs = done.outputs ?? {};
      extra = { ...done.context, operationOutputs: outputs, stableTargets: targets };
      if (targets.length === 0 || !bool(c.waitForStable, true))
        return { status: "SUCCEEDED", context: extra, outputs };
    }
    const r = await waitStable(ctx, session, targets, extra, { ...c, ...extra });
    if (r === "stable")
      return { status: "SUCCEEDED", context: { ...extra, stableTargets: targets }, outputs };
    return r.status === "RUNNING" ? r : { ...r, outputs };
  };
  return manifestStage({ type, deferredFields: options.deferredFields, start: advance, poll: advance });
}
