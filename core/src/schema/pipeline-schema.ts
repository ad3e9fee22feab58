import { builtinStages, type StageCatalog } from "../stages/index.js";
import {
  commonStageProperties,
  JUDGMENT_EVENTS,
  notificationDefinition,
  PIPELINE_EVENTS,
  runsOnDefinition,
  STAGE_EVENTS,
  stageTypeProperty,
  windowDefinition,
} from "./common-fields.js";
import { addMarkdown } from "./markdown.js";
import {
  discriminated,
  flag,
  type JsonSchema,
  list,
  object,
  patterned,
  ref,
  SECRET_NAME_PATTERN,
  str,
} from "./schema-kit.js";
import type { StageTypeSpec } from "./stage-spec.js";
import { triggerDefinitions } from "./triggers-parameters.js";

export { addMarkdown } from "./markdown.js";

/** The schema sources of a catalog's stage types, in documentation order. */
export function stageTypeSpecs(catalog: StageCatalog = builtinStages()): StageTypeSpec[] {
  return catalog.definitions().map((d) => ({
    type: d.type,
    label: d.label,
    description: d.description,
    ...d.schema,
  }));
}

/** Every built-in stage type, in documentation order. */
export const STAGE_TYPE_SPECS: readonly StageTypeSpec[] = stageTypeSpecs();

export const STAGE_TYPE_NAMES: readonly string[] = STAGE_TYPE_SPECS.map((s) => s.type);

/** The definition name of a stage type's schema. */
export function stageDefinitionName(type: string): string {
  return `stage-${type}`;
}

function stageDefinition(spec: StageTypeSpec): JsonSchema {
  const schema: JsonSchema = {
    title: `${spec.type} stage`,
    description: `${spec.label} (Spinnaker: ${spec.type}). ${spec.description}`,
    type: "object",
    required: ["type", ...(spec.required ?? [])],
    properties: {
      type: stageTypeProperty(spec.type, `${spec.label}: ${spec.description}`),
      ...commonStageProperties(spec.notificationDefinition),
      ...spec.properties,
    },
    additionalProperties: false,
    examples: [spec.example],
  };
  if (spec.allOf) schema.allOf = spec.allOf;
  return schema;
}

function stageTypeDescription(names: readonly string[]): string {
  return (
    "The stage type; it decides the stage's other fields. Capstan runs: " +
    `${names.join(", ")}. Other Spinnaker types (bake, jenkins ...) are kept when imported but cannot run.`
  );
}

function stageDefinitions(specs: readonly StageTypeSpec[]): Record<string, JsonSchema> {
  const names = specs.map((s) => s.type);
  const definitions: Record<string, JsonSchema> = {};
  for (const spec of specs) {
    Object.assign(definitions, spec.definitions);
    definitions[stageDefinitionName(spec.type)] = stageDefinition(spec);
  }
  // A type Capstan does not know: only the common fields are checked; the semantic validator
  // explains the type itself (typo, or a Spinnaker type Capstan cannot run).
  definitions["stage-other"] = {
    title: "stage",
    description: "A stage of a type Capstan does not know; only the common fields are checked.",
    type: "object",
    properties: { ...commonStageProperties() },
  };
  definitions.stage = {
    title: "stage",
    description:
      "One step of the pipeline (a Spinnaker stage). Stages run when the stages in `dependsOn` are done; stages without `dependsOn` start with the pipeline.",
    type: "object",
    required: ["type"],
    properties: {
      type: { type: "string", description: stageTypeDescription(names), examples: [...names] },
    },
    allOf: [
      ...names.map((t) => discriminated("type", t, stageDefinitionName(t))),
      // No `type: object` here: a non-object fails the `if` and would be reported again by `else`.
      { if: { properties: { type: { enum: [...names] } } }, else: ref("stage-other") },
    ],
  };
  return definitions;
}

/**
 * Builds the JSON Schema (draft-07) of a pipeline file, `.capstan/pipelines/<name>.yml`, for the
 * stage types of a catalog (default: the built-in ones).
 */
export function buildPipelineSchema(catalog: StageCatalog = builtinStages()): JsonSchema {
  const definitions: Record<string, JsonSchema> = {
    window: windowDefinition,
    "runs-on": runsOnDefinition,
    "pipeline-notification": notificationDefinition(PIPELINE_EVENTS, "pipeline"),
    "stage-notification": notificationDefinition(STAGE_EVENTS, "stage"),
    "judgment-notification": notificationDefinition(JUDGMENT_EVENTS, "manual judgment"),
    ...triggerDefinitions,
    ...stageDefinitions(stageTypeSpecs(catalog)),
  };
  const root: JsonSchema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $comment: "Generated from core/src/schema by `npm run schema:build`; do not edit by hand.",
    title: "pipeline",
    description:
      "A Capstan pipeline: Spinnaker-style stages run on GitHub Actions. One pipeline per file in `.capstan/pipelines/`.",
    type: "object",
    required: ["name", "stages"],
    additionalProperties: false,
    properties: {
      name: str("Pipeline name, unique in the repository; also names the generated workflow.", {
        minLength: 1,
        examples: ["deploy"],
      }),
      description: str("What the pipeline does."),
      parameters: list(ref("parameter"), "Inputs of a run (Spinnaker: parameterConfig).", {
        examples: [[{ name: "image", default: "nginx:1.12" }]],
      }),
      triggers: list(ref("trigger"), "What starts the pipeline; each compiles to a GitHub workflow event.", {
        examples: [[{ type: "manual" }, { type: "git", branch: "main" }]],
      }),
      concurrency: object("concurrency settings", "How runs of this pipeline overlap.", {
        limitConcurrent: flag("Run one execution at a time; others wait (Spinnaker: limitConcurrent).", {
          default: true,
        }),
        keepWaitingPipelines: flag(
          "Keep every waiting run; when false a newer waiting run supersedes older ones (Spinnaker: keepWaitingPipelines).",
          { default: false },
        ),
      }),
      secrets: list(
        patterned(SECRET_NAME_PATTERN, "A GitHub secret name."),
        "GitHub secrets the pipeline may read as `secrets.NAME` (always masked).",
        { uniqueItems: true, examples: [["SLACK_WEBHOOK"]] },
      ),
      notifications: list(
        ref("pipeline-notification"),
        "Notifications for pipeline events (Spinnaker: notifications).",
      ),
      expressions: object("expression settings", "Settings of the expression language.", {
        allowUrls: flag("Allow `#fromUrl`, `#jsonFromUrl`, `#yamlFromUrl` and `#propertiesFromUrl`.", {
          default: false,
        }),
        urlAllowList: list(
          str("A URL prefix."),
          "URL prefixes those functions may read; public http(s) hosts only either way.",
          { examples: [["https://config.example.com/"]] },
        ),
      }),
      runsOn: {
        ...ref("runs-on"),
        description:
          "The runner of every generated GitHub job (GitHub's `runs-on`): `ubuntu-latest` when absent. A pipeline on the `local` provider needs a self-hosted runner, e.g. `[self-hosted, deploy]`. Stages may name their own.",
        examples: [["self-hosted", "deploy"]],
      },
      stages: list(ref("stage"), "The stages; their order in the file does not matter, `dependsOn` does.", {
        minItems: 1,
      }),
    },
    definitions,
  };
  return addMarkdown(root);
}

const built = new WeakMap<StageCatalog, JsonSchema>();

/** The pipeline schema of a catalog's stage types, built once per catalog. */
export function pipelineSchema(catalog: StageCatalog = builtinStages()): JsonSchema {
  let schema = built.get(catalog);
  if (!schema) {
    schema = buildPipelineSchema(catalog);
    built.set(catalog, schema);
  }
  return schema;
}
