import type { Clock } from "../engine/clock.js";
import type { ExecutionRecord, NotificationRecord, StageRecord } from "../engine/record.js";
import type { HttpClient, Notifier } from "../engine/services.js";
import type { Notification } from "../model/types.js";
import { checkTarget } from "../stages/webhook/webhook-http.js";

/** Orca's manual judgment `when` names, accepted beside Capstan's short ones. */
const ALIASES: Record<string, string> = {
  manualJudgment: "judgment.awaiting",
  manualJudgmentContinue: "judgment.continue",
  manualJudgmentStop: "judgment.stop",
  awaiting: "judgment.awaiting",
  continue: "judgment.continue",
  stop: "judgment.stop",
};

/** True when a notification's `when` list asks for this event. */
export function wants(notification: Pick<Notification, "when">, event: string): boolean {
  return notification.when.some((w) => w === event || ALIASES[w] === event);
}

/** The text sent when the notification has no message of its own for the event. */
export function defaultMessage(event: string, execution: ExecutionRecord, stage?: StageRecord): string {
  const p = `pipeline '${execution.pipeline}' (${execution.id})`;
  switch (event) {
    case "pipeline.starting":
      return `Starting ${p}`;
    case "pipeline.complete":
      return `Completed ${p}: ${execution.status}`;
    case "pipeline.failed":
      return `Failed ${p}: ${execution.status}`;
    case "judgment.awaiting": {
      const list = stage?.context.inputs;
      const inputs = Array.isArray(list) ? ` (${list.join(" | ")})` : "";
      const instructions =
        typeof stage?.context.instructions === "string" ? `: ${stage.context.instructions}` : "";
      return `Manual judgment '${stage?.name}' of ${p} awaits a decision${inputs}${instructions}`;
    }
    case "judgment.continue":
    case "judgment.stop":
      return `Manual judgment '${stage?.name}' of ${p}: ${String(stage?.context.judgmentStatus)}${stage?.context.judgmentInput ? ` (${String(stage.context.judgmentInput)})` : ""} by ${String(stage?.context.lastModifiedBy ?? "someone")}`;
    default:
      return `Stage '${stage?.name}' of ${p}: ${stage?.status}${stage?.error ? ` - ${stage.error}` : ""}`;
  }
}

function messageFor(n: Notification, event: string): string | undefined {
  const short = event.split(".").pop() ?? event;
  for (const key of [event, short, ...Object.keys(ALIASES).filter((k) => ALIASES[k] === event)]) {
    const m = n.message[key] as unknown;
    if (typeof m === "string") return m;
    if (m && typeof m === "object" && typeof (m as { text?: unknown }).text === "string")
      return (m as { text: string }).text;
  }
  return undefined;
}

export interface NotifierOptions {
  http: HttpClient;
  clock: Clock;
  /** Attempts per delivery (default 3), waiting 1 s, 2 s, 4 s ... between them. */
  attempts?: number;
  /** Lets notification URLs be loopback addresses (tests, local receivers). */
  allowLoopbackUrls?: boolean;
}

/**
 * Delivers `webhook` notifications (a JSON event) and `slack` ones (an incoming-webhook
 * `{text}`), retried; failures are returned as records, never thrown, so a pipeline never fails
 * because a notification did.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const attempts = Math.max(1, options.attempts ?? 3);
  return {
    async send({ event, execution, pipeline, stage, stageModel, render }) {
      const list = (stageModel ? stageModel.notifications : pipeline.notifications).filter((n) =>
        wants(n, event),
      );
      return Promise.all(
        list.map(async (n): Promise<NotificationRecord> => {
          const address = render(n.address);
          const template = messageFor(n, event);
          const text = template !== undefined ? render(template) : defaultMessage(event, execution, stage);
          const base = {
            event,
            type: n.type,
            address: n.address,
            time: options.clock.now(),
            stageRefId: stage?.refId,
          };
          if (n.type !== "webhook" && n.type !== "slack") {
            return {
              ...base,
              ok: false,
              attempts: 0,
              error: `${n.type} notifications are sent only when running on GitHub`,
            };
          }
          const allowLoopback = options.allowLoopbackUrls === true;
          const body =
            n.type === "slack"
              ? { text }
              : {
                  event,
                  message: text,
                  execution: { id: execution.id, pipeline: execution.pipeline, status: execution.status },
                  ...(stage
                    ? { stage: { id: stage.refId, name: stage.name, type: stage.type, status: stage.status } }
                    : {}),
                };
          let error = "";
          for (let attempt = 1; attempt <= attempts; attempt++) {
            try {
              // The webhook stage's checks: the name is resolved and every address must be public
              // (loopback only when allowed); the POST then connects to those addresses only. A
              // failed lookup sends nothing and counts as a failed attempt.
              const target = await checkTarget(options.http, address, allowLoopback);
              if (!target.ok && "refusal" in target)
                return { ...base, ok: false, attempts: attempt - 1, error: target.refusal };
              if (!target.ok) throw target.error;
              const res = await options.http.request({
                method: "POST",
                url: address,
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify(body),
                timeoutMs: 10_000,
                maxBodyBytes: 1 << 20,
                ...(target.addresses ? { addresses: target.addresses } : {}),
              });
              if (res.status < 300) return { ...base, ok: true, attempts: attempt };
              error = `HTTP ${res.status}`;
            } catch (e) {
              error = (e as Error).message;
            }
            if (attempt < attempts)
              await options.clock.sleepUntil(options.clock.now() + 1000 * 2 ** (attempt - 1));
          }
          return { ...base, ok: false, attempts, error };
        }),
      );
    },
  };
}
