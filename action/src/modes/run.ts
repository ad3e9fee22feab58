import { type Command, jobAncestors, mergeJournals } from "@capstan/core";
import type { ActionContext } from "../action-context.js";
import { runnerProviderServices } from "../engine/runner-providers.js";
import { runSegment } from "../engine/segment-runner.js";
import { downloadJournals, uploadJournal } from "../journals.js";
import { engineServices } from "../services.js";
import { triggerFromEvent } from "../trigger.js";
import * as core from "../workflow-commands.js";

/** `mode: run`: runs one segment's stages until they are done or wait for a judgment. */
export async function runMode(a: ActionContext): Promise<void> {
  const { plan, pipeline } = a.pipeline;
  const segment = plan.segments.find((s) => s.id === a.inputs.segment);
  if (!segment) {
    throw new Error(
      `No segment '${a.inputs.segment}' in ${a.pipeline.path} (segments: ${plan.segments.map((s) => s.id).join(", ")}). Run \`capstan compile\`.`,
    );
  }
  const journals = await downloadJournals(a.artifacts, jobAncestors(plan, segment.id));
  const events = mergeJournals(...journals.map((j) => j.events));
  // Judgments this segment completes: the gate jobs recorded them as commands.
  const gateIds = new Set(plan.gates.filter((g) => segment.judgments.includes(g.stage)).map((g) => g.id));
  const commands: Command[] = journals.filter((j) => gateIds.has(j.job)).flatMap((j) => j.commands);
  const owned = new Set([...segment.stages, ...segment.judgments]);
  // Server-group stages use the runner machine's local supervisor (only a self-hosted runner has one).
  const providers = runnerProviderServices(a.ctx.workspace, a.env, (text) => core.warning(text));
  const services = { ...engineServices(pipeline, a.ctx, a.env, owned), providers };
  const writerId = `${segment.id}-a${a.ctx.attempt}`;
  const setJudgments = (map: Record<string, string>) => core.setOutput("judgments", JSON.stringify(map));

  let result: Awaited<ReturnType<typeof runSegment>>;
  if (events.some((e) => e.kind === "execution.started")) {
    result = await runSegment({ services, writerId, owned, journal: events, commands });
  } else if (segment.judgments.length === 0) {
    const started = triggerFromEvent(pipeline, a.ctx, a.inputs.parameters);
    if ("skip" in started) {
      core.notice(`The pipeline does not run for this event: ${started.skip}.`);
      core.setOutput("status", "NOT_TRIGGERED");
      setJudgments({});
      core.setOutput("stages", "{}");
      return;
    }
    result = await runSegment({
      services,
      writerId,
      owned,
      start: {
        pipeline,
        pipelineFile: a.pipeline.path,
        executionId: `gh-${a.ctx.runId}`,
        parameters: started.parameters,
        trigger: started.trigger,
      },
    });
  } else {
    throw new Error(`No journal from the jobs before '${segment.id}' was found among this run's artifacts.`);
  }
  if ("errors" in result) throw new Error(`The pipeline cannot start: ${result.errors.join("; ")}.`);
  await uploadJournal(a.artifacts, {
    job: segment.id,
    attempt: a.ctx.attempt,
    events: result.events,
    commands: [],
  });

  const record = result.record;
  const judgments: Record<string, string> = {};
  for (const gate of plan.gates.filter((g) => g.segment === segment.id)) {
    const s = record.stages.find((x) => x.refId === gate.stage);
    judgments[gate.stage] = result.reached.includes(gate.stage)
      ? "reached"
      : s?.status === "SKIPPED"
        ? "skipped"
        : "not-reached";
  }
  const stages: Record<string, string> = {};
  for (const s of record.stages) if (owned.has(s.refId)) stages[s.refId] = s.status;
  core.setOutput("execution-id", record.id);
  core.setOutput("status", record.status);
  setJudgments(judgments);
  core.setOutput("stages", JSON.stringify(stages));
  for (const ref of result.reached) {
    const gate = plan.gates.find((g) => g.stage === ref)!;
    const stage = pipeline.stages.find((s) => s.id === ref)!;
    const inputs = "inputs" in stage && Array.isArray(stage.inputs) ? (stage.inputs as string[]) : [];
    core.notice(
      `Judgment '${stage.name}' waits for a review of environment '${gate.environment}'. Approve with the input as the first word of the comment (${inputs.join(", ") || "any comment"}; empty = ${inputs[0] ?? "continue"}), or reject to stop.`,
    );
  }
  if (record.status === "TERMINAL" || record.status === "CANCELED") {
    const failed = record.stages.filter(
      (s) => owned.has(s.refId) && (s.status === "TERMINAL" || s.status === "CANCELED"),
    );
    core.setFailed(
      `The pipeline ended ${record.status}: ${failed.map((s) => `${s.name}: ${s.error ?? s.status}`).join("; ")}`,
    );
  }
}
