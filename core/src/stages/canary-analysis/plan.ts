// How a canary analysis is split into runs, as Orca's kayentaCanary stage plans them
// (shared/notes/KAYENTA-AND-KUBERNETES.md §2.5, ORCA-SEMANTICS.md §11), in milliseconds instead of
// Orca's whole minutes so a test can analyse for seconds:
//   - lifetime = endTime - (startTime ?? now) when endTime is set, else the configured lifetime;
//   - interval = the configured one, or the lifetime when unset, zero or longer than the lifetime;
//   - runs = floor(lifetime / interval);
//   - real time (no endTime): a warm-up wait, then run i after one more interval, over the growing
//     window [T0 + warmup, T0 + warmup + i·interval] (T0 = startTime ?? now);
//   - with endTime: the windows [start, start + i·interval], no warm-up, no waits;
//   - lookback > 0 slides the window: start = end - lookback;
//   - the control window is shifted back by baselineAnalysisOffset.
import { isoDurationSeconds } from "../../import/duration.js";
import { parseDuration } from "../../model/duration.js";

export interface ScoreThresholds {
  marginal: number;
  pass: number;
}

export interface CanarySettings {
  lifetimeMs?: number;
  intervalMs?: number;
  warmupMs: number;
  lookbackMs: number;
  baselineOffsetMs: number;
  stepSeconds: number;
  startTime?: number;
  endTime?: number;
  thresholds: ScoreThresholds;
}

export interface Window {
  start: number;
  end: number;
}

export interface PlannedRun {
  /** 1-based, as Orca's "Run Canary #i". */
  index: number;
  /** When the run may query (epoch ms): its window has passed. */
  due: number;
  control: Window;
  experiment: Window;
}

export interface CanaryPlan {
  realTime: boolean;
  lifetimeMs: number;
  intervalMs: number;
  warmupMs: number;
  runs: PlannedRun[];
}

/** A duration field: a Capstan duration (`90s`), or a number of `unitMs` (Orca's minutes). */
function durationMs(value: unknown, unitMs: number, field: string): number | undefined | { error: string } {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value * unitMs;
  if (typeof value === "string") {
    const t = value.trim();
    if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * unitMs;
    const d = parseDuration(t);
    if (d !== undefined) return d;
    const iso = isoDurationSeconds(t);
    if (iso !== undefined) return iso * 1000;
  }
  return { error: `'${field}' must be a duration like 30s, 5m or 1h; got ${JSON.stringify(value)}` };
}

function timeMs(value: unknown, field: string): number | undefined | { error: string } {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  return { error: `'${field}' must be an ISO-8601 time; got ${JSON.stringify(value)}` };
}

function thresholdValue(value: unknown, fallback: number, field: string): number | { error: string } {
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= 100) return n;
  return { error: `'scoreThresholds.${field}' must be a number from 0 to 100; got ${JSON.stringify(value)}` };
}

const MINUTE = 60_000;

/**
 * The stage's timing and thresholds from its evaluated context. Capstan's fields (`lifetime`,
 * `interval`, `warmup`, `lookback`, `baselineAnalysisOffset`, `step`) and Orca's
 * (`lifetimeDuration`, `lifetimeHours`, `canaryAnalysisIntervalMins`, `beginCanaryAnalysisAfterMins`,
 * `lookbackMins`, `baselineAnalysisOffsetInMins`) are both read; Capstan's win.
 */
export function readSettings(c: Record<string, unknown>): CanarySettings | { error: string } {
  const scopes = (c.scopes ?? {}) as Record<string, unknown>;
  const fields = {
    lifetimeMs:
      durationMs(c.lifetime, MINUTE, "lifetime") ??
      durationMs(c.lifetimeDuration, MINUTE, "lifetimeDuration") ??
      durationMs(c.lifetimeHours, 3_600_000, "lifetimeHours"),
    intervalMs:
      durationMs(c.interval, MINUTE, "interval") ??
      durationMs(c.canaryAnalysisIntervalMins, MINUTE, "canaryAnalysisIntervalMins"),
    warmupMs:
      durationMs(c.warmup, MINUTE, "warmup") ??
      durationMs(c.beginCanaryAnalysisAfterMins, MINUTE, "beginCanaryAnalysisAfterMins") ??
      0,
    lookbackMs:
      durationMs(c.lookback, MINUTE, "lookback") ?? durationMs(c.lookbackMins, MINUTE, "lookbackMins") ?? 0,
    baselineOffsetMs:
      durationMs(c.baselineAnalysisOffset, MINUTE, "baselineAnalysisOffset") ??
      durationMs(c.baselineAnalysisOffsetInMins, MINUTE, "baselineAnalysisOffsetInMins") ??
      0,
    stepMs: durationMs(c.step, 1000, "step") ?? durationMs(scopes.step, 1000, "scopes.step") ?? 60_000,
    startTime: timeMs(c.startTime, "startTime"),
    endTime: timeMs(c.endTime, "endTime"),
  };
  for (const v of Object.values(fields)) if (typeof v === "object") return v;
  const t = (c.scoreThresholds ?? {}) as Record<string, unknown>;
  const marginal = thresholdValue(t.marginal, 50, "marginal");
  if (typeof marginal === "object") return marginal;
  const pass = thresholdValue(t.pass, 75, "pass");
  if (typeof pass === "object") return pass;
  const f = fields as { [K in keyof typeof fields]: Exclude<(typeof fields)[K], { error: string }> };
  const stepSeconds = Math.max(1, Math.round((f.stepMs ?? 60_000) / 1000));
  return {
    lifetimeMs: f.lifetimeMs,
    intervalMs: f.intervalMs,
    warmupMs: f.warmupMs ?? 0,
    lookbackMs: f.lookbackMs ?? 0,
    baselineOffsetMs: f.baselineOffsetMs ?? 0,
    stepSeconds,
    startTime: f.startTime,
    endTime: f.endTime,
    thresholds: { marginal, pass },
  };
}

/** Orca's plan of the runs, made once when the stage starts (`now`). */
export function planRuns(s: CanarySettings, now: number): CanaryPlan | { error: string } {
  const realTime = s.endTime === undefined;
  let lifetimeMs: number;
  if (s.endTime !== undefined) lifetimeMs = s.endTime - (s.startTime ?? now);
  else if (s.lifetimeMs !== undefined) lifetimeMs = s.lifetimeMs;
  else return { error: "a canary analysis needs either 'endTime' or 'lifetime'" };
  if (!(lifetimeMs > 0)) return { error: `the canary lifetime must be positive; it is ${lifetimeMs} ms` };
  const intervalMs =
    s.intervalMs === undefined || s.intervalMs <= 0 || s.intervalMs > lifetimeMs ? lifetimeMs : s.intervalMs;
  const count = Math.floor(lifetimeMs / intervalMs);
  const warmupMs = realTime ? s.warmupMs : 0;
  const t0 = s.startTime ?? now;
  const runs: PlannedRun[] = [];
  for (let i = 1; i <= count; i++) {
    const start = t0 + warmupMs;
    const end = start + i * intervalMs;
    const from = s.lookbackMs > 0 ? end - s.lookbackMs : start;
    runs.push({
      index: i,
      due: realTime ? now + warmupMs + i * intervalMs : now,
      experiment: { start: from, end },
      control: { start: from - s.baselineOffsetMs, end: end - s.baselineOffsetMs },
    });
  }
  return { realTime, lifetimeMs, intervalMs, warmupMs, runs };
}

/**
 * What a run's score means for the stage, as Orca's monitor and aggregate tasks decide: at or
 * below `marginal` fails (and stops the canary early); below `pass` fails as Marginal at the end;
 * otherwise Pass. (The judge itself calls a score equal to `marginal` Marginal; Orca fails it.)
 */
export function classifyScore(score: number, t: ScoreThresholds): "Pass" | "Marginal" | "Fail" {
  if (score <= t.marginal) return "Fail";
  if (score < t.pass) return "Marginal";
  return "Pass";
}
