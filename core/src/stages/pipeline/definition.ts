import { isRecord } from "../../import/json-path.js";
import { asBoolean as booleanRule, drop, type Rule } from "../../import/stage-rules.js";
import { resolvePipeline } from "../../import/triggers.js";
import type { StageCommon } from "../../model/types.js";
import { anyValue, bool, map, str } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { asBoolean, asString, isData } from "../stage-fields.js";
import { pipelineStage } from "./pipeline-stage.js";

export interface PipelineStage extends StageCommon<"pipeline"> {
  pipeline: string;
  parameters: Record<string, unknown>;
  waitForCompletion: boolean;
}

const pipelineRef: Rule = (value, path, ctx) => {
  if (typeof value !== "string" || value === "") return drop("no pipeline id")(value, path, ctx, {});
  return { pipeline: resolvePipeline(value, path, ctx, ctx.pipelineNames) };
};

export const pipelineDefinition = defineStage({
  type: "pipeline",
  label: "Pipeline",
  description:
    "Run another pipeline of this repository as a child execution. With `waitForCompletion` the stage ends as the child does (TERMINAL/STOPPED child fails it) and the child's outputs become this stage's outputs; canceling this stage cancels the child.",
  group: "core",
  icon: "pipeline",
  schema: {
    properties: {
      pipeline: str("Name of the pipeline to run (its `name`).", { examples: ["rollback"] }),
      parameters: map(
        anyValue("Parameter value; may be an expression."),
        "Parameters for the child (Spinnaker: pipelineParameters).",
        {
          examples: [{ image: "${ parameters.image }" }],
        },
      ),
      waitForCompletion: bool("Wait for the child to finish.", { default: true }),
      skipDownstreamOutput: bool("Do not merge the child's outputs into this stage's outputs.", {
        default: false,
      }),
    },
    required: ["pipeline"],
    example: {
      id: "run-tests",
      type: "pipeline",
      pipeline: "integration-tests",
      parameters: { env: "staging" },
    },
  },
  model(raw): Pick<PipelineStage, "pipeline" | "parameters" | "waitForCompletion"> {
    return {
      pipeline: asString(raw.pipeline) ?? "",
      parameters: isData(raw.parameters) ? raw.parameters : {},
      waitForCompletion: asBoolean(raw.waitForCompletion, true),
    };
  },
  // The outputs are the child's (every stage's outputs merged in order): known only when it ends.
  contextKeys: ["executionId", "executionName", "status"],
  import: {
    rules: {
      application: drop("Capstan pipeline stages run a pipeline of this repository"),
      pipeline: pipelineRef,
      pipelineParameters: (value, path, ctx) =>
        isRecord(value)
          ? Object.keys(value).length
            ? { parameters: value }
            : {}
          : drop("not a map")(value, path, ctx, {}),
      waitForCompletion: booleanRule(),
      skipDownstreamOutput: booleanRule(),
    },
  },
  docs: `Runs another pipeline of the repository (by its \`name\`, found in \`.capstan/pipelines/\` or beside
the running file) as a child execution with \`parameters\` (checked against the child's
parameters; defaults fill in). The child's trigger is \`{type: pipeline, parentExecution,
parentPipelineStageId}\`; its execution id is \`<parent>.<stage>\` and its journal sits beside the
parent's. With \`waitForCompletion\` (the default) the stage ends as the child does: SUCCEEDED =>
SUCCEEDED with the child's outputs (every stage's outputs merged in order) as this stage's
outputs, unless \`skipDownstreamOutput\`; TERMINAL or STOPPED => TERMINAL with the child's failing
stage in the error; CANCELED => CANCELED; then \`onFailure\`. Without it the stage succeeds once
the child has started. Canceling the stage cancels the child. Time limit: 12 hours unless
\`timeout\` is set.

\`\`\`yaml
- id: integration
  type: pipeline
  pipeline: integration-tests
  parameters:
    env: staging
    version: "\${ version }"
\`\`\``,
  handler: pipelineStage,
});
