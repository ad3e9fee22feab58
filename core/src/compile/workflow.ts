import type { Pipeline } from "../model/types.js";
import { builtinStages } from "../stages/index.js";
import { type Gate, jobNeeds, type Segment, type SegmentPlan } from "./plan.js";
import { DEFAULT_RUNS_ON, type JobRunner, runsOnValue } from "./runners.js";
import { pipelineNotificationSecrets, secretEnvName, stageSecrets } from "./secrets.js";
import { pipelineSlug, workflowName } from "./triggers.js";

type Data = Record<string, unknown>;

/** Where and how the generated jobs run. */
export interface WorkflowOptions {
  /** The pipeline file, relative to the repository root (the action reads it from the checkout). */
  pipelineFile: string;
  /** The `uses:` of the Capstan action. */
  actionRef?: string;
  /** The `uses:` of the checkout action. */
  checkoutRef?: string;
  /** `runs-on` of the jobs whose runner neither the pipeline nor a stage names (default ubuntu-latest). */
  runsOn?: string;
}

/** The published action, as generated workflows reference it. */
export const DEFAULT_ACTION_REF = "capstan-dev/capstan@v0";
export const DEFAULT_CHECKOUT_REF = "actions/checkout@v4";

/** Stage types that deploy server groups; the final job records GitHub deployments for them. */
export const DEPLOYING_STAGE_TYPES: ReadonlySet<string> = new Set(
  builtinStages()
    .definitions()
    .flatMap((d) => (d.deploysServerGroups ? [d.type] : [])),
);

/** `needs.<job>` as an expression path (job ids may hold `-`, which expressions allow in names). */
const needsOf = (job: string) => `needs.${job}`;
const judgmentState = (segment: string, stage: string) =>
  `fromJSON(${needsOf(segment)}.outputs.judgments)['${stage.replace(/'/g, "''")}']`;

interface JobContext {
  pipeline: Pipeline;
  plan: SegmentPlan;
  options: Required<WorkflowOptions>;
  /** The runner of each job (`planRunners`); a job not in it runs on `options.runsOn`. */
  runners: ReadonlyMap<string, JobRunner>;
  hash: string;
  /** The trigger filter, for the first job(s). */
  triggerCondition?: string;
}

function steps(ctx: JobContext, withs: Data, env?: Data): Data[] {
  const action: Data = {
    id: "capstan",
    uses: ctx.options.actionRef,
    with: {
      pipeline: ctx.options.pipelineFile,
      "pipeline-hash": ctx.hash,
      ...withs,
      "github-token": "${{ github.token }}",
    },
  };
  if (env && Object.keys(env).length > 0) action.env = env;
  return [{ uses: ctx.options.checkoutRef, with: { "persist-credentials": false } }, action];
}

function runsOn(ctx: JobContext, job: string): unknown {
  const runner = ctx.runners.get(job);
  return runner && runner.span !== undefined ? runsOnValue(runner.runsOn) : ctx.options.runsOn;
}

function secretsEnv(names: Iterable<string>): Data {
  const env: Data = {};
  for (const name of [...new Set(names)].sort()) env[secretEnvName(name)] = `\${{ secrets.${name} }}`;
  return env;
}

function preflightJob(ctx: JobContext): Data {
  const job: Data = {
    name: "Check judgment environments",
    "runs-on": runsOn(ctx, ctx.plan.preflight ?? "preflight"),
    "timeout-minutes": 10,
    permissions: { actions: "read", contents: "read" },
  };
  if (ctx.triggerCondition) job.if = `\${{ ${ctx.triggerCondition} }}`;
  job.steps = steps(ctx, { mode: "preflight" });
  return job;
}

function segmentJob(ctx: JobContext, segment: Segment): Data {
  const { pipeline, plan } = ctx;
  const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
  const needs = jobNeeds(plan, segment.id);
  const names = segment.stages.map((id) => byId.get(id)!.name);
  const job: Data = {
    name: `Stages: ${names.length > 4 ? `${names.slice(0, 4).join(", ")} +${names.length - 4}` : names.join(", ")}`,
  };
  if (needs.length > 0) job.needs = needs;
  const condition = segmentCondition(ctx, segment);
  if (condition) job.if = `\${{ ${condition} }}`;
  job["runs-on"] = runsOn(ctx, segment.id);
  job["timeout-minutes"] = 360;
  job.permissions = { contents: "read" };
  job.outputs = {
    status: "${{ steps.capstan.outputs.status }}",
    "execution-id": "${{ steps.capstan.outputs.execution-id }}",
    judgments: "${{ steps.capstan.outputs.judgments }}",
    stages: "${{ steps.capstan.outputs.stages }}",
  };
  const secrets = segment.stages.flatMap((id) => stageSecrets(byId.get(id)!, pipeline));
  const root = segment.judgments.length === 0;
  // The execution starts in the root segment: pipeline notifications ("starting") are sent there.
  if (root) secrets.push(...pipelineNotificationSecrets(pipeline));
  // Judgments this segment completes send their continue notifications from here.
  for (const j of segment.judgments) secrets.push(...stageSecrets(byId.get(j)!, pipeline));
  const withs: Data = { mode: "run", segment: segment.id };
  if (root) withs.parameters = "${{ toJSON(inputs) }}";
  job.steps = steps(ctx, withs, secretsEnv(secrets));
  return job;
}

/** Runs when every gate of the segment passed, or its judgment was skipped by its `if`. */
function segmentCondition(ctx: JobContext, segment: Segment): string | undefined {
  const { plan } = ctx;
  if (segment.judgments.length === 0) return plan.preflight ? undefined : ctx.triggerCondition;
  const parts = ["!cancelled()"];
  const reaching = new Set<string>();
  for (const j of segment.judgments) reaching.add(plan.gates.find((g) => g.stage === j)!.segment);
  for (const s of new Set([...segment.after, ...reaching])) parts.push(`${needsOf(s)}.result == 'success'`);
  for (const j of segment.judgments) {
    const gate = plan.gates.find((g) => g.stage === j)!;
    parts.push(
      `(${needsOf(gate.id)}.result == 'success' || ${judgmentState(gate.segment, gate.stage)} == 'skipped')`,
    );
  }
  return parts.join(" && ");
}

function gateJob(ctx: JobContext, gate: Gate): Data {
  const stage = ctx.pipeline.stages.find((s) => s.id === gate.stage)!;
  return {
    name: `Judgment: ${stage.name}`,
    needs: [gate.segment],
    // Not reached: skipped by its `if`, or its branch ended before it. No review is requested then.
    // Explicit status check: a gate below another gate must not depend on how GitHub reads success().
    if: `\${{ !cancelled() && ${needsOf(gate.segment)}.result == 'success' && ${judgmentState(gate.segment, gate.stage)} == 'reached' }}`,
    environment: gate.environment,
    "runs-on": runsOn(ctx, gate.id),
    "timeout-minutes": 10,
    permissions: { actions: "read", contents: "read" },
    outputs: {
      input: "${{ steps.capstan.outputs.input }}",
      judge: "${{ steps.capstan.outputs.judge }}",
    },
    // No secrets: the gate only records the answer; the next segment completes the judgment.
    steps: steps(ctx, { mode: "judge", stage: gate.stage }),
  };
}

function finalizeJob(ctx: JobContext): Data {
  const { pipeline, plan } = ctx;
  const deploys = pipeline.stages.some((s) => DEPLOYING_STAGE_TYPES.has(s.type));
  const secrets = [
    ...pipelineNotificationSecrets(pipeline),
    // Stop notifications of rejected judgments are sent by the final job.
    ...pipeline.stages.filter((s) => s.type === "manualJudgment").flatMap((s) => stageSecrets(s, pipeline)),
  ];
  return {
    name: "Pipeline result",
    needs: jobNeeds(plan, plan.finalize),
    if: "${{ always() }}",
    "runs-on": runsOn(ctx, plan.finalize),
    "timeout-minutes": 15,
    permissions: deploys
      ? { actions: "read", contents: "read", deployments: "write" }
      : { actions: "read", contents: "read" },
    steps: steps(ctx, { mode: "finalize", needs: "${{ toJSON(needs) }}" }, secretsEnv(secrets)),
  };
}

/** The workflow document (plain data, in GitHub's key order) for a pipeline and its plan. */
export function buildWorkflow(
  pipeline: Pipeline,
  plan: SegmentPlan,
  on: Data,
  hash: string,
  triggerCondition: string | undefined,
  options: WorkflowOptions,
  runners: ReadonlyMap<string, JobRunner> = new Map(),
): Data {
  const ctx: JobContext = {
    pipeline,
    plan,
    runners,
    hash,
    triggerCondition,
    options: {
      pipelineFile: options.pipelineFile,
      actionRef: options.actionRef ?? DEFAULT_ACTION_REF,
      checkoutRef: options.checkoutRef ?? DEFAULT_CHECKOUT_REF,
      runsOn: options.runsOn ?? DEFAULT_RUNS_ON,
    },
  };
  const workflow: Data = { name: workflowName(pipeline.name), on, permissions: {} };
  if (pipeline.concurrency.limitConcurrent) {
    const concurrency: Data = {
      group: `capstan-${pipelineSlug(pipeline.name)}`,
      "cancel-in-progress": false,
    };
    // Spinnaker's keepWaitingPipelines: every queued run eventually runs (GitHub keeps up to 100).
    if (pipeline.concurrency.keepWaitingPipelines) concurrency.queue = "max";
    workflow.concurrency = concurrency;
  }
  const jobs: Data = {};
  if (plan.preflight) jobs[plan.preflight] = preflightJob(ctx);
  const gatesBySegment = new Map<string, Gate[]>();
  for (const g of plan.gates) gatesBySegment.set(g.segment, [...(gatesBySegment.get(g.segment) ?? []), g]);
  for (const segment of plan.segments) {
    jobs[segment.id] = segmentJob(ctx, segment);
    for (const gate of gatesBySegment.get(segment.id) ?? []) jobs[gate.id] = gateJob(ctx, gate);
  }
  jobs[plan.finalize] = finalizeJob(ctx);
  workflow.jobs = jobs;
  return workflow;
}
