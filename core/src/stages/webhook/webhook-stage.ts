import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import { parseDuration } from "../../model/duration.js";
import { isExpression, stageProblem } from "../checks.js";
import { readJsonPath } from "./json-path.js";
import { headersOf, responseView, type Sent, send, stageTarget } from "./webhook-http.js";

/** Orca's create task: retry every 10 s for at most 5 minutes (not changed by the stage timeout). */
const CREATE_RETRY_MS = 10_000;
const CREATE_TIMEOUT_MS = 5 * 60_000;
/** Orca's monitor task: poll every second for its first minute, then every 15 s; 1 h by default. */
const MONITOR_FAST_MS = 1_000;
const MONITOR_SLOW_MS = 15_000;
const MONITOR_TIMEOUT_MS = 60 * 60_000;
const DEFAULT_RETRY_CODES = [429];

type Webhook = Record<string, unknown>;

function codes(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number).filter(Number.isFinite);
  if (typeof value === "string")
    return value
      .split(",")
      .map((s) => Number(s.trim()))
      .filter(Number.isFinite);
  if (typeof value === "number") return [value];
  return [];
}

function statusList(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(",") : [];
  return items.map((s) => s.trim().toUpperCase()).filter((s) => s !== "");
}

function webhookOf(ctx: StageContext): Webhook {
  return (ctx.stage.context.webhook as Webhook | undefined) ?? {};
}

function methodOf(value: unknown, fallback: string): string {
  return typeof value === "string" && value.trim() !== "" ? value.trim().toUpperCase() : fallback;
}

/**
 * Resolves the status URL after a successful create, forcing the original scheme for the same
 * host. A statusUrlJsonPath that finds something other than a string (a list, a number, a map) is
 * an error, as in Orca (which reads it into a String).
 */
function statusUrl(
  ctx: StageContext,
  url: string,
  response: Webhook,
): string | undefined | { error: string } {
  const c = ctx.stage.context;
  const how = String(c.statusUrlResolution ?? "getMethod");
  let resolved: string | undefined;
  if (how === "locationHeader") {
    const headers = (response.headers ?? {}) as Record<string, string>;
    resolved = headers.location ?? headers.Location;
  } else if (how === "webhookResponse") {
    const path = String(c.statusUrlJsonPath ?? "");
    const found = readJsonPath(response.body, path);
    if (found.found && found.value != null && typeof found.value !== "string") {
      const text = JSON.stringify(found.value) ?? String(found.value);
      return {
        error: `statusUrlJsonPath ${path} resolved to ${text.length > 200 ? `${text.slice(0, 197)}...` : text}, not a URL (a string)`,
      };
    }
    resolved = found.found && typeof found.value === "string" ? found.value : undefined;
  } else resolved = url;
  if (!resolved) return undefined;
  try {
    const original = new URL(url);
    const target = new URL(resolved, url);
    if (target.host === original.host && target.protocol !== original.protocol)
      target.protocol = original.protocol;
    return target.toString();
  } catch {
    return undefined;
  }
}

async function create(ctx: StageContext): Promise<TaskResult> {
  const c = ctx.stage.context;
  const now = ctx.now();
  const startedAt = Number(c.createStartedAt ?? now);
  const url = typeof c.url === "string" ? c.url.trim() : "";
  if (!url) return { status: "TERMINAL", error: "webhook stage needs a 'url'" };
  const target = await stageTarget(ctx, url);
  if (!target.ok && "refusal" in target)
    return {
      status: "TERMINAL",
      error: `webhook URL refused: ${target.refusal}`,
      context: { createStartedAt: startedAt },
    };
  const method = methodOf(c.method, "POST");
  const sent: Sent = target.ok
    ? await send(ctx, method, url, headersOf(c.customHeaders), c.payload, target.addresses)
    : { ok: false, error: target.error };
  const base = { createStartedAt: startedAt };
  const retry = (why: string): TaskResult =>
    now - startedAt + CREATE_RETRY_MS > CREATE_TIMEOUT_MS
      ? { status: "TERMINAL", error: `${why}; gave up after 5 minutes of retries`, context: base }
      : {
          status: "RUNNING",
          pollAfterMs: CREATE_RETRY_MS,
          waitingFor: `${why}; retrying in 10 s`,
          context: base,
        };
  if (!sent.ok) {
    const kind = sent.error.kind;
    const webhook = { ...webhookOf(ctx), error: sent.error.message };
    if (kind === "unknown-host" || (kind === "timeout" && method === "GET")) {
      const r = retry(`webhook request failed: ${sent.error.message}`);
      return { ...r, context: { ...r.context, webhook } };
    }
    return {
      status: "TERMINAL",
      error: `webhook request failed: ${sent.error.message}`,
      context: { ...base, webhook },
    };
  }
  const res = sent.response;
  const view = responseView(res);
  if (res.status >= 400) {
    const webhook = { ...view, error: `The webhook request failed with status ${res.status}` };
    const failFast = "failFastStatusCodes" in c ? codes(c.failFastStatusCodes) : [504];
    if (failFast.includes(res.status)) {
      return {
        status: "TERMINAL",
        error: `webhook returned ${res.status}, a fail-fast status code`,
        context: { ...base, webhook },
      };
    }
    const retryable = [
      ...DEFAULT_RETRY_CODES,
      ...codes(c.webhookRetryStatusCodes),
      ...codes(c.retryStatusCodes),
    ];
    if (res.status >= 500 || retryable.includes(res.status)) {
      const r = retry(`webhook returned ${res.status}`);
      return { ...r, context: { ...r.context, webhook } };
    }
    return { status: "TERMINAL", error: `webhook returned ${res.status}`, context: { ...base, webhook } };
  }
  if (c.waitForCompletion !== true && c.waitForCompletion !== "true") {
    return { status: "SUCCEEDED", context: { ...base, webhook: view } };
  }
  const endpoint = statusUrl(ctx, url, view);
  if (typeof endpoint === "object")
    return { status: "TERMINAL", error: endpoint.error, context: { ...base, webhook: view } };
  if (!endpoint) {
    return {
      status: "TERMINAL",
      error: "The status URL couldn't be resolved, but 'Wait for completion' was checked",
      context: { ...base, webhook: view },
    };
  }
  const webhook = { ...view, statusEndpoint: endpoint };
  // A duration ("30s"), or seconds as Orca's waitBeforeMonitor is.
  const rawWait = c.waitBeforeMonitor;
  const wait =
    typeof rawWait === "string" && !/^\d+(\.\d+)?$/.test(rawWait.trim())
      ? (parseDuration(rawWait) ?? 0) / 1000
      : Number(rawWait ?? 0);
  if (wait > 0) {
    return {
      status: "RUNNING",
      pollAfterMs: wait * 1000,
      waitingFor: `${wait} s before monitoring`,
      context: {
        ...base,
        webhook,
        statusEndpoint: endpoint,
        webhookPhase: "monitor",
        monitorStartedAt: now + wait * 1000,
      },
    };
  }
  return {
    status: "RUNNING",
    pollAfterMs: 0,
    waitingFor: `status from ${endpoint}`,
    context: { ...base, webhook, statusEndpoint: endpoint, webhookPhase: "monitor", monitorStartedAt: now },
  };
}

async function monitor(ctx: StageContext): Promise<TaskResult> {
  const c = ctx.stage.context;
  const now = ctx.now();
  const webhook = webhookOf(ctx);
  const previous = (webhook.monitor ?? {}) as Webhook;
  const pastStatusCodes = codes(previous.pastStatusCodes);
  const startedAt = Number(c.monitorStartedAt ?? now);
  const every = now - startedAt < 60_000 ? MONITOR_FAST_MS : MONITOR_SLOW_MS;
  const endpoint = String(c.statusEndpoint ?? c.url ?? "").trim();
  const keep = (monitorView: Webhook, why: string): TaskResult => ({
    status: "RUNNING",
    pollAfterMs: every,
    waitingFor: why,
    context: { webhook: { ...webhook, monitor: monitorView } },
  });
  const fail = async (monitorView: Webhook, error: string, status: "TERMINAL" | "CANCELED" = "TERMINAL") => {
    await sendCancel(ctx);
    return { status, error, context: { webhook: { ...webhook, monitor: monitorView } } } as TaskResult;
  };
  const target = await stageTarget(ctx, endpoint);
  if (!target.ok && "refusal" in target) return fail(previous, `status URL refused: ${target.refusal}`);
  const sent: Sent = target.ok
    ? await send(ctx, "GET", endpoint, headersOf(c.customHeaders), undefined, target.addresses)
    : { ok: false, error: target.error };
  if (!sent.ok) {
    const monitorView = { ...previous, error: sent.error.message };
    if (sent.error.kind === "unknown-host" || sent.error.kind === "timeout") {
      return keep(monitorView, `status (last: ${sent.error.message})`);
    }
    return fail(monitorView, `status request failed: ${sent.error.message}`);
  }
  const res = sent.response;
  const view: Webhook = { ...previous, ...responseView(res) };
  if (res.status >= 400) {
    // A retried status is remembered in pastStatusCodes; the one that ends the retries is not (Orca).
    const retried = { ...view, pastStatusCodes: [...pastStatusCodes, res.status] };
    const limits = (c.retries ?? {}) as Record<string, { maxAttempts?: number }>;
    const limit = limits[String(res.status)]?.maxAttempts;
    if (limit !== undefined) {
      const seen = pastStatusCodes.filter((code) => code === res.status).length;
      return seen < limit
        ? keep(retried, `status (last: HTTP ${res.status})`)
        : fail(view, `status URL returned ${res.status} too often`);
    }
    if (res.status >= 500 || [...DEFAULT_RETRY_CODES, ...codes(c.retryStatusCodes)].includes(res.status)) {
      return keep(retried, `status (last: HTTP ${res.status})`);
    }
    return fail(view, `status URL returned ${res.status}`);
  }
  const statusPath = typeof c.statusJsonPath === "string" ? c.statusJsonPath.trim() : "";
  if (!statusPath) return { status: "SUCCEEDED", context: { webhook: { ...webhook, monitor: view } } };
  if (typeof c.progressJsonPath === "string" && c.progressJsonPath.trim()) {
    const progress = readJsonPath(view.body, c.progressJsonPath);
    if (!progress.found || typeof progress.value !== "string") {
      return fail(view, `progressJsonPath ${c.progressJsonPath} did not resolve to a string`);
    }
    view.progressMessage = progress.value;
  }
  const found = readJsonPath(view.body, statusPath);
  if (!found.found) return fail(view, `statusJsonPath ${statusPath} was not found in the status response`);
  const value = found.value;
  view.resolvedValue = value;
  if (typeof value === "number") {
    view.percentComplete = value;
    if (value === 100) return { status: "SUCCEEDED", context: { webhook: { ...webhook, monitor: view } } };
    return keep(view, `status (${value} % complete)`);
  }
  if (typeof value !== "string" && typeof value !== "boolean") {
    return fail(
      view,
      `statusJsonPath ${statusPath} resolved to ${JSON.stringify(value)}, not a string, number or boolean`,
    );
  }
  if (c.successStatuses === undefined || c.successStatuses === null) {
    return fail(view, "statusJsonPath is set but successStatuses is not");
  }
  // Later lists win for a status named in several, as in Orca's map.
  const mapping = new Map<string, "SUCCEEDED" | "CANCELED" | "TERMINAL">();
  for (const s of statusList(c.successStatuses)) mapping.set(s, "SUCCEEDED");
  for (const s of statusList(c.canceledStatuses)) mapping.set(s, "CANCELED");
  for (const s of statusList(c.terminalStatuses)) mapping.set(s, "TERMINAL");
  const mapped = mapping.get(String(value).toUpperCase());
  if (mapped === "SUCCEEDED")
    return { status: "SUCCEEDED", context: { webhook: { ...webhook, monitor: view } } };
  if (mapped) return fail(view, `webhook status is ${String(value)}`, mapped);
  return keep(
    view,
    `status (now ${String(value)}${view.progressMessage ? `: ${view.progressMessage}` : ""})`,
  );
}

/** Orca's best-effort cancel call (`cancelEndpoint`), on cancel and after a failure. */
async function sendCancel(ctx: StageContext): Promise<void> {
  const c = ctx.stage.context;
  if (typeof c.cancelEndpoint !== "string" || c.cancelEndpoint.trim() === "") return;
  const url = c.cancelEndpoint.trim();
  const target = await stageTarget(ctx, url);
  if (!target.ok && "refusal" in target) return;
  const sent: Sent = target.ok
    ? await send(
        ctx,
        methodOf(c.cancelMethod, "POST"),
        url,
        headersOf(c.customHeaders),
        c.cancelPayload,
        target.addresses,
      )
    : { ok: false, error: target.error };
  ctx.log(
    `[capstan] cancel request to ${url}: ${sent.ok ? `HTTP ${sent.response.status}` : sent.error.message}\n`,
  );
}

async function poll(ctx: StageContext): Promise<TaskResult> {
  return ctx.stage.context.webhookPhase === "monitor" ? monitor(ctx) : create(ctx);
}

/** `webhook`: Orca's create / wait / monitor / cancel contract. */
export const webhookStage: StageHandler = {
  type: "webhook",
  defaultTimeoutMs: MONITOR_TIMEOUT_MS,
  start: (ctx) => (ctx.stage.context.monitorOnly === true ? monitorOnly(ctx) : create(ctx)),
  poll,
  // A request in flight at a crash may or may not have reached the server; Orca's tasks are
  // retried the same way, so the current phase simply runs again.
  resume: poll,
  cancel: (ctx) => sendCancel(ctx),
  check(stage) {
    const c = stage.config;
    const out = [];
    if (typeof c.url !== "string" || c.url.trim() === "")
      out.push(stageProblem(stage, "type", "webhook-url-missing", "A webhook stage needs a 'url'."));
    else if (!isExpression(c.url) && !URL.canParse(c.url))
      out.push(stageProblem(stage, "url", "webhook-url-invalid", `'${c.url}' is not an absolute URL.`));
    const how = c.statusUrlResolution;
    if (how !== undefined && !["getMethod", "locationHeader", "webhookResponse"].includes(String(how))) {
      out.push(
        stageProblem(
          stage,
          "statusUrlResolution",
          "webhook-status-url-resolution",
          "statusUrlResolution is getMethod, locationHeader or webhookResponse.",
        ),
      );
    }
    if (how === "webhookResponse" && typeof c.statusUrlJsonPath !== "string") {
      out.push(
        stageProblem(
          stage,
          "statusUrlResolution",
          "webhook-status-url-path-missing",
          "statusUrlResolution webhookResponse needs 'statusUrlJsonPath'.",
        ),
      );
    }
    if (typeof c.statusJsonPath === "string" && c.successStatuses === undefined) {
      out.push(
        stageProblem(
          stage,
          "statusJsonPath",
          "webhook-success-statuses-missing",
          "With 'statusJsonPath', list the 'successStatuses' (Orca fails the stage otherwise).",
        ),
      );
    }
    return out;
  },
};

function monitorOnly(ctx: StageContext): TaskResult {
  const c = ctx.stage.context;
  const endpoint = String(c.statusEndpoint ?? c.url ?? "");
  return {
    status: "RUNNING",
    pollAfterMs: 0,
    waitingFor: `status from ${endpoint}`,
    context: { webhookPhase: "monitor", statusEndpoint: endpoint, monitorStartedAt: ctx.now() },
  };
}
