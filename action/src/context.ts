import { readFileSync } from "node:fs";

/** What the runner tells a job about itself (GITHUB_* variables and the event file). */
export interface RunContext {
  runId: number;
  attempt: number;
  owner: string;
  repo: string;
  apiUrl: string;
  serverUrl: string;
  eventName: string;
  event: Record<string, unknown>;
  sha: string;
  ref: string;
  actor: string;
  workspace: string;
  /** The run's page, for links in summaries and deployment statuses. */
  runUrl: string;
}

/** Reads the run context from the environment a runner provides. */
export function runContext(env: NodeJS.ProcessEnv): RunContext {
  const [owner = "", repo = ""] = (env.GITHUB_REPOSITORY ?? "/").split("/");
  let event: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as Record<string, unknown>;
    } catch {
      event = {};
    }
  }
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const runId = Number(env.GITHUB_RUN_ID ?? 0);
  return {
    runId,
    attempt: Number(env.GITHUB_RUN_ATTEMPT ?? 1),
    owner,
    repo,
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    serverUrl,
    eventName: env.GITHUB_EVENT_NAME ?? "workflow_dispatch",
    event,
    sha: env.GITHUB_SHA ?? "",
    ref: env.GITHUB_REF ?? "",
    actor: env.GITHUB_ACTOR ?? "github",
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
  };
}
