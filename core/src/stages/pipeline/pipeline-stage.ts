import { resumeExecution, startExecution } from "../../engine/engine.js";
import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import type { ExecutionRecord } from "../../engine/record.js";
import { foldJournal } from "../../engine/reducers.js";
import type { ExecutionRunner } from "../../engine/runner.js";
import { isComplete } from "../../engine/status.js";
import { stageProblem } from "../checks.js";

/** Orca's monitor-pipeline task limit (12 h), overridable by the stage timeout. */
const TWELVE_HOURS_MS = 12 * 60 * 60_000;

interface Child {
  runner: ExecutionRunner;
  done?: ExecutionRecord;
}

/** Child executions started by this engine instance, per parent execution. */
const children = new WeakMap<ExecutionRecord, Map<string, Child>>();

function childrenOf(ctx: StageContext): Map<string, Child> {
  const map = children.get(ctx.execution) ?? new Map<string, Child>();
  children.set(ctx.execution, map);
  return map;
}

/** The child's id: derived from the parent, so a resumed parent finds the child it started. */
function childId(ctx: StageContext): string {
  return `${ctx.execution.id}.${ctx.stage.refId}`;
}

/** `skipDownstreamOutput`: keep the child's outputs out of this stage's outputs. */
function skipDownstreamOutput(ctx: StageContext): boolean {
  const v = ctx.stage.context.skipDownstreamOutput;
  return v === true || v === "true";
}

function childServices(ctx: StageContext) {
  return { ...ctx.services, observer: undefined };
}

/** Orca's `execution.context`: every stage's outputs merged in stage order; lists concatenate. */
export function aggregatedOutputs(record: ExecutionRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of record.stages) {
    for (const [k, v] of Object.entries(s.outputs)) {
      const prev = out[k];
      out[k] = Array.isArray(prev) && Array.isArray(v) ? [...new Set([...prev, ...v])] : v;
    }
  }
  return out;
}

function follow(ctx: StageContext, runner: ExecutionRunner): TaskResult {
  const child: Child = { runner };
  childrenOf(ctx).set(ctx.stage.refId, child);
  const done = runner.run().then((record) => {
    child.done = record;
    ctx.wake();
  });
  const waitForCompletion =
    ctx.stage.context.waitForCompletion !== false && ctx.stage.context.waitForCompletion !== "false";
  const context = { executionId: runner.id, executionName: runner.pipeline.name };
  // The parent's run() ends only after its children (they share its process). The child is not
  // "external" work: it runs its own loop on the same clock.
  ctx.keepAlive(done);
  if (!waitForCompletion) return { status: "SUCCEEDED", context };
  return {
    status: "RUNNING",
    waitingFor: `child execution ${runner.id} of '${runner.pipeline.name}'`,
    context,
  };
}

function start(ctx: StageContext): TaskResult {
  const c = ctx.stage.context;
  const name = typeof c.pipeline === "string" ? c.pipeline : undefined;
  if (!name)
    return { status: "TERMINAL", error: "pipeline stage needs 'pipeline' (the name of another pipeline)" };
  const resolver = ctx.services.pipelines;
  if (!resolver)
    return { status: "TERMINAL", error: "pipeline stages need a pipeline resolver, and none was given" };
  const found = resolver.resolve(name);
  if ("error" in found) return { status: "TERMINAL", error: found.error };
  const parameters = (c.parameters && typeof c.parameters === "object" ? c.parameters : {}) as Record<
    string,
    unknown
  >;
  const started = startExecution(childServices(ctx), {
    pipeline: found.pipeline,
    pipelineFile: found.file,
    parameters,
    executionId: childId(ctx),
    trigger: {
      type: "pipeline",
      user: ctx.execution.trigger.user,
      parentExecution: ctx.execution.id,
      parentPipeline: ctx.execution.pipeline,
      parentPipelineStageId: ctx.stage.refId,
    },
  });
  if (!started.runner)
    return { status: "TERMINAL", error: `cannot start '${name}': ${started.errors.join("; ")}` };
  return follow(ctx, started.runner);
}

function resultOf(record: ExecutionRecord, skipOutputs: boolean): TaskResult {
  const context = { executionId: record.id, executionName: record.pipeline, childStatus: record.status };
  if (record.status === "SUCCEEDED") {
    return { status: "SUCCEEDED", outputs: skipOutputs ? {} : aggregatedOutputs(record), context };
  }
  const failed = record.stages.find((s) => s.error && ["TERMINAL", "STOPPED", "CANCELED"].includes(s.status));
  const why = failed ? `: stage '${failed.refId}' ${failed.status} - ${failed.error}` : "";
  const error = `child pipeline '${record.pipeline}' (${record.id}) ended ${record.status}${why}`;
  return { status: record.status === "CANCELED" ? "CANCELED" : "TERMINAL", error, context };
}

function poll(ctx: StageContext): TaskResult {
  const child = childrenOf(ctx).get(ctx.stage.refId);
  if (!child) return resume(ctx);
  if (!child.done)
    return { status: "RUNNING", waitingFor: String(ctx.stage.waitingFor ?? "child execution") };
  childrenOf(ctx).delete(ctx.stage.refId);
  return resultOf(child.done, skipDownstreamOutput(ctx));
}

/** After a crash: the child finished, or is resumed and followed, or was never started. */
function resume(ctx: StageContext): TaskResult {
  const id = childId(ctx);
  const events = ctx.services.store.read(id);
  if (!events.some((e) => e.kind === "execution.started")) return start(ctx);
  const record = foldJournal(events);
  if (isComplete(record.status)) return resultOf(record, skipDownstreamOutput(ctx));
  const resumed = resumeExecution(childServices(ctx), id);
  if (!resumed.runner) return { status: "TERMINAL", error: resumed.error };
  return follow(ctx, resumed.runner);
}

function cancel(ctx: StageContext): void {
  const child = childrenOf(ctx).get(ctx.stage.refId);
  if (child && !child.done) {
    child.runner.command({
      type: "cancel",
      user: "parent",
      reason: `parent execution ${ctx.execution.id} canceled it`,
    });
  }
}

/** `pipeline`: runs another pipeline of the repository as a child execution. */
export const pipelineStage: StageHandler = {
  type: "pipeline",
  defaultTimeoutMs: TWELVE_HOURS_MS,
  start,
  poll,
  resume,
  cancel,
  check(stage, pipeline) {
    const name = stage.config.pipeline;
    if (typeof name !== "string" || name.trim() === "") {
      return [
        stageProblem(
          stage,
          "type",
          "pipeline-name-missing",
          "A pipeline stage needs 'pipeline': the name of another pipeline of the repository.",
        ),
      ];
    }
    if (name === pipeline.name)
      return [
        stageProblem(
          stage,
          "pipeline",
          "pipeline-calls-itself",
          "A pipeline stage that runs its own pipeline would never end.",
          "warning",
        ),
      ];
    return [];
  },
};
