import type { ImportContext } from "../../import/context.js";
import { childPath, isRecord, show } from "../../import/json-path.js";
import { drop, keep, type Rule } from "../../import/stage-rules.js";
import { slugify } from "../../model/slugify.js";
import type { StageCommon } from "../../model/types.js";
import { list, str } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { asString, asStrings } from "../stage-fields.js";
import { manualJudgmentStage } from "./manual-judgment-stage.js";

export interface ManualJudgmentStage extends StageCommon<"manualJudgment"> {
  instructions?: string;
  inputs: string[];
  /** GitHub environment gating the judgment; defaults to `capstan-<pipeline>-<id>`. */
  environment: string;
}

const judgmentInputs: Rule = (value, path, ctx) => {
  if (!Array.isArray(value)) return drop("judgmentInputs is not a list")(value, path, ctx, {});
  const inputs: string[] = [];
  value.forEach((v, i) => {
    const text = isRecord(v) ? v.value : v;
    if (typeof text === "string" && text !== "") inputs.push(text);
    else ctx.note(childPath(path, i), "dropped", `${show(v)} has no input value`);
  });
  return inputs.length ? { inputs } : {};
};

/** Capstan judgments need inputs; Spinnaker's plain continue/stop judgment becomes one input. */
function judgmentDefaults(
  stage: Record<string, unknown>,
  path: string,
  ctx: ImportContext,
): Record<string, unknown> {
  const given = Array.isArray(stage.judgmentInputs)
    ? stage.judgmentInputs.some((v) =>
        isRecord(v) ? typeof v.value === "string" && v.value !== "" : typeof v === "string" && v !== "",
      )
    : false;
  if (given) return {};
  ctx.note(
    childPath(path, "judgmentInputs"),
    "changed",
    "no judgment inputs (a plain continue/stop judgment); written as inputs: [continue], so an approval continues and a rejection stops. #judgment() now returns 'continue' where Spinnaker had no input",
  );
  return { inputs: ["continue"] };
}

export const manualJudgmentDefinition = defineStage({
  type: "manualJudgment",
  label: "Manual Judgment",
  description:
    "Wait for a person to choose one of `inputs`. On GitHub the judgment is an environment approval: the approver writes the input as the first word of the comment. Continue makes the stage SUCCEEDED with the input recorded (`#judgment('Name')`); a rejection is a stop (TERMINAL, then `onFailure`).",
  group: "core",
  icon: "judgment",
  schema: {
    properties: {
      instructions: str("What the judge should check before deciding (Spinnaker: instructions)."),
      inputs: list(
        str("An input the judge can choose."),
        "The choices offered to the judge (Spinnaker: judgmentInputs); an empty approval comment picks the first. Without inputs the judge simply continues or stops.",
        { minItems: 1, uniqueItems: true, examples: [["continue", "rollback"]] },
      ),
      environment: str(
        "GitHub environment gating the judgment; it needs required reviewers. Default `capstan-<pipeline>-<id>`.",
        { examples: ["production-approval"] },
      ),
    },
    notificationDefinition: "judgment-notification",
    example: {
      id: "judge",
      name: "Judge",
      type: "manualJudgment",
      dependsOn: ["canary"],
      instructions: "Check the dashboards, then continue or roll back.",
      inputs: ["continue", "rollback"],
      notifications: [{ type: "slack", address: "${ secrets.SLACK_WEBHOOK }", when: ["awaiting"] }],
    },
  },
  model(raw, read): Pick<ManualJudgmentStage, "instructions" | "inputs" | "environment"> {
    return {
      instructions: asString(raw.instructions),
      inputs: asStrings(raw.inputs),
      environment:
        asString(raw.environment) ?? `capstan-${slugify(read.pipelineName)}-${read.id}`.toLowerCase(),
    };
  },
  contextKeys: ["judgmentStatus", "judgmentInput", "lastModifiedBy", "comment"],
  import: {
    build: judgmentDefaults,
    rules: {
      instructions: keep(),
      judgmentInputs,
      propagateAuthenticationContext: drop(
        "Capstan runs downstream stages with the workflow's own permissions, not the judge's",
        "unsupported",
      ),
      selectedStageRoles: drop("use required reviewers on the judgment's GitHub environment instead"),
      requiredJudgmentRoles: drop("use required reviewers on the judgment's GitHub environment instead"),
    },
  },
  docs: `Waits for someone to decide. \`inputs\` are the choices (Spinnaker's judgment inputs); \`stop\` is
always possible. Continue (or any input) => SUCCEEDED, with \`judgmentStatus: continue\`,
\`judgmentInput\` and \`lastModifiedBy\` in the context; \`#judgment('Name')\` returns the input.
Stop => TERMINAL, then \`onFailure\` decides (by default the whole pipeline ends TERMINAL and
running branches are canceled; with \`ignore\` the stages below still run). How to answer: see
"Manual judgments" in [running.md](running.md); on GitHub the answer comes from the approval of
the stage's \`environment\`. Time limit: 3 days unless \`timeout\` is set. Notifications: \`when:
[awaiting, continue, stop]\`.

\`\`\`yaml
- id: approve
  name: Approve production
  type: manualJudgment
  instructions: Check the canary dashboard, then continue or roll back.
  inputs: [continue, rollback]
  notifications:
    - { type: slack, address: "\${ secrets.SLACK_WEBHOOK }", when: [awaiting] }
\`\`\``,
  handler: manualJudgmentStage,
});
