import {
  DURATION_PATTERN,
  flag,
  type JsonSchema,
  list,
  object,
  oneOfValues,
  patterned,
  ref,
  STAGE_ID_PATTERN,
  str,
  TIME_OF_DAY_PATTERN,
} from "./schema-kit.js";

export const ON_FAILURE = ["haltPipeline", "haltBranch", "haltBranchThenFailPipeline", "ignore"];
export const WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export const NOTIFICATION_TYPES = ["slack", "webhook", "github-comment", "email"];
export const PIPELINE_EVENTS = ["pipeline.starting", "pipeline.complete", "pipeline.failed"];
export const STAGE_EVENTS = ["stage.starting", "stage.complete", "stage.failed"];
export const JUDGMENT_EVENTS = ["awaiting", "continue", "stop", ...STAGE_EVENTS];
export const PROVIDERS = ["local", "kubernetes"];

const durationString = (description: string, extra: Omit<JsonSchema, "description"> = {}): JsonSchema =>
  patterned(DURATION_PATTERN, description, extra);

/** A notification entry whose `when` accepts the given events. */
export function notificationDefinition(events: string[], scope: string): JsonSchema {
  const messages: Record<string, JsonSchema> = {};
  for (const event of events) {
    messages[event] = str(`Message sent for \`${event}\`; may contain expressions.`);
  }
  return object(
    "notification",
    `A notification sent on ${scope} events (Spinnaker: notifications).`,
    {
      type: oneOfValues(
        NOTIFICATION_TYPES,
        "Where to send it: `slack` (incoming-webhook URL), `webhook` (HTTP POST of a JSON body), `github-comment` (a comment on an issue or pull request) or `email`.",
        { examples: ["slack"] },
      ),
      address: {
        type: ["string", "integer"],
        description:
          "The destination: a Slack webhook URL or channel, an HTTP URL, an issue/PR number, or an e-mail address. Usually `${ secrets.NAME }` for URLs.",
        examples: ["${ secrets.SLACK_WEBHOOK }"],
      },
      when: list(
        oneOfValues(events, "An event that sends this notification."),
        `The events that send this notification: ${events.map((e) => `\`${e}\``).join(", ")}.`,
        { examples: [[events[events.length - 1]]], uniqueItems: true },
      ),
      message: object(
        "notification messages",
        "Custom message text per event (Spinnaker: message.<event>.text).",
        messages,
      ),
    },
    ["type", "address"],
  );
}

/** Spinnaker's restrictedExecutionWindow, in Capstan's spelling. */
export const windowDefinition: JsonSchema = object(
  "execution window",
  "Only start this stage inside these days and hours (Spinnaker: restrictedExecutionWindow). While waiting, the stage is RUNNING and shown as waiting for its window; `capstan skip-window` releases it. Waiting time does not count toward `timeout`.",
  {
    days: list(
      oneOfValues(WEEKDAY_NAMES, "A day of the week, three lower-case letters."),
      "Days on which the stage may start; empty or absent means every day.",
      { uniqueItems: true, examples: [["mon", "tue", "wed", "thu", "fri"]] },
    ),
    ranges: list(
      object(
        "window range",
        "A time range within a day, both ends inclusive; a `start` hour later than the `end` hour wraps past midnight (as in Orca); a range that ends before it starts within one hour never opens and is an error.",
        {
          start: patterned(TIME_OF_DAY_PATTERN, 'Opening time, "HH:mm" (24-hour, quoted).', {
            examples: ["07:00"],
          }),
          end: patterned(TIME_OF_DAY_PATTERN, 'Closing time, "HH:mm" (24-hour, quoted), inclusive.', {
            examples: ["10:00"],
          }),
        },
        ["start", "end"],
      ),
      "Hours of the day during which the stage may start (Spinnaker: whitelist). Absent means the whole day.",
      { examples: [[{ start: "07:00", end: "10:00" }]] },
    ),
    timezone: str(
      "IANA time zone the days and hours are read in. Default UTC (Spinnaker's default is America/Los_Angeles; the importer writes it explicitly).",
      { default: "UTC", examples: ["America/Los_Angeles", "Europe/Berlin"] },
    ),
    jitter: object(
      "window jitter",
      "Wait a random extra time once the window opens (Spinnaker: jitter), spreading out many pipelines.",
      {
        min: durationString("Shortest extra wait.", { default: "0s", examples: ["0s"] }),
        max: durationString("Longest extra wait.", { examples: ["10m"] }),
        skipManual: flag("Skip the jitter for manually started runs.", { default: false }),
      },
    ),
  },
);

/** A label of a runner, as GitHub's `runs-on` takes it. */
const runnerLabel = str("A runner label.", { minLength: 1, examples: ["self-hosted"] });

/**
 * GitHub's `runs-on`, in each form it takes: one label, the labels a runner must all have, or a
 * runner group (with labels or not). The keywords of each form apply to values of that type only.
 */
export const runsOnDefinition: JsonSchema = {
  title: "runner",
  description:
    "Where the generated GitHub jobs run, as GitHub's `runs-on` takes it: a label (`ubuntu-latest`, `self-hosted`), the labels a runner must all have (`[self-hosted, deploy]`), or a runner group (`{ group: deployers, labels: [linux] }`). Default `ubuntu-latest`, a fresh GitHub-hosted machine for every job; the `local` provider needs every job on one self-hosted machine. Read by `capstan compile` only.",
  type: ["string", "array", "object"],
  minLength: 1,
  items: runnerLabel,
  minItems: 1,
  uniqueItems: true,
  properties: {
    group: str("A runner group's name.", { minLength: 1, examples: ["deployers"] }),
    labels: {
      type: ["string", "array"],
      description: "The label, or labels, a runner of the group must have.",
      minLength: 1,
      items: runnerLabel,
      minItems: 1,
      uniqueItems: true,
      examples: [["linux", "x64"]],
    },
  },
  additionalProperties: false,
  minProperties: 1,
  examples: [["self-hosted", "deploy"], "ubuntu-latest", { group: "deployers" }],
};

/** Properties every stage has; each stage type definition spreads these in. */
export function commonStageProperties(notificationDef = "stage-notification"): Record<string, JsonSchema> {
  return {
    id: patterned(
      STAGE_ID_PATTERN,
      "Unique id of the stage, used by `dependsOn` and `#stageByRefId` (Spinnaker: refId). Letters, digits, `_`, `.`, `-`. Defaults to a slug of `name`.",
      { examples: ["deploy-prod"] },
    ),
    name: str("Display name, used by `#stage('Name')` and `#judgment('Name')`. Defaults to `id`.", {
      examples: ["Deploy to production"],
    }),
    dependsOn: list(
      patterned(STAGE_ID_PATTERN, "The id of a stage that must finish first."),
      "Ids of the stages that must finish (SUCCEEDED, FAILED_CONTINUE or SKIPPED) before this one starts (Spinnaker: requisiteStageRefIds). Empty or absent: the stage starts with the pipeline.",
      { uniqueItems: true, examples: [["bake"]] },
    ),
    if: {
      type: ["string", "boolean"],
      description:
        "Run this stage only when this expression is true, evaluated just before it would start (Spinnaker: stageEnabled). False, a failure or a non-boolean result makes the stage SKIPPED. Quote it: an unquoted `#` starts a YAML comment.",
      examples: ["${ parameters.env == 'prod' }"],
    },
    onFailure: oneOfValues(
      ON_FAILURE,
      'What a failure of this stage does (Spinnaker: "If stage fails"): `haltPipeline` fails the pipeline (failPipeline), `haltBranch` stops only this branch, `haltBranchThenFailPipeline` stops this branch and fails the pipeline once the others finish (completeOtherBranchesThenFail), `ignore` continues as FAILED_CONTINUE (continuePipeline).',
      { default: "haltPipeline" },
    ),
    failOnFailedExpressions: flag(
      "Fail the stage (TERMINAL) if any expression in it failed or resolved to nothing (Spinnaker: failOnFailedExpressions).",
      { default: false },
    ),
    timeout: durationString(
      "Fail the stage if it runs longer than this (Spinnaker: stageTimeoutMs); then `onFailure` applies. Time spent waiting for an execution window does not count.",
      { examples: ["30m", "1h30m"] },
    ),
    window: ref("window"),
    notifications: list(
      ref(notificationDef),
      "Notifications for this stage's events (Spinnaker: notifications).",
    ),
    retryable: flag(
      "Resuming an interrupted pipeline may run this stage again from the start. Set it for idempotent `run` stages.",
      { default: false },
    ),
    comments: str("Free text shown with the stage (Spinnaker: comments). Not evaluated."),
    runsOn: {
      ...ref("runs-on"),
      description:
        "The runner of the GitHub job that runs this stage, instead of the pipeline's `runsOn` (a judgment's: its gate job). Stages of one job that set it must agree; `capstan run` ignores it.",
    },
  };
}

/** The `type` property of a known stage type. */
export function stageTypeProperty(type: string, description: string): JsonSchema {
  return { const: type, description };
}
