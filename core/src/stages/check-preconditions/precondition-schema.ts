import { PROVIDERS } from "../../schema/common-fields.js";
import {
  bool,
  discriminated,
  flag,
  int,
  type JsonSchema,
  object,
  oneOfValues,
  str,
} from "../../schema/schema-kit.js";

export const PRECONDITION_TYPES = ["expression", "clusterSize", "stageStatus"];
export const STAGE_STATUSES = [
  "NOT_STARTED",
  "RUNNING",
  "PAUSED",
  "SUCCEEDED",
  "FAILED_CONTINUE",
  "TERMINAL",
  "CANCELED",
  "STOPPED",
  "SKIPPED",
];

const failPipeline = flag(
  "When the precondition fails: `true` fails the stage as TERMINAL (then the stage's `onFailure` applies); `false` stops only this branch (STOPPED), so the pipeline can still succeed. This is how a judgment's input picks a branch.",
  { default: true },
);
const preconditionType = (type: string) => ({ const: type, description: "The kind of precondition." });

/** The `precondition` definition and one definition per precondition type. */
export const PRECONDITION_DEFINITIONS: Record<string, JsonSchema> = {
  "precondition-expression": object(
    "expression precondition",
    "Passes when the expression yields true.",
    {
      type: preconditionType("expression"),
      failPipeline,
      expression: {
        type: ["string", "boolean"],
        description:
          "The condition; it must yield true (Spinnaker: context.expression). Quote it, e.g. \"${ #judgment('Judge') == 'rollback' }\".",
        examples: ["${ #judgment('judge') == 'rollback' }"],
      },
      failureMessage: str("Shown when the precondition fails (Spinnaker: context.failureMessage)."),
    },
    ["type", "expression"],
  ),
  "precondition-clusterSize": object(
    "clusterSize precondition",
    "Compares the number of server groups in a cluster with `expected`.",
    {
      type: preconditionType("clusterSize"),
      failPipeline,
      cluster: str("Cluster name, `application[-stack[-detail]]`.", { examples: ["myapp-prod"] }),
      provider: oneOfValues(PROVIDERS, "Provider of the cluster, when more than one is configured."),
      account: str("Provider account, when more than one is configured (Spinnaker: credentials)."),
      comparison: oneOfValues(["<", "<=", "==", ">=", ">"], "How the count compares with `expected`.", {
        default: "==",
      }),
      expected: int("The server group count to compare with.", { default: 1, minimum: 0 }),
      onlyEnabledServerGroups: bool("Count only enabled server groups.", { default: false }),
    },
    ["type", "cluster"],
  ),
  "precondition-stageStatus": object(
    "stageStatus precondition",
    "Passes when the named stage has the given status.",
    {
      type: preconditionType("stageStatus"),
      failPipeline,
      stageName: str("Name (or id) of the stage to look at; the first stage with that name.", {
        examples: ["Deploy"],
      }),
      stageStatus: oneOfValues(STAGE_STATUSES, "The status the stage must have.", {
        examples: ["SUCCEEDED"],
      }),
    },
    ["type", "stageName", "stageStatus"],
  ),
  precondition: {
    title: "precondition",
    description: "A condition checked by a checkPreconditions stage; its fields depend on `type`.",
    type: "object",
    required: ["type"],
    properties: {
      type: oneOfValues(
        PRECONDITION_TYPES,
        "`expression` (an expression must be true), `clusterSize` (count of server groups) or `stageStatus` (another stage's status).",
      ),
    },
    allOf: PRECONDITION_TYPES.map((t) => discriminated("type", t, `precondition-${t}`)),
  },
};
