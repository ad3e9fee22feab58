/**
 * Context keys each stage type writes while it runs (readable as
 * `#stage('X')['context']['key']`), following what Orca's stages put in their context.
 * The stage's own configuration fields are part of its context too and are added by callers.
 */
export const STAGE_CONTEXT_KEYS: Readonly<Record<string, readonly string[]>> = {
  manualJudgment: ["judgmentStatus", "judgmentInput", "lastModifiedBy", "comment"],
  wait: ["startTime", "skipRemainingWait"],
  webhook: ["webhook", "buildInfo"],
  run: ["exitCode", "outputs"],
  evaluateVariables: [],
  checkPreconditions: ["preconditions"],
  pipeline: ["executionId", "executionName", "status"],
  deploy: ["deploy.server.groups", "deploy.account.name", "serverGroups"],
  canaryAnalysis: ["canaryScores", "lastUpdated", "canaryScoreMessage"],
};

/** What `#stage('X')` returns, with a line each (Spinnaker's stage view). */
export const STAGE_PROPERTIES: readonly [string, string][] = [
  ["status", "The stage's status: NOT_STARTED, RUNNING, SUCCEEDED, TERMINAL, SKIPPED ..."],
  ["context", "The stage's context: its configuration plus what it wrote while running."],
  ["outputs", "What the stage published for later stages."],
  ["startTime", "Start time in epoch milliseconds."],
  ["endTime", "End time in epoch milliseconds."],
  ["hasSucceeded", "Whether the stage succeeded."],
  ["hasFailed", "Whether the stage failed."],
  ["id", "The stage id (Spinnaker's refId)."],
  ["name", "The stage name."],
  ["type", "The stage type."],
];

/** Fields of the expression roots. */
export const ROOT_FIELDS: Readonly<Record<string, readonly [string, string][]>> = {
  trigger: [
    ["type", "How the run started: manual, git, cron, pipeline, docker, webhook."],
    ["user", "Who started the run."],
    ["parameters", "The run's parameters."],
    ["sha", "The commit of the run."],
    ["ref", "The git ref of the run."],
    ["actor", "The GitHub user that triggered the run."],
    ["repository", "owner/name of the repository."],
    ["tag", "The image tag, for docker triggers."],
  ],
  execution: [
    ["id", "The execution id."],
    ["name", "The pipeline name."],
    ["status", "The execution's status."],
    ["startTime", "Start time in epoch milliseconds."],
    ["stages", "The execution's stages."],
  ],
};

export const ROOTS: readonly [string, string][] = [
  ["parameters", "The run's parameters, from the pipeline's `parameters`."],
  ["trigger", "What started the run (type, user, parameters, sha, ref, actor, repository)."],
  ["execution", "The running execution (id, name, status, startTime, stages)."],
  ["secrets", "The secrets declared in the pipeline's `secrets`, always masked."],
];
