import { parseDuration } from "../../model/duration.js";
import type { LocalHealthCheck, LocalLaunchConfig } from "./protocol.js";

function durationMs(value: unknown, fallback: number, field: string, errors: string[]): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" && value >= 0) return value * 1000;
  if (typeof value === "string") {
    const ms = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) * 1000 : parseDuration(value);
    if (ms !== undefined) return ms;
  }
  errors.push(`healthCheck.${field} must be a duration like 1s or 500ms, got ${JSON.stringify(value)}`);
  return fallback;
}

function positiveInt(value: unknown, fallback: number, field: string, errors: string[]): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n === "number" && Number.isInteger(n) && n >= 1) return n;
  errors.push(`healthCheck.${field} must be a whole number >= 1, got ${JSON.stringify(value)}`);
  return fallback;
}

/**
 * The local provider's launch settings from a deploy cluster entry's plain data (`command`, `env`,
 * `healthCheck` with durations as written): defaults path `/`, interval 1s, timeout 1s, healthy
 * threshold 1, unhealthy threshold 3.
 */
export function toLaunchConfig(
  data: Record<string, unknown>,
): { config: LocalLaunchConfig } | { error: string } {
  const errors: string[] = [];
  const command = data.command;
  if (typeof command !== "string" || command.trim() === "") {
    return {
      error: "the local provider needs 'command' (the command each instance runs, e.g. node server.js)",
    };
  }
  const env: Record<string, string> = {};
  if (data.env && typeof data.env === "object") {
    for (const [k, v] of Object.entries(data.env as Record<string, unknown>)) env[k] = String(v);
  }
  const hc = (data.healthCheck && typeof data.healthCheck === "object" ? data.healthCheck : {}) as Record<
    string,
    unknown
  >;
  // Already converted (a clone copies a stored launch config): keep the numbers.
  const healthCheck: LocalHealthCheck = {
    path: typeof hc.path === "string" && hc.path.startsWith("/") ? hc.path : "/",
    intervalMs:
      typeof hc.intervalMs === "number" ? hc.intervalMs : durationMs(hc.interval, 1000, "interval", errors),
    timeoutMs:
      typeof hc.timeoutMs === "number" ? hc.timeoutMs : durationMs(hc.timeout, 1000, "timeout", errors),
    healthyThreshold: positiveInt(hc.healthyThreshold, 1, "healthyThreshold", errors),
    unhealthyThreshold: positiveInt(hc.unhealthyThreshold, 3, "unhealthyThreshold", errors),
  };
  if (typeof hc.port === "number") healthCheck.port = hc.port;
  if (errors.length > 0) return { error: errors.join("; ") };
  return { config: { command, env, healthCheck } };
}
