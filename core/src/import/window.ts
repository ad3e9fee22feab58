import type { Weekday } from "../model/types.js";
import type { ImportContext } from "./context.js";
import { formatSeconds } from "./duration.js";
import { childPath, isRecord, show, toNumber } from "./json-path.js";

/** Orca's default `tasks.execution-window.timezone`. */
export const ORCA_WINDOW_TIMEZONE = "America/Los_Angeles";

// java.util.Calendar.DAY_OF_WEEK: 1 = Sunday ... 7 = Saturday (deck's daysOfWeek.ts agrees).
const CALENDAR_DAYS: Record<number, Weekday> = {
  1: "sun",
  2: "mon",
  3: "tue",
  4: "wed",
  5: "thu",
  6: "fri",
  7: "sat",
};

/** A Calendar day number (1 = Sunday) as a Capstan weekday; undefined when out of range. */
export function calendarDay(value: unknown): Weekday | undefined {
  const n = toNumber(value);
  return n === undefined ? undefined : CALENDAR_DAYS[n];
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Converts `restrictExecutionDuringTimeWindow` + `restrictedExecutionWindow` of the stage at
 * `stagePath` into a Capstan `window`, reporting what changes. Returns undefined when the stage
 * has no effective window.
 */
export function convertWindow(
  stage: Record<string, unknown>,
  stagePath: string,
  ctx: ImportContext,
): Record<string, unknown> | undefined {
  const restrict = stage.restrictExecutionDuringTimeWindow;
  const raw = stage.restrictedExecutionWindow;
  const restrictPath = childPath(stagePath, "restrictExecutionDuringTimeWindow");
  const path = childPath(stagePath, "restrictedExecutionWindow");

  const stringTrue = typeof restrict === "string" && restrict.trim().toLowerCase() === "true";
  if (stringTrue)
    ctx.note(
      restrictPath,
      "changed",
      'the string "true": Orca casts this key to a boolean and would fail the stage; read as true',
    );
  if (restrict !== true && !stringTrue) {
    if (typeof restrict === "string" && restrict.includes("${")) {
      ctx.note(
        restrictPath,
        "changed",
        `the window is switched on by the expression ${show(restrict)}; Capstan windows always apply, so the window below is kept unconditionally`,
      );
    } else {
      if (raw !== undefined && raw !== null)
        ctx.note(
          path,
          "dropped",
          "restrictExecutionDuringTimeWindow is not true, so Orca ignores this window",
        );
      if (restrict !== undefined && restrict !== false)
        ctx.note(restrictPath, "dropped", `${show(restrict)} is not true; no window`);
      return undefined;
    }
  }
  if (!isRecord(raw)) {
    ctx.note(
      restrictPath,
      "dropped",
      "no restrictedExecutionWindow to apply; Orca would fail the stage TERMINAL",
    );
    return undefined;
  }

  const days: Weekday[] = [];
  if (Array.isArray(raw.days)) {
    raw.days.forEach((d, i) => {
      const day = calendarDay(d);
      if (day === undefined)
        ctx.note(
          childPath(childPath(path, "days"), i),
          "dropped",
          `${show(d)} is not a day number 1 (Sunday) to 7 (Saturday)`,
        );
      else if (!days.includes(day)) days.push(day);
    });
  }

  const ranges: { start: string; end: string }[] = [];
  if (Array.isArray(raw.whitelist)) {
    raw.whitelist.forEach((w, i) => {
      const wPath = childPath(childPath(path, "whitelist"), i);
      if (!isRecord(w)) {
        ctx.note(wPath, "dropped", "not a {startHour, startMin, endHour, endMin} object");
        return;
      }
      const [sh, sm, eh, em] = [w.startHour, w.startMin ?? 0, w.endHour, w.endMin ?? 0].map(toNumber);
      const ok = (h: number | undefined, m: number | undefined) =>
        h !== undefined &&
        m !== undefined &&
        Number.isInteger(h) &&
        Number.isInteger(m) &&
        h >= 0 &&
        h < 24 &&
        m >= 0 &&
        m < 60;
      if (!ok(sh, sm) || !ok(eh, em)) {
        ctx.note(wPath, "dropped", `window ${show(w)} has no valid start and end time`);
        return;
      }
      if (sh === eh && sm! > em!) {
        // Orca decides "wraps midnight" on hours alone, so 10:30-10:15 never opens there; nor in
        // Capstan, whose validation rejects it so that it gets fixed.
        ctx.note(
          wPath,
          "unsupported",
          `${pad(sh!)}:${pad(sm!)}-${pad(eh!)}:${pad(em!)} never opens in Orca (it compares hours only) nor in Capstan; kept as written and reported by capstan validate: swap the times, or split it at midnight`,
        );
      }
      ranges.push({ start: `${pad(sh!)}:${pad(sm!)}`, end: `${pad(eh!)}:${pad(em!)}` });
      for (const key of Object.keys(w))
        if (!["startHour", "startMin", "endHour", "endMin"].includes(key))
          ctx.note(childPath(wPath, key), "dropped", "not part of an Orca window");
    });
  }

  if (days.length === 0 && ranges.length === 0) {
    ctx.note(
      path,
      "dropped",
      "the window has no days and no time ranges; Orca fails such a stage TERMINAL, Capstan rejects an empty window, so it was left out",
    );
    return undefined;
  }

  const timezone = ctx.options.windowTimezone ?? ORCA_WINDOW_TIMEZONE;
  ctx.note(
    path,
    "changed",
    `timezone set explicitly to ${timezone} (Orca's tasks.execution-window.timezone${ctx.options.windowTimezone ? ", as given" : " default"}); Capstan's default is UTC`,
  );
  const window: Record<string, unknown> = {};
  if (days.length) window.days = days;
  if (ranges.length) window.ranges = ranges;
  window.timezone = timezone;

  const jitter = raw.jitter;
  const jPath = childPath(path, "jitter");
  if (isRecord(jitter)) {
    const min = toNumber(jitter.minDelay) ?? 0;
    const max = toNumber(jitter.maxDelay) ?? 0;
    // Orca adds the jitter wait only when enabled and maxDelay > 0 (RestrictExecutionDuringTimeWindow).
    if (jitter.enabled === true && max > 0) {
      window.jitter = {
        min: formatSeconds(min),
        max: formatSeconds(Math.max(min, max)),
        skipManual: jitter.skipManual === true,
      };
      if (min > max)
        ctx.note(jPath, "changed", `minDelay ${min} is above maxDelay ${max}; max raised to ${min}s`);
    } else if (jitter.enabled === true) {
      ctx.note(jPath, "dropped", "jitter is enabled with maxDelay 0, so Orca never waits");
    } else {
      ctx.note(jPath, "dropped", "jitter is not enabled");
    }
  }
  for (const key of Object.keys(raw))
    if (!["days", "whitelist", "jitter"].includes(key))
      ctx.note(childPath(path, key), "dropped", "not part of an Orca window");
  return window;
}
