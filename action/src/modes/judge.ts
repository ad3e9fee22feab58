import {
  type Command,
  EventIdGenerator,
  foldJournal,
  type JournalEvent,
  jobAncestors,
  mergeJournals,
} from "@capstan/core";
import type { ActionContext } from "../action-context.js";
import { downloadJournals, uploadJournal } from "../journals.js";
import { chooseInput } from "../judgment-input.js";
import * as core from "../workflow-commands.js";

/** Inputs a judgment stage offers. */
export function judgmentInputs(a: ActionContext, stageId: string): string[] {
  const stage = a.pipeline.pipeline.stages.find((s) => s.id === stageId);
  return stage && "inputs" in stage && Array.isArray(stage.inputs) ? (stage.inputs as string[]) : [];
}

/**
 * `mode: judge`: runs after a reviewer approved the gate's environment. Reads the run's review
 * history, takes the input from the approval comment, and records who judged and what they wrote.
 */
export async function judgeMode(a: ActionContext): Promise<void> {
  const { plan } = a.pipeline;
  const gate = plan.gates.find((g) => g.stage === a.inputs.stage);
  if (!gate)
    throw new Error(`No manual judgment '${a.inputs.stage}' in ${a.pipeline.path}. Run \`capstan compile\`.`);
  const journals = await downloadJournals(a.artifacts, jobAncestors(plan, gate.id));
  const events = mergeJournals(...journals.map((j) => j.events));
  const record = foldJournal(events);
  const stage = record.stages.find((s) => s.refId === gate.stage);
  if (stage?.status !== "RUNNING") {
    throw new Error(
      `Judgment '${gate.stage}' is ${stage?.status ?? "unknown"} in the journal, not waiting for a review.`,
    );
  }
  const same = (name: string) => name.toLowerCase() === gate.environment.toLowerCase();
  const approvals = (await a.api.reviews(a.ctx.runId)).filter(
    (r) => r.state === "approved" && r.environments.some(same),
  );
  // The history has no timestamps; entries come oldest first, so the last one is this attempt's.
  const approval = approvals.at(-1);
  if (!approval) {
    throw new Error(
      `No approval of environment '${gate.environment}' in this run's review history (an admin bypass leaves none). The judgment is not recorded.`,
    );
  }
  const inputs = judgmentInputs(a, gate.stage);
  const chosen = chooseInput(approval.comment, inputs);
  core.setOutput("judge", approval.user);
  if (!chosen.ok) {
    core.setOutput("status", "invalid");
    throw new Error(
      `${chosen.error} Approved by ${approval.user} with comment "${approval.comment}". Re-run this job and approve with one of the inputs as the first word of the comment, or reject to stop the pipeline.`,
    );
  }
  const floor = events.reduce((m, e) => Math.max(m, e.ts), 0);
  const ids = new EventIdGenerator(`${gate.id}-a${a.ctx.attempt}`, floor);
  const note = ids.next(Date.now());
  const mine: JournalEvent[] = [
    {
      ...note,
      kind: "stage.updated",
      refId: gate.stage,
      context: {
        judgedBy: approval.user,
        judgmentComment: approval.comment,
        judgmentEnvironment: gate.environment,
      },
    },
  ];
  const c = ids.next(Date.now());
  const command: Command = {
    id: `cmd-${c.id}`,
    ts: c.ts,
    type: "judge",
    refId: gate.stage,
    input: chosen.input ?? "continue",
    user: approval.user,
  };
  await uploadJournal(a.artifacts, {
    job: gate.id,
    attempt: a.ctx.attempt,
    events: mine,
    commands: [command],
  });
  core.setOutput("input", chosen.input ?? "");
  core.setOutput("status", "continue");
  core.info(
    `${approval.user} chose '${chosen.input ?? "continue"}' for '${stage.name}' (comment: "${approval.comment}").`,
  );
}
