import { PROVIDERS } from "./common-fields.js";
import {
  anyValue,
  bool,
  discriminated,
  duration,
  flag,
  IDENTIFIER_PATTERN,
  int,
  type JsonSchema,
  list,
  map,
  num,
  object,
  oneOfValues,
  patterned,
  str,
} from "./schema-kit.js";
import { requiredUnless, type StageTypeSpec } from "./stage-spec.js";

export const PRECONDITION_TYPES = ["expression", "clusterSize", "stageStatus"];
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
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

const preconditionDefinitions: Record<string, JsonSchema> = {
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

/** wait, manualJudgment, checkPreconditions, evaluateVariables, run, webhook, pipeline. */
export const coreStageTypes: StageTypeSpec[] = [
  {
    type: "wait",
    label: "Wait",
    description:
      "Wait a period of time before proceeding. A running wait can be skipped with `capstan skip`.",
    properties: {
      duration: duration("How long to wait.", { examples: ["30s", "5m"] }),
      waitTime: num("How long to wait, in seconds (Spinnaker: waitTime). Prefer `duration`.", {
        minimum: 0,
        examples: [30],
      }),
      skipWaitText: str("Text shown to whoever skips the wait (Spinnaker: skipWaitText)."),
    },
    allOf: [requiredUnless("duration", "waitTime")],
    example: { id: "soak", type: "wait", dependsOn: ["deploy"], duration: "5m" },
  },
  {
    type: "manualJudgment",
    label: "Manual Judgment",
    description:
      "Wait for a person to choose one of `inputs`. On GitHub the judgment is an environment approval: the approver writes the input as the first word of the comment. Continue makes the stage SUCCEEDED with the input recorded (`#judgment('Name')`); a rejection is a stop (TERMINAL, then `onFailure`).",
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
  {
    type: "checkPreconditions",
    label: "Check Preconditions",
    description:
      "Check conditions in parallel before continuing: an expression, the size of a cluster, or another stage's status. With `failPipeline: false` a failed check stops only this branch, which is how pipelines branch on a judgment.",
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
    definitions: preconditionDefinitions,
    example: {
      id: "rollback-chosen",
      type: "checkPreconditions",
      dependsOn: ["judge"],
      preconditions: [
        { type: "expression", expression: "${ #judgment('Judge') == 'rollback' }", failPipeline: false },
      ],
    },
  },
  {
    type: "evaluateVariables",
    label: "Evaluate Variables",
    description:
      "Evaluate expressions once and keep the results as stage outputs, readable downstream as `${ key }`. Each variable sees the ones before it.",
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
  {
    type: "run",
    label: "Run Job / Script",
    description:
      "Run a command on the runner (Spinnaker: Script / Run Job). Exit code 0 succeeds. A JSON object or KEY=VALUE lines written to the file named by `$CAPSTAN_OUTPUT` become the stage's outputs.",
    properties: {
      command: str("Shell command line, run by `shell`.", { examples: ["npm test"] }),
      args: list(str("One argument."), "Program and arguments, run without a shell (instead of `command`).", {
        minItems: 1,
        examples: [["node", "scripts/smoke.js"]],
      }),
      env: map(
        { type: ["string", "number", "boolean"], description: "Value of the variable." },
        "Environment variables for the command.",
        { examples: [{ LOG_LEVEL: "debug" }] },
      ),
      workingDirectory: str("Directory to run in, relative to the repository root.", { default: "." }),
      shell: str("Shell for `command`.", { default: "bash", examples: ["bash", "sh", "pwsh"] }),
    },
    allOf: [requiredUnless("command", "args")],
    example: {
      id: "smoke",
      type: "run",
      dependsOn: ["deploy"],
      command: "./scripts/smoke-test.sh",
      retryable: true,
    },
  },
  {
    type: "webhook",
    label: "Webhook",
    description:
      "Call an HTTP endpoint; 2xx/3xx succeeds, 5xx and 429 are retried every 10 s for 5 min. With `waitForCompletion`, poll a status URL until its status maps to success, canceled or terminal. The response is in `#stage('Name').context.webhook`.",
    properties: {
      url: str("The URL to call; may contain expressions.", {
        examples: ["https://ci.example.com/api/jobs"],
      }),
      method: oneOfValues(HTTP_METHODS, "HTTP method.", { default: "POST" }),
      customHeaders: map(
        { type: ["string", "array"], items: { type: "string" }, description: "Header value (or values)." },
        "Request headers (Spinnaker: customHeaders).",
        { examples: [{ Authorization: "Bearer ${ secrets.API_TOKEN }" }] },
      ),
      payload: anyValue("Request body, sent as JSON; expressions inside are evaluated."),
      failFastStatusCodes: list(
        { type: "integer", description: "An HTTP status code." },
        "Status codes that fail the create call at once, without retry.",
        { default: [504] },
      ),
      webhookRetryStatusCodes: list(
        { type: "integer", description: "An HTTP status code." },
        "Extra status codes for which the create call is retried.",
      ),
      retryStatusCodes: list(
        { type: "integer", description: "An HTTP status code." },
        "Extra status codes for which a status poll is retried.",
      ),
      retries: map(
        object("retry limit", "Retry limit for one status code.", {
          maxAttempts: {
            type: "integer",
            minimum: 1,
            description: "How many times this code may be retried.",
          },
        }),
        "Per status code cap on polling retries, e.g. `{ '503': { maxAttempts: 5 } }`.",
      ),
      waitForCompletion: bool("Poll a status URL after the call until it reports completion.", {
        default: false,
      }),
      monitorOnly: bool("Skip the call and only poll (needs `waitForCompletion`).", { default: false }),
      statusUrlResolution: oneOfValues(
        ["getMethod", "locationHeader", "webhookResponse"],
        "Where the status URL comes from: GET on `url` (`getMethod`), the response's Location header (`locationHeader`), or `statusUrlJsonPath` in the response body (`webhookResponse`).",
        { default: "getMethod" },
      ),
      statusEndpoint: str("Explicit status URL to poll."),
      statusUrlJsonPath: str("JsonPath of the status URL in the response body (`webhookResponse`).", {
        examples: ["$.links.status"],
      }),
      statusJsonPath: str("JsonPath of the status in the status response.", {
        examples: ["$.buildInfo.status"],
      }),
      progressJsonPath: str("JsonPath of a progress message in the status response."),
      successStatuses: str("Comma-separated statuses meaning success (case-insensitive).", {
        examples: ["SUCCESS,DONE"],
      }),
      canceledStatuses: str("Comma-separated statuses meaning canceled."),
      terminalStatuses: str("Comma-separated statuses meaning failed.", { examples: ["FAILED"] }),
      waitBeforeMonitor: duration("Wait this long after the call before the first poll.", {
        examples: ["10s"],
      }),
      cancelEndpoint: str("URL called if the stage is canceled or fails (best effort)."),
      cancelMethod: oneOfValues(HTTP_METHODS, "HTTP method of the cancel call.", { default: "POST" }),
      cancelPayload: anyValue("Body of the cancel call."),
    },
    required: ["url"],
    example: {
      id: "notify-cd",
      type: "webhook",
      url: "https://ci.example.com/api/builds",
      method: "POST",
      payload: { version: "${ parameters.version }" },
      waitForCompletion: true,
      statusUrlResolution: "locationHeader",
      statusJsonPath: "$.status",
      successStatuses: "SUCCESS",
      terminalStatuses: "FAILED",
    },
  },
  {
    type: "pipeline",
    label: "Pipeline",
    description:
      "Run another pipeline of this repository as a child execution. With `waitForCompletion` the stage ends as the child does (TERMINAL/STOPPED child fails it) and the child's outputs become this stage's outputs; canceling this stage cancels the child.",
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
];
