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
 * Orca's gating rule: today is in `days` (empty = every day) and HH:mm lies in a range, both ends
 * inclusive, a range with start > end wrapping midnight; no ranges = the whole day.
 */
export function isInWindow(
  window: Pick<ExecutionWindow, "days" | "ranges" | "timezone">,
  time: number,
): boolean {
  const { day, minute } = wallTime(time, window.timezone || "UTC");
  if (window.days.length > 0 && !window.days.includes(day)) return false;
  if (window.ranges.length === 0) return true;
  return window.ranges.some((r) => {
    const start = minuteOf(r.start);
    const end = minuteOf(r.end);
    return start <= end ? minute >= start && minute <= end : minute >= start || minute <= end;
  });
}

/** The first minute at or after `time` that is inside the window (searching 8 days), or undefined. */
export function nextWindowOpening(
  window: Pick<ExecutionWindow, "days" | "ranges" | "timezone">,
  time: number,
): number | undefined {
  if (isInWindow(window, time)) return time;
  let t = Math.floor(time / 60_000) * 60_000 + 60_000;
  const limit = time + 8 * 24 * 60 * 60_000;
  // Hop by 15 minutes while outside (all zone offsets are multiples of 15 min), then back up by minutes.
  while (t <= limit) {
    if (isInWindow(window, t)) {
      let back = t - 60_000;
      while (back > time && isInWindow(window, back)) back -= 60_000;
      return Math.max(time, back + 60_000);
    }
    t += 15 * 60_000;
  }
  return undefined;
}
