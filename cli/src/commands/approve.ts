import { parseArgs } from "node:util";
import {
  apiUrlFor,
  approvalComment,
  checkoutJudgments,
  findToken,
  GithubApiError,
  GithubClient,
  getRun,
  judgmentText,
  originRepository,
  parseRunReference,
  pendingJudgments,
  type Repository,
  reviewPending,
  selectPending,
} from "../github/index.js";
import { type CliIo, UsageError } from "../io.js";

const COMMON = `  RUN                the run's URL (https://github.com/OWNER/REPO/actions/runs/ID, or a job's) or its id
  JUDGMENT           the judgment's stage id or name, or its GitHub environment
  --comment TEXT     added to the review comment
  --repo OWNER/NAME  the repository of a RUN id (default: \`git remote get-url origin\`)
  --api-url URL      default $GITHUB_API_URL, else the API of the run's host (api.github.com)
It first prints the judgment's instructions and inputs, from the pipeline files of this checkout
(.capstan/pipelines/, or the one the run's workflow names). The token is $GITHUB_TOKEN, else
\`gh auth token\`: a required reviewer's own (GitHub refuses reviews from app tokens such as a
workflow's GITHUB_TOKEN). Exit status: 0 done, 1 refused (not waiting, not a reviewer, GitHub
said no), 2 bad usage (an input the judgment does not declare, no token).
`;

export const approveHelp = `Usage: capstan approve RUN JUDGMENT [INPUT] [--comment TEXT] [--repo OWNER/NAME] [--api-url URL]

Approves a manual judgment a GitHub Actions run waits on, as "Review deployments" does, with INPUT
as the first word of the approval comment: the judgment's gate job records that input and the jobs
after it see it. INPUT must be one of the judgment's inputs (required when it declares any).
${COMMON}`;

export const rejectHelp = `Usage: capstan reject RUN JUDGMENT [--comment TEXT] [--repo OWNER/NAME] [--api-url URL]

Rejects a manual judgment a GitHub Actions run waits on: the pipeline stops at the judgment (its
onFailure applies) and the final job records who rejected it and the comment.
${COMMON}`;

async function reviewCommand(kind: "approve" | "reject", argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      comment: { type: "string" },
      repo: { type: "string" },
      "api-url": { type: "string" },
    },
  });
  const most = kind === "approve" ? 3 : 2;
  if (positionals.length < 2 || positionals.length > most) {
    throw new UsageError(
      kind === "approve" ? "give RUN, JUDGMENT and INPUT. See --help." : "give RUN and JUDGMENT. See --help.",
    );
  }
  const [runArg, judgmentArg, input] = positionals;
  const ref = parseRunReference(runArg);
  if (!ref) {
    throw new UsageError(
      `'${runArg}' is neither a run's URL (https://github.com/OWNER/REPO/actions/runs/ID) nor a run id.`,
    );
  }
  let repository: Repository | undefined = ref.repository;
  let webOrigin = ref.webOrigin;
  if (values.repo !== undefined) {
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(values.repo);
    if (!m) throw new UsageError(`--repo takes OWNER/NAME, not '${values.repo}'.`);
    repository = { owner: m[1], repo: m[2] };
  }
  if (!repository) {
    const origin = originRepository(io.cwd);
    if ("error" in origin) throw new UsageError(`${origin.error}; give the run's URL or --repo OWNER/NAME.`);
    repository = origin.repository;
    webOrigin = origin.webOrigin;
  }
  webOrigin ??= "https://github.com";
  const token = findToken(io.env, new URL(webOrigin).hostname);
  if ("error" in token) {
    io.stderr(`capstan ${kind}: ${token.error}\n`);
    return 2;
  }
  const client = new GithubClient({
    apiUrl: values["api-url"] ?? io.env.GITHUB_API_URL ?? apiUrlFor(webOrigin),
    token: token.token,
  });
  const full = `${repository.owner}/${repository.repo}`;
  try {
    let run: Awaited<ReturnType<typeof getRun>>;
    try {
      run = await getRun(client, repository, ref.runId);
    } catch (error) {
      if (error instanceof GithubApiError && error.status === 404) {
        io.stderr(`capstan ${kind}: no run ${ref.runId} in ${full} (or the token cannot see it).\n`);
        return 1;
      }
      throw error;
    }
    const pending = await pendingJudgments(client, repository, run, checkoutJudgments(io.cwd, run.path));
    const selected = selectPending(run, pending, judgmentArg);
    if (!selected.ok) {
      io.stderr(`capstan ${kind}: ${selected.error}\n`);
      return 1;
    }
    const p = selected.pending;
    io.stdout(`${judgmentText(run, p).join("\n")}\n`);
    if (!p.canApprove) {
      io.stderr(
        `capstan ${kind}: the token's user is not a required reviewer of environment ${p.environment.name}${p.reviewers.length > 0 ? ` (reviewers: ${p.reviewers.join(", ")})` : ""}; nothing was sent.\n`,
      );
      return 1;
    }
    let comment = values.comment?.trim() ?? "";
    let chosen: string | undefined;
    if (kind === "approve") {
      if (!p.judgment) {
        io.stderr(
          `capstan approve: no pipeline in this checkout has a manual judgment on environment ${p.environment.name}, so its inputs are unknown; run this in a checkout of ${full}. Nothing was sent.\n`,
        );
        return 1;
      }
      const approval = approvalComment(p.judgment, input, comment);
      if (!approval.ok) {
        io.stderr(`capstan approve: ${approval.error} Nothing was sent.\n`);
        return 2;
      }
      comment = approval.comment;
      chosen = approval.input;
    }
    await reviewPending(
      client,
      repository,
      run.id,
      [p.environment.id],
      kind === "approve" ? "approved" : "rejected",
      comment,
    );
    const what = p.judgment ? `'${p.judgment.name}'` : `environment ${p.environment.name}`;
    io.stdout(
      kind === "approve"
        ? `✓ approved ${what}${chosen ? ` with ${chosen}` : ""} in run ${run.id}: its gate job runs now and records ${chosen ?? "continue"} (comment: "${comment}").\n`
        : `✓ rejected ${what} in run ${run.id}: the pipeline stops at this judgment.\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof GithubApiError) {
      io.stderr(
        `capstan ${kind}: GitHub answered ${error.method} ${error.path} with ${error.status}: ${error.message}\n`,
      );
      return 1;
    }
    throw error;
  }
}

/** `capstan approve`: approves a judgment waiting in a GitHub run, with an input. */
export function approveCommand(argv: string[], io: CliIo): Promise<number> {
  return reviewCommand("approve", argv, io);
}

/** `capstan reject`: rejects a judgment waiting in a GitHub run. */
export function rejectCommand(argv: string[], io: CliIo): Promise<number> {
  return reviewCommand("reject", argv, io);
}
