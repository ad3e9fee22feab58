import type { ImportContext } from "./context.js";
import { childPath, isRecord, show } from "./json-path.js";

// Spinnaker notification types Capstan can send; the rest (hipchat, sms, pubsub, googlechat,
// microsoftteams, bearychat, githubStatus, cdevents ...) have no Capstan channel.
const TYPES: Record<string, string> = { slack: "slack", email: "email" };

// Manual judgment states (deck whenOptions.ts) and Capstan's names for them.
const JUDGMENT_WHEN: Record<string, string> = {
  manualJudgment: "awaiting",
  manualJudgmentContinue: "continue",
  manualJudgmentStop: "stop",
};

export type NotificationLevel = "pipeline" | "stage" | "judgment";

/**
 * Converts a `notifications` list. For a manual judgment, `sendNotifications` decides whether the
 * continue/stop notifications are sent at all (Orca ManualJudgmentStage: only "awaiting" is sent
 * without it), so those are dropped when it is not true.
 */
export function convertNotifications(
  list: unknown,
  path: string,
  level: NotificationLevel,
  ctx: ImportContext,
  sendNotifications?: unknown,
): Record<string, unknown>[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    ctx.note(path, "dropped", "notifications is not a list");
    return [];
  }
  const out: Record<string, unknown>[] = [];
  list.forEach((raw, i) => {
    const nPath = childPath(path, i);
    if (!isRecord(raw)) {
      ctx.note(nPath, "dropped", "not a notification object");
      return;
    }
    const type = typeof raw.type === "string" ? TYPES[raw.type] : undefined;
    if (!type) {
      ctx.note(
        nPath,
        "unsupported",
        `notification type ${show(raw.type)} has no Capstan equivalent (slack, email, webhook, github-comment); dropped`,
      );
      return;
    }
    const n: Record<string, unknown> = { type };
    if (raw.address !== undefined) n.address = raw.address;
    const when: string[] = [];
    const whenPath = childPath(nPath, "when");
    if (Array.isArray(raw.when)) {
      raw.when.forEach((w, j) => {
        const mapped = mapWhen(w, level);
        if (mapped === undefined) {
          ctx.note(
            childPath(whenPath, j),
            "dropped",
            `${show(w)} is not a ${level === "judgment" ? "manual judgment" : level} event`,
          );
        } else if (level === "judgment" && mapped !== "awaiting" && sendNotifications !== true) {
          ctx.note(
            childPath(whenPath, j),
            "dropped",
            `sendNotifications is not true, so Orca never sent the ${mapped} notification`,
          );
        } else if (!when.includes(mapped)) when.push(mapped);
      });
    }
    if (when.length === 0) {
      ctx.note(nPath, "dropped", "no event left to notify on");
      return;
    }
    n.when = when;
    if (raw.message !== undefined) {
      const message = convertMessage(raw.message, childPath(nPath, "message"), level, ctx);
      if (Object.keys(message).length) n.message = message;
    }
    for (const key of Object.keys(raw)) {
      if (["type", "address", "when", "message"].includes(key)) continue;
      // `level` only repeats where the notification sits.
      if (key === "level" && (raw.level === level || (level === "judgment" && raw.level === "stage")))
        continue;
      ctx.note(childPath(nPath, key), "dropped", `${key} ${show(raw[key])} has no Capstan equivalent`);
    }
    out.push(n);
  });
  return out;
}

function mapWhen(w: unknown, level: NotificationLevel): string | undefined {
  if (typeof w !== "string") return undefined;
  if (level === "judgment") {
    if (w in JUDGMENT_WHEN) return JUDGMENT_WHEN[w];
    return ["awaiting", "continue", "stop"].includes(w) ? w : undefined;
  }
  return new RegExp(`^${level}\\.(starting|complete|failed)$`).test(w) ? w : undefined;
}

/** `{ "pipeline.failed": { "text": "..." } }` -> `{ "pipeline.failed": "..." }`. */
function convertMessage(
  raw: unknown,
  path: string,
  level: NotificationLevel,
  ctx: ImportContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(raw)) {
    ctx.note(path, "dropped", "message is not a map of event to {text}");
    return out;
  }
  for (const [event, body] of Object.entries(raw)) {
    const ePath = childPath(path, event);
    const key = mapWhen(event, level);
    const text = isRecord(body) ? body.text : body;
    if (key === undefined) ctx.note(ePath, "dropped", `${show(event)} is not a ${level} event`);
    else if (typeof text !== "string") ctx.note(ePath, "dropped", "no message text");
    else if (text !== "") out[key] = text;
  }
  return out;
}
