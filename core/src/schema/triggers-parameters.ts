import {
  CRON_PATTERN,
  discriminated,
  flag,
  type JsonSchema,
  list,
  object,
  oneOfValues,
  patterned,
  str,
} from "./schema-kit.js";

export const TRIGGER_TYPES = ["manual", "git", "cron", "pipeline", "docker", "webhook"];

const enabled = flag("Set false to keep the trigger but not fire it (Spinnaker: enabled).", {
  default: true,
});
const triggerType = (type: string, description: string): JsonSchema => ({ const: type, description });

function trigger(
  type: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required: string[] = [],
  example: Record<string, unknown> = { type },
): JsonSchema {
  return object(
    `${type} trigger`,
    description,
    { type: triggerType(type, description), enabled, ...properties },
    ["type", ...required],
    { examples: [example] },
  );
}

export const triggerDefinitions: Record<string, JsonSchema> = {
  "trigger-manual": trigger(
    "manual",
    "Started by hand (`workflow_dispatch`); the pipeline's parameters become the run form's inputs (at most 25).",
    {},
  ),
  "trigger-git": trigger(
    "git",
    "Started by a push (`push` event).",
    {
      branch: str("Branches that trigger: a regular expression or a glob.", {
        examples: ["main", "release/*"],
      }),
      paths: list(str("A path glob."), "Only pushes touching these paths trigger.", {
        examples: [["src/**"]],
      }),
    },
    [],
    { type: "git", branch: "main" },
  ),
  "trigger-cron": trigger(
    "cron",
    "Started on a schedule (`schedule` event).",
    {
      expression: patterned(CRON_PATTERN, "Five-field cron expression, in UTC (Spinnaker: cronExpression).", {
        examples: ["0 7 * * 1-5"],
      }),
    },
    ["expression"],
    { type: "cron", expression: "0 7 * * 1-5" },
  ),
  "trigger-pipeline": trigger(
    "pipeline",
    "Started when another Capstan pipeline of this repository finishes (`workflow_run` event).",
    {
      pipeline: str("Name of the upstream pipeline.", { examples: ["build"] }),
      status: list(
        oneOfValues(["successful", "failed", "canceled"], "An outcome of the upstream run."),
        "Outcomes of the upstream run that trigger this pipeline.",
        { default: ["successful"], uniqueItems: true, minItems: 1 },
      ),
    },
    ["pipeline"],
    { type: "pipeline", pipeline: "build", status: ["successful"] },
  ),
  "trigger-docker": trigger(
    "docker",
    "Started when a container image is published to the repository's package registry (`registry_package` event).",
    {
      image: str("Image name, without tag.", { examples: ["ghcr.io/acme/app"] }),
      tag: str("Regular expression the new tag must match; `trigger.tag` holds it.", {
        examples: ["master-\\d+"],
      }),
    },
    ["image"],
    { type: "docker", image: "ghcr.io/acme/app", tag: "master-\\d+" },
  ),
  "trigger-webhook": trigger(
    "webhook",
    "Started by a `repository_dispatch` event of type `capstan-<pipeline name>`; its client payload is `trigger.payload`.",
    {},
  ),
  trigger: {
    title: "trigger",
    description:
      "What starts the pipeline; each trigger compiles to a GitHub workflow event. Fields depend on `type`.",
    type: "object",
    required: ["type"],
    properties: {
      type: oneOfValues(TRIGGER_TYPES, "The trigger kind: manual, git, cron, pipeline, docker or webhook."),
    },
    allOf: TRIGGER_TYPES.map((t) => discriminated("type", t, `trigger-${t}`)),
  },
  parameter: object(
    "parameter",
    "A pipeline parameter (Spinnaker: parameterConfig), read as `parameters['name']` or `parameters.name`.",
    {
      name: str("Parameter name.", { examples: ["image"] }),
      label: str("Label shown on the run form."),
      description: str("What the parameter is for."),
      default: {
        type: ["string", "number", "boolean", "null"],
        description: "Value used when the run does not supply one.",
      },
      options: list(
        { type: ["string", "number", "boolean"], description: "An allowed value." },
        "When present, a value outside this list is rejected when the run starts.",
        { minItems: 1, examples: [["true", "false"]] },
      ),
      required: flag("A run must supply a value (or the default is used).", { default: false }),
    },
    ["name"],
  ),
};
