// "Review Waiting Judgments": the runs of the open repository that wait on a manual judgment, and
// approving one with an input (or rejecting it). The GitHub calls and the input rules are the CLI's
// (`@capstan/cli/github`, the same as `capstan approve`); this module only orders the questions, so
// it knows nothing of VS Code: the command gives it a UI made of quick picks and input boxes.
import {
  approvalComment,
  checkoutJudgments,
  describeWaiting,
  GithubApiError,
  type GithubClient,
  judgmentText,
  type PendingJudgment,
  type Repository,
  reviewPending,
  type WorkflowRunInfo,
  waitingJudgments,
} from "@capstan/cli/github";

/** One waiting judgment, as a quick pick item. */
export interface JudgmentItem {
  label: string;
  description: string;
  detail: string;
  run: WorkflowRunInfo;
  pending: PendingJudgment;
}

/** What the reviewer can do with a judgment, as a quick pick item. */
export interface Decision {
  label: string;
  description?: string;
  state: "approved" | "rejected";
  input?: string;
}

/** The questions the flow asks; each returns undefined when the person cancels (Escape). */
export interface ReviewUi {
  pickJudgment(items: JudgmentItem[]): PromiseLike<JudgmentItem | undefined>;
  pickDecision(item: JudgmentItem, decisions: Decision[]): PromiseLike<Decision | undefined>;
  /** An optional comment ("" for none). */
  comment(item: JudgmentItem, decision: Decision): PromiseLike<string | undefined>;
  info(message: string, url?: string): void;
  error(message: string): void;
}

export interface ReviewContext {
  client: GithubClient;
  repository: Repository;
  /** The checkout whose pipeline files declare the judgments. */
  folder: string;
}

export type ReviewOutcome =
  | { kind: "nothing-waiting" }
  | { kind: "canceled" }
  | { kind: "refused"; message: string }
  | {
      kind: "reviewed";
      runId: number;
      environment: string;
      state: "approved" | "rejected";
      input?: string;
      comment: string;
    };

/** The judgments waiting in the repository's runs, newest run first, as quick pick items. */
export async function waitingItems(ctx: ReviewContext): Promise<JudgmentItem[]> {
  const waiting = await waitingJudgments(ctx.client, ctx.repository, checkoutJudgments(ctx.folder));
  return waiting.flatMap(({ run, pending }) =>
    pending.map((p) => {
      const j = p.judgment;
      const inputs = j && j.inputs.length > 0 ? j.inputs.join(" | ") : "continue";
      return {
        label: `${p.canApprove ? "$(debug-pause)" : "$(lock)"} ${j ? j.name : p.environment.name}`,
        description: `${run.name || "run"} #${run.runNumber ?? run.id}${run.branch ? ` on ${run.branch}` : ""}${p.canApprove ? "" : " · you are not a reviewer"}`,
        detail: j
          ? `${j.instructions ? `${j.instructions.trim().split("\n")[0]} · ` : ""}${inputs} · environment ${p.environment.name}`
          : `environment ${p.environment.name}: no pipeline in this folder has a judgment on it`,
        run,
        pending: p,
      };
    }),
  );
}

/** Approve with each input (the first one first, as an empty comment would choose), or reject. */
export function decisionsFor(item: JudgmentItem): Decision[] {
  const j = item.pending.judgment;
  const approvals: Decision[] =
    j && j.inputs.length > 0
      ? j.inputs.map((input, i) => ({
          label: `$(check) Approve: ${input}`,
          description: i === 0 ? "the default input" : undefined,
          state: "approved",
          input,
        }))
      : [{ label: "$(check) Approve", description: "continue", state: "approved" }];
  return [
    ...(j ? approvals : []),
    { label: "$(close) Reject", description: "stop the pipeline at this judgment", state: "rejected" },
  ];
}

/** Lists, asks, reviews: the whole command, with the UI given. */
export async function reviewWaitingJudgment(ctx: ReviewContext, ui: ReviewUi): Promise<ReviewOutcome> {
  let items: JudgmentItem[];
  try {
    items = await waitingItems(ctx);
  } catch (error) {
    const message = `Capstan: cannot list the runs of ${ctx.repository.owner}/${ctx.repository.repo}: ${(error as Error).message}`;
    ui.error(message);
    return { kind: "refused", message };
  }
  if (items.length === 0) {
    ui.info(`Capstan: no run of ${ctx.repository.owner}/${ctx.repository.repo} waits on a judgment.`);
    return { kind: "nothing-waiting" };
  }
  const item = await ui.pickJudgment(items);
  if (!item) return { kind: "canceled" };
  const { run, pending } = item;
  if (!pending.canApprove) {
    const message = `Capstan: you are not a required reviewer of ${describeWaiting(pending)}${pending.reviewers.length > 0 ? ` (reviewers: ${pending.reviewers.join(", ")})` : ""}.`;
    ui.error(message);
    return { kind: "refused", message };
  }
  const decision = await ui.pickDecision(item, decisionsFor(item));
  if (!decision) return { kind: "canceled" };
  const note = await ui.comment(item, decision);
  if (note === undefined) return { kind: "canceled" };
  let comment = note.trim();
  if (decision.state === "approved") {
    // The same rule as `capstan approve`: the input is the comment's first word.
    const approval = pending.judgment
      ? approvalComment(pending.judgment, decision.input, note)
      : ({ ok: false, error: "its inputs are unknown" } as const);
    if (!approval.ok) {
      const message = `Capstan: ${approval.error}`;
      ui.error(message);
      return { kind: "refused", message };
    }
    comment = approval.comment;
  }
  try {
    await reviewPending(
      ctx.client,
      ctx.repository,
      run.id,
      [pending.environment.id],
      decision.state,
      comment,
    );
  } catch (error) {
    const message = `Capstan: GitHub refused the review: ${error instanceof GithubApiError ? `${error.message} (HTTP ${error.status})` : (error as Error).message}`;
    ui.error(message);
    return { kind: "refused", message };
  }
  const what = pending.judgment?.name ?? pending.environment.name;
  ui.info(
    decision.state === "approved"
      ? `Capstan: approved '${what}'${decision.input ? ` with ${decision.input}` : ""} in run #${run.runNumber ?? run.id}; its gate job runs now.`
      : `Capstan: rejected '${what}' in run #${run.runNumber ?? run.id}; the pipeline stops there.`,
    run.htmlUrl,
  );
  return {
    kind: "reviewed",
    runId: run.id,
    environment: pending.environment.name,
    state: decision.state,
    input: decision.input,
    comment,
  };
}

/** The judgment's full text (instructions, inputs, reviewers) for the decision step's title/placeholder. */
export function judgmentDetail(item: JudgmentItem): string[] {
  return judgmentText(item.run, item.pending);
}
