import type { ExecutionWindow, Weekday } from "../model/types.js";

const DAY_INDEX: Record<string, Weekday> = {
  Sun: "sun",
  Mon: "mon",
  Tue: "tue",
  Wed: "wed",
  Thu: "thu",
  Fri: "fri",
  Sat: "sat",
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Weekday and minute of day of an instant in a time zone. */
export function wallTime(time: number, timeZone: string): { day: Weekday; minute: number } {
  let day: Weekday = "sun";
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(new Date(time))) {
    if (part.type === "weekday") day = DAY_INDEX[part.value] ?? "sun";
    else if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "minute") minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + (m || 0);
}

/** The error Orca reports for a window with neither days nor ranges. */
export const EMPTY_WINDOW_ERROR = "Couldn't calculate a suitable time within given time windows";

/**
 * The minute spans `[from, to]` (inclusive) of a day that a range covers, as Orca normalises it:
 * a range whose start hour is after its end hour wraps midnight (two spans); one whose end is
 * before its start within the same hour (10:30-10:15) covers nothing, because Orca decides the
 * wrap on hours alone. `capstan validate` reports such a range.
 */
function spans(range: { start: string; end: string }): [number, number][] {
  const start = minuteOf(range.start);
  const end = minuteOf(range.end);
  if (start <= end) return [[start, end]];
  if (Math.floor(start / 60) === Math.floor(end / 60)) return [];
  return [
    [start, 24 * 60 - 1],
    [0, end],
  ];
}

/**
 * Orca's gating rule: today is in `days` (empty = every day) and HH:mm lies in a range, both ends
 * inclusive, a range with a start hour after its end hour wrapping midnight (see `spans`); no
 * ranges = the whole day.
 */
export function isInWindow(
  window: Pick<ExecutionWindow, "days" | "ranges" | "timezone">,
  time: number,
): boolean {
  const { day, minute } = wallTime(time, window.timezone || "UTC");
  if (window.days.length > 0 && !window.days.includes(day)) return false;
  if (window.ranges.length === 0) return true;
  return window.ranges.some((r) => spans(r).some(([from, to]) => minute >= from && minute <= to));
}

/** The first minute at or after `time` that is inside the window (searching 8 days), or undefined. */
export function nextWindowOpening(
  window: Pick<ExecutionWindow, "days" | "ranges" | "timezone">,
  time: number,
): number | undefined {
  if (isInWindow(window, time)) return time;
  // Hop while outside by at most 15 minutes (all zone offsets are multiples of 15 min) and at most
  // the shortest span of the window, so a 5-minute window is not hopped over; then back up by minutes.
  let hop = 15;
  if (window.ranges.length > 0) {
    const all = window.ranges.flatMap(spans);
    if (all.length === 0) return undefined;
    for (const [from, to] of all) hop = Math.min(hop, to - from + 1);
  }
  let t = Math.floor(time / 60_000) * 60_000 + 60_000;
  const limit = time + 8 * 24 * 60 * 60_000;
  while (t <= limit) {
    if (isInWindow(window, t)) {
      let back = t - 60_000;
      while (back > time && isInWindow(window, back)) back -= 60_000;
      return Math.max(time, back + 60_000);
    }
    t += hop * 60_000;
  }
  return undefined;
}
