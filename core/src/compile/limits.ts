import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { durationInWords } from "../model/duration.js";
import type { ExecutionWindow, Pipeline, Stage } from "../model/types.js";
import { WEEKDAYS } from "../model/types.js";
import type { SegmentPlan } from "./plan.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** GitHub-hosted runners stop a job after 6 hours. */
export const MAX_JOB_MS = 6 * HOUR;
/** An environment approval fails after 30 days. */
export const MAX_APPROVAL_MS = 30 * DAY;
/** A workflow run is cancelled after 35 days, waiting for approvals included. */
export const MAX_RUN_MS = 35 * DAY;

const WEEK_MINUTES = 7 * 1440;

/** The longest a stage may wait for its execution window (plus jitter), in ms; 0 without a window. */
export function worstWindowWaitMs(window: ExecutionWindow | undefined): number {
  if (!window) return 0;
  const open = new Uint8Array(WEEK_MINUTES);
  const days = window.days.length > 0 ? window.days : WEEKDAYS;
  for (const day of days) {
    const base = WEEKDAYS.indexOf(day) * 1440;
    const ranges = window.ranges.length > 0 ? window.ranges : [{ start: "00:00", end: "23:59" }];
    for (const r of ranges) {
      const start = minuteOf(r.start);
      const end = minuteOf(r.end);
      // start > end wraps past midnight into the next day.
      const length = end >= start ? end - start + 1 : 1440 - start + end + 1;
      for (let m = 0; m < length; m++) open[(base + start + m) % WEEK_MINUTES] = 1;
    }
  }
  if (!open.includes(1)) return Number.POSITIVE_INFINITY;
  let longest = 0;
  let run = 0;
  // Twice round the week so a closed stretch across Saturday to Sunday is measured whole.
  for (let i = 0; i < 2 * WEEK_MINUTES; i++) {
    run = open[i % WEEK_MINUTES] ? 0 : run + 1;
    longest = Math.max(longest, run);
  }
  return Math.min(longest, WEEK_MINUTES) * 60_000 + (window.jitter?.maxMs ?? 0);
}

function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h || 0) * 60 + (m || 0);
}

interface Bound {
  /** From declared timeouts and waits. */
  declared: number;
  /** Worst-case window wait. */
  window: number;
  /** The field to point at. */
  span: Span;
  what: string;
}

function stageBound(stage: Stage, onRunner: boolean): Bound {
  const fields = stage.source.fields;
  const window = worstWindowWaitMs(stage.window);
  const isJudgment = stage.type === "manualJudgment";
  // A judgment waits for approval without a runner: it costs the run time, not the job time.
  const duration = isJudgment && onRunner ? undefined : (stage.timeoutMs ?? waitDuration(stage));
  const field = stage.timeoutMs !== undefined ? "timeout" : fields.duration ? "duration" : "waitTime";
  const span = duration
    ? (fields[field]?.value ?? stage.source.span)
    : (fields.window?.key ?? stage.source.span);
  const what =
    duration !== undefined
      ? `${stage.id} (${field} ${durationInWords(duration)})`
      : window > 0
        ? `${stage.id} (window wait up to ${durationInWords(window)})`
        : stage.id;
  return { declared: duration ?? 0, window, span, what };
}

function waitDuration(stage: Stage): number | undefined {
  return stage.type === "wait" ? (stage as { durationMs?: number }).durationMs : undefined;
}

/** The longest path through `stages` by a bound; returns its stages and totals. */
function longestPath(
  pipeline: Pipeline,
  stages: ReadonlySet<string>,
  onRunner: boolean,
): { path: Stage[]; bounds: Bound[]; declared: number; total: number } {
  const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
  const memo = new Map<string, { total: number; declared: number; path: string[] }>();
  const visit = (id: string, depth: number): { total: number; declared: number; path: string[] } => {
    const known = memo.get(id);
    if (known) return known;
    const stage = byId.get(id)!;
    const b = stageBound(stage, onRunner);
    let best = { total: 0, declared: 0, path: [] as string[] };
    if (depth < pipeline.stages.length) {
      for (const dep of stage.dependsOn) {
        if (!stages.has(dep) || !byId.has(dep)) continue;
        const r = visit(dep, depth + 1);
        if (r.total > best.total || (r.total === best.total && r.declared > best.declared)) best = r;
      }
    }
    const result = {
      total: best.total + b.declared + b.window,
      declared: best.declared + b.declared,
      path: [...best.path, id],
    };
    memo.set(id, result);
    return result;
  };
  let best = { total: 0, declared: 0, path: [] as string[] };
  for (const id of stages) {
    const r = visit(id, 0);
    if (r.total > best.total || (r.total === best.total && r.declared > best.declared)) best = r;
  }
  const path = best.path.map((id) => byId.get(id)!);
  return {
    path,
    bounds: path.map((s) => stageBound(s, onRunner)),
    declared: best.declared,
    total: best.total,
  };
}

function overLimit(
  code: string,
  limit: number,
  limitText: string,
  where: string,
  result: ReturnType<typeof longestPath>,
  advice: string,
): Diagnostic[] {
  if (result.total <= limit) return [];
  const severity = result.declared > limit ? "error" : "warning";
  // Point at the stage whose bound carries the total past the limit.
  let sum = 0;
  let culprit = result.bounds[result.bounds.length - 1];
  for (const b of result.bounds) {
    sum += severity === "error" ? b.declared : b.declared + b.window;
    if (sum > limit) {
      culprit = b;
      break;
    }
  }
  const amount = severity === "error" ? result.declared : result.total;
  const chain = result.bounds
    .filter((b) => b.declared > 0 || b.window > 0)
    .map((b) => b.what)
    .join(" -> ");
  const may = severity === "error" ? "" : " if it starts outside its execution window";
  return [
    {
      code,
      severity,
      message: `${where} may take up to ${durationInWords(amount)}${may} (${chain}), more than GitHub's ${limitText}. ${advice}`,
      span: culprit.span,
    },
  ];
}

/** Diagnostics for GitHub's time limits: 6 h per job, 30 days per approval, 35 days per run. */
export function checkGithubLimits(pipeline: Pipeline, plan: SegmentPlan): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const segment of plan.segments) {
    const result = longestPath(pipeline, new Set(segment.stages), true);
    diagnostics.push(
      ...overLimit(
        "github-job-time-limit",
        MAX_JOB_MS,
        "6 h limit per job on hosted runners",
        `Job '${segment.id}'`,
        result,
        "Shorten the timeouts or waits, or split the stages with a manual judgment (each judgment starts a new job).",
      ),
    );
  }
  for (const stage of pipeline.stages) {
    if (
      stage.type === "manualJudgment" &&
      stage.timeoutMs !== undefined &&
      stage.timeoutMs > MAX_APPROVAL_MS
    ) {
      diagnostics.push({
        code: "github-approval-time-limit",
        severity: "error",
        message: `GitHub fails an environment approval after 30 days; this judgment's timeout is ${durationInWords(stage.timeoutMs)}. Use 30d or less.`,
        span: stage.source.fields.timeout?.value ?? stage.source.span,
      });
    }
  }
  const run = longestPath(pipeline, new Set(pipeline.stages.map((s) => s.id)), false);
  diagnostics.push(
    ...overLimit(
      "github-run-time-limit",
      MAX_RUN_MS,
      "35-day limit per workflow run (approvals included)",
      "The pipeline",
      run,
      "Shorten the timeouts, or split it into pipelines chained with a pipeline trigger.",
    ),
  );
  return diagnostics;
}
