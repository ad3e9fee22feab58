import {
  allJobIds,
  type Command,
  DEPLOYING_STAGE_TYPES,
  EventIdGenerator,
  type ExecutionRecord,
  failureStatus,
  foldJournal,
  type JournalEvent,
  mergeJournals,
} from "@capstan/core";
import type { ActionContext } from "../action-context.js";
import { runSegment } from "../engine/segment-runner.js";
import type { Review } from "../github-api.js";
import { downloadJournals, uploadJournal } from "../journals.js";
import { chooseInput } from "../judgment-input.js";
import { engineServices } from "../services.js";
import { renderSummary } from "../summary.js";
import * as core from "../workflow-commands.js";
import { judgmentInputs } from "./judge.js";

type Needs = Record<string, { result?: string; outputs?: Record<string, string> }>;

/**
 * `mode: finalize`: merges every job's journal, records what the gates' results mean (a rejection
 * is a `stop`), lets the engine compute the pipeline's result, and reports it.
 */
export async function finalizeMode(a: ActionContext): Promise<void> {
  const { plan, pipeline } = a.pipeline;
  let needs: Needs = {};
  try {
    needs = a.inputs.needs ? (JSON.parse(a.inputs.needs) as Needs) : {};
  } catch {
    needs = {};
  }
  const journals = await downloadJournals(
    a.artifacts,
    allJobIds(plan).filter((j) => j !== plan.finalize),
  );
  const events = mergeJournals(...journals.map((j) => j.events));
  const commands: Command[] = journals.flatMap((j) => j.commands);
  const notes: string[] = [];
  const failedJobs = Object.entries(needs).filter(
    ([, n]) => n.result === "failure" || n.result === "cancelled",
  );

  if (!events.some((e) => e.kind === "execution.started")) {
    const why =
      failedJobs.length > 0
        ? failedJobs.map(([j, n]) => `job '${j}' ${n.result}`).join(", ")
        : "the trigger's filters did not match";
    await core.summary.addRaw(`## ${pipeline.name}: did not start\n\n${why}.\n`).write();
    core.setOutput("status", "NOT_STARTED");
    if (failedJobs.length > 0) core.setFailed(`The pipeline did not start: ${why}.`);
    return;
  }

  const before = foldJournal(events);
  const floor = events.reduce((m, e) => Math.max(m, e.ts), 0);
  const ids = new EventIdGenerator(`finalize-x-a${a.ctx.attempt}`, floor);
  const extra: JournalEvent[] = [];
  const reviews: Review[] = plan.gates.length > 0 ? await a.api.reviews(a.ctx.runId) : [];
  for (const gate of plan.gates) {
    const result = needs[gate.id]?.result;
    const stage = before.stages.find((s) => s.refId === gate.stage);
    if (stage?.status !== "RUNNING" || stage.context.judgmentStatus) continue;
    if (commands.some((c) => c.type === "judge" && c.refId === gate.stage)) continue;
    if (result !== "failure" && result !== "cancelled") continue;
    const forEnv = reviews.filter((r) =>
      r.environments.some((e) => e.toLowerCase() === gate.environment.toLowerCase()),
    );
    const last = forEnv.at(-1);
    // Who reviewed and what they wrote go on the judgment's context, whatever the outcome.
    const recordReview = (review: Review) =>
      extra.push({
        ...ids.next(Date.now()),
        kind: "stage.updated",
        refId: gate.stage,
        context: { judgedBy: review.user, judgmentComment: review.comment },
      });
    if (last?.state === "rejected") {
      // A rejection is Spinnaker's "stop": the engine applies it with the judgment's onFailure.
      recordReview(last);
      const c = ids.next(Date.now());
      commands.push({
        id: `cmd-${c.id}`,
        ts: c.ts,
        type: "judge",
        refId: gate.stage,
        input: "stop",
        user: last.user,
      });
    } else if (last?.state === "approved") {
      const chosen = chooseInput(last.comment, judgmentInputs(a, gate.stage));
      const why = chosen.ok ? `the gate job ${result}` : chosen.error;
      const model = pipeline.stages.find((s) => s.id === gate.stage)!;
      recordReview(last);
      const d = ids.next(Date.now());
      extra.push({
        ...d,
        kind: "stage.completed",
        refId: gate.stage,
        status: failureStatus(model.onFailure, "TERMINAL"),
        error: `Approved by ${last.user} without a usable input: ${why}`,
      });
    } else {
      notes.push(
        `Judgment '${stage.name}' got no review: its gate job ended '${result}' (approval wait over 30 days, the run was cancelled, or the job failed).`,
      );
    }
  }

  const owned = new Set(pipeline.stages.filter((s) => s.type === "manualJudgment").map((s) => s.id));
  let cancelled = false;
  const reason =
    failedJobs.length > 0
      ? `the workflow ended before the pipeline did (${failedJobs.map(([j, n]) => `job '${j}' ${n.result}`).join(", ")})`
      : "the workflow ended before the pipeline did";
  const result = await runSegment({
    services: engineServices(pipeline, a.ctx, a.env, owned),
    writerId: `finalize-a${a.ctx.attempt}`,
    owned,
    journal: mergeJournals(events, extra),
    commands,
    keepForeignEvents: true,
    onBlocked: () => {
      if (cancelled) return undefined;
      cancelled = true;
      return { type: "cancel", user: "github-actions", reason };
    },
  });
  if ("errors" in result) throw new Error(result.errors.join("; "));
  const mine = [...extra, ...result.events];
  await uploadJournal(a.artifacts, {
    job: plan.finalize,
    attempt: a.ctx.attempt,
    events: mine,
    commands: [],
  });
  const record = foldJournal(mergeJournals(events, mine));
  report(a, record, notes);
  await core.summary.write();
  await recordDeployments(a, record);
  core.setOutput("execution-id", record.id);
  core.setOutput("status", record.status);
  if (record.status !== "SUCCEEDED") core.setFailed(`Pipeline '${pipeline.name}' ended ${record.status}.`);
}

function report(a: ActionContext, record: ExecutionRecord, notes: string[]): void {
  const { pipeline, source, path } = a.pipeline;
  // Validation warnings (errors stop every job before this) on the pipeline file's lines.
  for (const d of a.pipeline.diagnostics) {
    const r = source.range(d.span);
    core.warning(`${d.code}: ${d.message}`, {
      file: path,
      startLine: r.start.line + 1,
      endLine: r.end.line + 1,
    });
  }
  for (const s of record.stages) {
    if (!["TERMINAL", "STOPPED", "CANCELED", "FAILED_CONTINUE"].includes(s.status) || !s.error) continue;
    const model = pipeline.stages.find((m) => m.id === s.refId);
    const range = model ? source.range(model.source.span) : undefined;
    const props = {
      title: `${s.name}: ${s.status}`,
      file: path,
      startLine: (range?.start.line ?? 0) + 1,
      endLine: (range?.start.line ?? 0) + 1,
    };
    if (s.status === "FAILED_CONTINUE") core.warning(s.error, props);
    else core.error(s.error, props);
  }
  core.summary.addRaw(renderSummary(pipeline, record, notes));
}

/** GitHub deployment records for stages that deployed server groups. */
async function recordDeployments(a: ActionContext, record: ExecutionRecord): Promise<void> {
  for (const s of record.stages) {
    if (
      !DEPLOYING_STAGE_TYPES.has(s.type) ||
      !["SUCCEEDED", "TERMINAL", "STOPPED", "FAILED_CONTINUE"].includes(s.status)
    )
      continue;
    const clusters = Array.isArray(s.context.clusters)
      ? (s.context.clusters as Record<string, unknown>[])
      : [];
    const names = clusters.map((c) =>
      [c.application, c.stack, c.detail].filter((x) => typeof x === "string" && x).join("-"),
    );
    for (const environment of names.length > 0 ? names : [String(s.context.cluster ?? s.refId)]) {
      try {
        const id = await a.api.createDeployment({
          ref: a.ctx.sha || a.ctx.ref || "HEAD",
          environment,
          description: `${a.pipeline.pipeline.name}: ${s.name}`,
          payload: {
            pipeline: a.pipeline.pipeline.name,
            execution: record.id,
            stage: s.refId,
            outputs: s.outputs,
          },
        });
        await a.api.createDeploymentStatus(id, {
          state: s.status === "SUCCEEDED" ? "success" : "failure",
          description: `${s.name} ${s.status}`,
          logUrl: a.ctx.runUrl,
        });
      } catch (error) {
        core.warning(`Could not record a deployment to '${environment}': ${(error as Error).message}`);
      }
    }
  }
}
