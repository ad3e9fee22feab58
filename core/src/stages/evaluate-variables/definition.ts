import { childPath, isRecord } from "../../import/json-path.js";
import { drop, type Rule } from "../../import/stage-rules.js";
import type { StageCommon } from "../../model/types.js";
import { anyValue, IDENTIFIER_PATTERN, list, object, patterned, str } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { asList, asString, isData } from "../stage-fields.js";
import { evaluateVariablesStage } from "./evaluate-variables-stage.js";

export interface EvaluateVariablesStage extends StageCommon<"evaluateVariables"> {
  variables: { key: string; value: unknown; description?: string }[];
}

const variables: Rule = (value, path, ctx) => {
  if (!Array.isArray(value)) return drop("variables is not a list of {key, value}")(value, path, ctx, {});
  const out: Record<string, unknown>[] = [];
  value.forEach((v, i) => {
    const vPath = childPath(path, i);
    if (!isRecord(v) || typeof v.key !== "string" || v.key === "") {
      ctx.note(vPath, "dropped", "a variable without a key");
      return;
    }
    const item: Record<string, unknown> = { key: v.key, value: v.value ?? null };
    if (typeof v.description === "string" && v.description !== "") item.description = v.description;
    for (const k of Object.keys(v))
      if (!["key", "value", "description"].includes(k))
        ctx.note(childPath(vPath, k), "dropped", "not part of a variable");
    out.push(item);
  });
  return { variables: out };
};

export const evaluateVariablesDefinition = defineStage({
  type: "evaluateVariables",
  label: "Evaluate Variables",
  description:
    "Evaluate expressions once and keep the results as stage outputs, readable downstream as `${ key }`. Each variable sees the ones before it.",
  group: "core",
  icon: "variables",
  schema: {
    properties: {
      variables: list(
        object(
          "variable",
          "A named value.",
          {
            key: patterned(IDENTIFIER_PATTERN, "Name of the output, read downstream as `${ key }`.", {
              examples: ["imageTag"],
            }),
            value: anyValue("The value; usually an expression.", { examples: ["${ trigger.tag }"] }),
            description: str("What the variable holds."),
          },
          ["key", "value"],
        ),
        "Variables, evaluated in order (Spinnaker: variables).",
        { minItems: 1 },
      ),
    },
    required: ["variables"],
    example: {
      id: "vars",
      type: "evaluateVariables",
      variables: [{ key: "imageTag", value: "${ trigger.tag ?: 'latest' }" }],
    },
  },
  model(raw): Pick<EvaluateVariablesStage, "variables"> {
    return {
      variables: asList(raw.variables).flatMap((v) =>
        isData(v) && typeof v.key === "string"
          ? [{ key: v.key, value: v.value, description: asString(v.description) }]
          : [],
      ),
    };
  },
  contextKeys: [],
  dynamicOutputs: (raw) =>
    asList(raw.variables).flatMap((v) => (isData(v) && typeof v.key === "string" ? [v.key] : [])),
  import: { rules: { variables } },
  docs: `Evaluates \`variables\` in order, each seeing the ones before it; each becomes an output of the
stage, readable below it as \`\${ key }\` (and as \`#stage('Name').outputs.key\`).
A variable that does not evaluate (an error, or an expression that is null) keeps its text as its
output and gets an entry in the stage's expression summary, as in Spinnaker; the variables after it
do not see it, so an expression using it fails too instead of reading its text.

\`\`\`yaml
- id: vars
  type: evaluateVariables
  variables:
    - { key: region, value: "\${ parameters.env == 'prod' ? 'eu-west-1' : 'eu-central-1' }" }
    - { key: bucket, value: "releases-\${ region }" }
\`\`\``,
  handler: evaluateVariablesStage,
});
