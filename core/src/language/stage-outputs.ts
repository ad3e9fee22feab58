import type { Stage } from "../model/types.js";
import type { StageCatalog } from "../stages/catalog.js";
import type { StageOutput } from "../stages/define-stage.js";
import { builtinStages } from "../stages/index.js";

/** Context keys a stage writes while it runs, its own fields and its field-named outputs. */
export function stageContextKeys(stage: Stage, catalog: StageCatalog = builtinStages()): string[] {
  const definition = catalog.get(stage.type);
  return [
    ...new Set([
      ...(definition?.contextKeys ?? []),
      ...Object.keys(stage.config),
      ...(definition?.dynamicOutputs?.(stage.config) ?? []),
    ]),
  ];
}

/** What a stage publishes as outputs: its type's outputs, then those its fields name. */
export function stageOutputs(stage: Stage, catalog: StageCatalog = builtinStages()): StageOutput[] {
  const definition = catalog.get(stage.type);
  const named = (definition?.dynamicOutputs?.(stage.config) ?? []).map((name) => ({
    name,
    type: "any",
    description: `Output \`${name}\` of ${stage.name}.`,
  }));
  return [...(definition?.outputs ?? []), ...named];
}

/** Outputs named by upstream stages' fields, readable below them as bare names (`${ key }`). */
export function fieldNamedOutputs(stage: Stage, catalog: StageCatalog = builtinStages()): string[] {
  return catalog.get(stage.type)?.dynamicOutputs?.(stage.config) ?? [];
}

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
