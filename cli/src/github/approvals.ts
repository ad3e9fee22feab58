// Runs waiting on a manual judgment, and approving or rejecting one, through GitHub's
// pending-deployments API: a judgment's gate job waits on its environment; a required reviewer's
// approval lets it run, and the approval comment's first word is the input the judge mode records.
import { didYouMean, LENIENT_MATCH } from "@capstan/core";
import { GithubApiError, type GithubClient } from "./client.js";
import type { JudgmentInfo } from "./judgments.js";
import type { Repository } from "./repository.js";

export interface WorkflowRunInfo {
  id: number;
  /** The workflow's name (`Capstan: <pipeline>` for a compiled pipeline). */
  name: string;
  /** The workflow file (`.github/workflows/capstan-<name>.yml`). */
  path: string;
  htmlUrl: string;
  status: string;
  branch?: string;
  runNumber?: number;
  title?: string;
  event?: string;
}

/** An environment a run waits on, and the judgment of the checkout that it gates. */
export interface PendingJudgment {
  environment: { id: number; name: string };
  /** Whether the token's user is one of its required reviewers. */
  canApprove: boolean;
  /** Logins and `org/team` slugs. */
  reviewers: string[];
  /** Undefined when no pipeline of the checkout has a judgment on this environment. */
  judgment?: JudgmentInfo;
}

interface RunJson {
  id: number;
  name?: string | null;
  path?: string;
  html_url: string;
  status?: string | null;
  head_branch?: string | null;
  run_number?: number;
  display_title?: string;
  event?: string;
}

interface PendingJson {
  environment: { id?: number; name?: string };
  current_user_can_approve: boolean;
  reviewers: {
    type?: string;
    reviewer?: { login?: string; slug?: string; organization?: { login?: string } };
  }[];
}

const base = (r: Repository) => `/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}`;

function runInfo(r: RunJson): WorkflowRunInfo {
  return {
    id: r.id,
    name: r.name ?? "",
    path: r.path ?? "",
    htmlUrl: r.html_url,
    status: r.status ?? "",
    branch: r.head_branch ?? undefined,
    runNumber: r.run_number,
    title: r.display_title,
    event: r.event,
  };
}

/** A workflow run (GET /repos/{owner}/{repo}/actions/runs/{run_id}). */
export async function getRun(
  client: GithubClient,
  repo: Repository,
  runId: number,
): Promise<WorkflowRunInfo> {
  return runInfo(await client.get<RunJson>(`${base(repo)}/actions/runs/${runId}`));
}

/** The runs of the repository waiting for a review (GET …/actions/runs?status=waiting), newest first. */
export async function waitingRuns(client: GithubClient, repo: Repository): Promise<WorkflowRunInfo[]> {
  const data = await client.get<{ workflow_runs: RunJson[] }>(`${base(repo)}/actions/runs`, {
    status: "waiting",
    per_page: 50,
  });
  return data.workflow_runs.map(runInfo);
}

/**
 * The judgment waiting on an environment: the judgments using it, narrowed to the run's pipeline
 * (its workflow is named `Capstan: <pipeline>`) when several pipelines share the environment.
 */
export function judgmentFor(
  run: WorkflowRunInfo,
  environment: string,
  judgments: readonly JudgmentInfo[],
): JudgmentInfo | undefined {
  const using = judgments.filter((j) => j.environment.toLowerCase() === environment.toLowerCase());
  return using.find((j) => `Capstan: ${j.pipeline}` === run.name) ?? using[0];
}

/** What a run waits on (GET …/actions/runs/{run_id}/pending_deployments), matched to judgments. */
export async function pendingJudgments(
  client: GithubClient,
  repo: Repository,
  run: WorkflowRunInfo,
  judgments: readonly JudgmentInfo[],
): Promise<PendingJudgment[]> {
  const data = await client.get<PendingJson[]>(`${base(repo)}/actions/runs/${run.id}/pending_deployments`);
  return data.map((p) => {
    const name = p.environment.name ?? "";
    return {
      environment: { id: p.environment.id ?? 0, name },
      canApprove: p.current_user_can_approve,
      reviewers: p.reviewers.map((r) =>
        r.type === "Team"
          ? `${r.reviewer?.organization?.login ? `${r.reviewer.organization.login}/` : ""}${r.reviewer?.slug ?? "?"}`
          : (r.reviewer?.login ?? "?"),
      ),
      judgment: judgmentFor(run, name, judgments),
    };
  });
}

/** Every judgment waiting in the repository's runs, newest run first. */
export async function waitingJudgments(
  client: GithubClient,
  repo: Repository,
  judgments: readonly JudgmentInfo[],
): Promise<{ run: WorkflowRunInfo; pending: PendingJudgment[] }[]> {
  const runs = await waitingRuns(client, repo);
  const out: { run: WorkflowRunInfo; pending: PendingJudgment[] }[] = [];
  for (const run of runs) {
    const pending = await pendingJudgments(client, repo, run, judgments);
    if (pending.length > 0) out.push({ run, pending });
  }
  return out;
}

export type Selection = { ok: true; pending: PendingJudgment } | { ok: false; error: string };

/** The pending judgment named by its stage id, its name, or its environment's name. */
export function selectPending(
  run: WorkflowRunInfo,
  pending: readonly PendingJudgment[],
  name: string,
): Selection {
  const wanted = name.trim();
  const hits = pending.filter(
    (p) =>
      p.judgment?.stage === wanted ||
      p.judgment?.name === wanted ||
      p.environment.name.toLowerCase() === wanted.toLowerCase(),
  );
  if (hits.length === 1) return { ok: true, pending: hits[0] };
  const where = `run ${run.id}${run.name ? ` (${run.name})` : ""}`;
  if (pending.length === 0) {
    return {
      ok: false,
      error: `${where} is not waiting for a judgment (status: ${run.status || "unknown"}).`,
    };
  }
  const waiting = pending.map((p) => describeWaiting(p)).join(", ");
  if (hits.length > 1)
    return { ok: false, error: `'${name}' names several judgments of ${where}: ${waiting}.` };
  const names = pending.flatMap((p) => [
    p.environment.name,
    ...(p.judgment ? [p.judgment.stage, p.judgment.name] : []),
  ]);
  return {
    ok: false,
    error: `${where} has no judgment '${name}' waiting; it waits on ${waiting}.${didYouMean(name, names, "'", LENIENT_MATCH)}`,
  };
}

/** `judge (environment production-approval)`, or the environment alone when no judgment matches. */
export function describeWaiting(p: PendingJudgment): string {
  return p.judgment
    ? `${p.judgment.stage} (environment ${p.environment.name})`
    : `environment ${p.environment.name}`;
}

/** The lines that present a judgment before a review: what it asks and which inputs it offers. */
export function judgmentText(run: WorkflowRunInfo, p: PendingJudgment): string[] {
  const j = p.judgment;
  const lines = [
    j
      ? `Judgment '${j.name}'${j.name !== j.stage ? ` (${j.stage})` : ""} of pipeline '${j.pipeline}', environment ${p.environment.name}`
      : `Environment ${p.environment.name}`,
    `  run ${run.id}${run.name ? ` ${run.name}` : ""}${run.branch ? ` on ${run.branch}` : ""}: ${run.htmlUrl}`,
  ];
  if (j?.instructions) for (const line of j.instructions.trim().split("\n")) lines.push(`  ${line}`);
  if (j) {
    lines.push(
      j.inputs.length > 0
        ? `  Inputs: ${j.inputs.join(", ")} (approve with one; an empty comment would choose ${j.inputs[0]}); reject to stop.`
        : "  No inputs: approve to continue, reject to stop.",
    );
  }
  lines.push(
    p.canApprove
      ? "  You are a required reviewer."
      : `  You are not a required reviewer${p.reviewers.length > 0 ? ` (reviewers: ${p.reviewers.join(", ")})` : ""}.`,
  );
  return lines;
}

/**
 * Approves or rejects the run's wait on an environment (POST …/pending_deployments). Errors are
 * GithubApiError with a message that says what to do.
 */
export async function reviewPending(
  client: GithubClient,
  repo: Repository,
  runId: number,
  environmentIds: number[],
  state: "approved" | "rejected",
  comment: string,
): Promise<void> {
  try {
    await client.post(`${base(repo)}/actions/runs/${runId}/pending_deployments`, {
      environment_ids: environmentIds,
      state,
      comment,
    });
  } catch (error) {
    if (!(error instanceof GithubApiError)) throw error;
    const hint =
      error.status === 403
        ? " A GitHub App token (a workflow's GITHUB_TOKEN too) cannot review deployments: use a required reviewer's own token."
        : error.status === 401
          ? " The token is not valid (expired or revoked?)."
          : error.status === 404
            ? " The token cannot see this run (classic tokens need the repo scope)."
            : "";
    throw new GithubApiError(error.status, `${error.message}.${hint}`, error.method, error.path);
  }
}
