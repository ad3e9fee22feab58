import { asBoolean, asSeconds, drop, keep, type Rule } from "../../import/stage-rules.js";
import type { StageCommon } from "../../model/types.js";
import { anyValue, bool, duration, list, map, object, oneOfValues, str } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { asString } from "../stage-fields.js";
import { webhookStage } from "./webhook-stage.js";

export interface WebhookStage extends StageCommon<"webhook"> {
  url: string;
  method: string;
}

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

const WEBHOOK_FIELDS = [
  "url",
  "method",
  "customHeaders",
  "payload",
  "failFastStatusCodes",
  "webhookRetryStatusCodes",
  "retryStatusCodes",
  "retries",
  "waitForCompletion",
  "monitorOnly",
  "statusUrlResolution",
  "statusEndpoint",
  "statusUrlJsonPath",
  "statusJsonPath",
  "progressJsonPath",
  "successStatuses",
  "canceledStatuses",
  "terminalStatuses",
  "waitBeforeMonitor",
  "cancelEndpoint",
  "cancelMethod",
  "cancelPayload",
];

const upper: Rule = (value, path) => {
  const key = path.slice(path.lastIndexOf(".") + 1);
  return typeof value === "string" && value !== ""
    ? { [key]: value.includes("${") ? value : value.toUpperCase() }
    : {};
};

const webhookRules: Record<string, Rule> = Object.fromEntries(
  WEBHOOK_FIELDS.map((f): [string, Rule] => {
    if (f === "waitForCompletion" || f === "monitorOnly") return [f, asBoolean()];
    if (f === "waitBeforeMonitor") return [f, asSeconds("waitBeforeMonitor")];
    if (f === "method" || f === "cancelMethod") return [f, upper];
    return [f, keep()];
  }),
);
webhookRules.signalCancellation = drop(
  "a deck-only switch; Capstan cancels when cancelEndpoint is set, as Orca does",
);

export const webhookDefinition = defineStage({
  type: "webhook",
  label: "Webhook",
  description:
    "Call an HTTP endpoint; 2xx/3xx succeeds, 5xx and 429 are retried every 10 s for 5 min. With `waitForCompletion`, poll a status URL until its status maps to success, canceled or terminal. The response is in `#stage('Name').context.webhook`.",
  group: "core",
  icon: "webhook",
  schema: {
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
            minimum: 0,
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
  model(raw): Pick<WebhookStage, "url" | "method"> {
    return {
      url: asString(raw.url) ?? "",
      method: (asString(raw.method) ?? "POST").toUpperCase(),
    };
  },
  contextKeys: ["webhook", "buildInfo"],
  import: { rules: webhookRules },
  docs: `Orca's webhook stage:

- **Create**: sends \`method\` (default POST) to \`url\` with \`customHeaders\` (Spinnaker's internal
  \`X-SPINNAKER-*\` headers are dropped) and \`payload\` as JSON. 2xx/3xx => success. A status in
  \`failFastStatusCodes\` (default \`[504]\`) => TERMINAL at once; 5xx, 429 and
  \`webhookRetryStatusCodes\` (or \`retryStatusCodes\`) => retried every 10 s for 5 minutes; other
  codes => TERMINAL. An unknown host is retried; a timeout is retried for GET only.
- Without \`waitForCompletion\` the stage then SUCCEEDS. With it, the status URL comes from
  \`statusUrlResolution\`: \`getMethod\` (the \`url\` itself), \`locationHeader\`, or \`webhookResponse\`
  (\`statusUrlJsonPath\` in the body); same host with another scheme keeps the original scheme.
- **Monitor** (after \`waitBeforeMonitor\`): GET the status URL every second for a minute, then
  every 15 s, for at most an hour (or the stage's \`timeout\`). HTTP errors: \`retries\` per code,
  5xx/429/\`retryStatusCodes\` keep polling (codes kept in \`monitor.pastStatusCodes\`), others are
  TERMINAL. No \`statusJsonPath\` => the first successful response succeeds. Otherwise the value at
  \`statusJsonPath\`: a number is a percentage (100 succeeds); a text or boolean is matched, case
  insensitively, against \`successStatuses\`, \`canceledStatuses\`, \`terminalStatuses\`
  (comma-separated or lists); an unknown value keeps polling. \`progressJsonPath\` must be text
  and is shown as progress.
- **Cancel**: when the stage is canceled or fails, \`cancelMethod\` (default POST)
  \`cancelEndpoint\` with \`cancelPayload\` is called, best effort.
- The result is in the stage's context as \`webhook\`: \`statusCode\`, \`headers\`, \`body\` (parsed
  when JSON), \`statusEndpoint\`, \`error\`, and \`monitor\` with the same plus \`resolvedValue\`,
  \`percentComplete\`, \`progressMessage\`, \`pastStatusCodes\`. Read it below with
  \`#stage('Name').context.webhook.body\`.
- URLs are restricted as in Orca (see "URLs" in [running.md](running.md)).

JsonPath: \`$.a.b\`, \`$['a b']\`, \`$.list[0]\`, \`$.list[*].x\`, \`$..x\`.

\`\`\`yaml
- id: trigger-build
  type: webhook
  url: https://ci.example.com/api/builds
  payload: { ref: "\${ trigger.sha }" }
  waitForCompletion: true
  statusUrlResolution: locationHeader
  statusJsonPath: $.state
  progressJsonPath: $.message
  successStatuses: SUCCESS
  terminalStatuses: FAILED, ERROR
  canceledStatuses: ABORTED
  cancelEndpoint: https://ci.example.com/api/builds/cancel
\`\`\``,
  handler: webhookStage,
});
