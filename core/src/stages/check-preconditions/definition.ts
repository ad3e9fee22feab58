import type { NodeSource, StageCommon } from "../../model/types.js";
import { list } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { asBoolean, asList, isData } from "../stage-fields.js";
import { checkPreconditionsStage } from "./check-preconditions-stage.js";
import { preconditions } from "./precondition-import.js";
import { PRECONDITION_DEFINITIONS, PRECONDITION_TYPES } from "./precondition-schema.js";

export type PreconditionType = "expression" | "clusterSize" | "stageStatus";

export interface Precondition {
  type: PreconditionType;
  failPipeline: boolean;
  fields: Record<string, unknown>;
  source: NodeSource;
}

export interface CheckPreconditionsStage extends StageCommon<"checkPreconditions"> {
  preconditions: Precondition[];
}

const KNOWN_TYPES = new Set(PRECONDITION_TYPES);

export const checkPreconditionsDefinition = defineStage({
  type: "checkPreconditions",
  label: "Check Preconditions",
  description:
    "Check conditions in parallel before continuing: an expression, the size of a cluster, or another stage's status. With `failPipeline: false` a failed check stops only this branch, which is how pipelines branch on a judgment.",
  group: "core",
  icon: "check",
  schema: {
    properties: {
      preconditions: list(
        { $ref: "#/definitions/precondition" },
        "The conditions to check, all in parallel.",
        {
          minItems: 1,
        },
      ),
    },
    required: ["preconditions"],
    definitions: PRECONDITION_DEFINITIONS,
    example: {
      id: "rollback-chosen",
      type: "checkPreconditions",
      dependsOn: ["judge"],
      preconditions: [
        { type: "expression", expression: "${ #judgment('Judge') == 'rollback' }", failPipeline: false },
      ],
    },
  },
  model(raw, read): Pick<CheckPreconditionsStage, "preconditions"> {
    return {
      preconditions: asList(raw.preconditions).flatMap((p, i) =>
        isData(p) && KNOWN_TYPES.has(String(p.type))
          ? [
              {
                type: p.type as PreconditionType,
                failPipeline: asBoolean(p.failPipeline, true),
                fields: p,
                source: read.source(["preconditions", i]),
              } satisfies Precondition,
            ]
          : [],
      ),
    };
  },
  contextKeys: ["preconditions"],
  import: { rules: { preconditions } },
  docs: `Checks every precondition (all of them, as Orca does in parallel):

- \`expression\`: the expression must yield \`true\` (Java's \`Boolean.valueOf\`: only true or the
  text "true" passes; false, an error or nothing fails). \`failureMessage\` is shown on failure.
- \`stageStatus\`: the first stage named \`stageName\` (or with that id) has status \`stageStatus\`.
- \`clusterSize\`: counts the server groups of \`cluster\` (only enabled ones with
  \`onlyEnabledServerGroups: true\`; a cluster that does not exist counts 0) through the provider
  (\`provider\`/\`account\` when more than one is configured) and compares the count with \`expected\`
  (default 1) using \`comparison\` (\`<\`, \`<=\`, \`==\` (default), \`>=\`, \`>\`). The count is in
  \`preconditionResults[].actualSize\`.

All preconditions of a stage are checked in parallel (Orca runs one synthetic stage for each), and
their fields may use expressions, including URL functions when the pipeline allows them.

A failed precondition with \`failPipeline: true\` (the default) makes the stage TERMINAL, and then
the stage's \`onFailure\` applies. With \`failPipeline: false\` the stage is STOPPED: its branch
ends and the pipeline can still succeed — this is how a judgment picks a branch. The outcome of
each precondition is in \`context.preconditionResults\`.

\`\`\`yaml
- id: rollback-chosen
  type: checkPreconditions
  dependsOn: [approve]
  preconditions:
    - type: expression
      expression: "\${ #judgment('Approve production') == 'rollback' }"
      failPipeline: false
\`\`\``,
  handler: checkPreconditionsStage,
});
