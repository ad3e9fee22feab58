import { keep, type Rule, secondsValue } from "../../import/stage-rules.js";
import { parseDuration } from "../../model/duration.js";
import type { StageCommon } from "../../model/types.js";
import { duration, num, str } from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { asString } from "../stage-fields.js";
import { waitStage } from "./wait-stage.js";

export interface WaitStage extends StageCommon<"wait"> {
  durationMs?: number;
}

/** Spinnaker's `waitTime` (seconds) as a Capstan duration; an expression stays `waitTime`. */
const waitTime: Rule = (value, path, ctx) => {
  if (typeof value === "string" && value.includes("${")) return { waitTime: value };
  const d = secondsValue(value, path, ctx);
  return d === undefined ? {} : { duration: d };
};

export const waitDefinition = defineStage({
  type: "wait",
  label: "Wait",
  description: "Wait a period of time before proceeding. A running wait can be skipped with `capstan skip`.",
  group: "core",
  icon: "wait",
  schema: {
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
  model(raw): Pick<WaitStage, "durationMs"> {
    const d = asString(raw.duration);
    const waitTimeMs = typeof raw.waitTime === "number" ? raw.waitTime * 1000 : undefined;
    return { durationMs: d !== undefined ? parseDuration(d) : waitTimeMs };
  },
  contextKeys: ["startTime", "skipRemainingWait"],
  import: { rules: { waitTime, skipWaitText: keep() } },
  docs: `Waits for \`duration\` (\`30s\`, \`5m\`, \`1h30m\`; or \`waitTime\` in seconds, as Spinnaker writes it).
\`capstan skip EXECUTION STAGE\` ends the remaining wait; the stage then SUCCEEDS (Spinnaker's
"Skip remaining wait") with \`waitSkipped: true\` in its context.

\`\`\`yaml
- id: soak
  type: wait
  dependsOn: [canary]
  duration: 15m
\`\`\``,
  handler: waitStage,
});
