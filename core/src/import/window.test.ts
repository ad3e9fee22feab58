import { describe, expect, it } from "vitest";
import { ImportContext } from "./context.js";
import { calendarDay, convertWindow } from "./window.js";

const convert = (stage: Record<string, unknown>, options = {}) => {
  const ctx = new ImportContext(options);
  const window = convertWindow(stage, "$.stages[0]", ctx);
  return { window, notes: ctx.notes };
};

describe("execution windows", () => {
  it("maps java.util.Calendar day numbers, 1 = Sunday ... 7 = Saturday", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(calendarDay)).toEqual(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]);
    expect(calendarDay(0)).toBeUndefined();
    expect(calendarDay(8)).toBeUndefined();
    expect(calendarDay("3")).toBe("tue");
  });

  it("converts days, whitelist and jitter, with Orca's time zone set explicitly", () => {
    const { window, notes } = convert({
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: {
        days: [2, 3, 4, 5, 6],
        whitelist: [
          { startHour: 7, startMin: 0, endHour: 10, endMin: 30 },
          { startHour: 22, startMin: 15, endHour: 2, endMin: 0 },
        ],
        jitter: { enabled: true, minDelay: 0, maxDelay: 600, skipManual: true },
      },
    });
    expect(window).toEqual({
      days: ["mon", "tue", "wed", "thu", "fri"],
      ranges: [
        { start: "07:00", end: "10:30" },
        { start: "22:15", end: "02:00" },
      ],
      timezone: "America/Los_Angeles",
      jitter: { min: "0s", max: "10m", skipManual: true },
    });
    expect(notes).toEqual([
      {
        path: "$.stages[0].restrictedExecutionWindow",
        kind: "changed",
        message:
          "timezone set explicitly to America/Los_Angeles (Orca's tasks.execution-window.timezone default); Capstan's default is UTC",
      },
    ]);
  });

  it("uses the time zone given in the options", () => {
    const { window } = convert(
      { restrictExecutionDuringTimeWindow: true, restrictedExecutionWindow: { days: [1] } },
      { windowTimezone: "Europe/Paris" },
    );
    expect(window).toEqual({ days: ["sun"], timezone: "Europe/Paris" });
  });

  it("drops a window that is not switched on, and says so", () => {
    const { window, notes } = convert({
      restrictExecutionDuringTimeWindow: false,
      restrictedExecutionWindow: { whitelist: [] },
    });
    expect(window).toBeUndefined();
    expect(notes).toEqual([
      {
        path: "$.stages[0].restrictedExecutionWindow",
        kind: "dropped",
        message: "restrictExecutionDuringTimeWindow is not true, so Orca ignores this window",
      },
    ]);
  });

  it("leaves out a window with neither days nor ranges (Orca fails the stage; Capstan rejects it)", () => {
    const { window, notes } = convert({
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: { days: [], whitelist: [] },
    });
    expect(window).toBeUndefined();
    expect(notes.map((n) => [n.path, n.kind])).toEqual([
      ["$.stages[0].restrictedExecutionWindow", "dropped"],
    ]);
  });

  it("drops jitter that Orca would not apply, with its path", () => {
    const { window, notes } = convert({
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: {
        whitelist: [{ startHour: "9", startMin: "0", endHour: "17", endMin: "0" }],
        jitter: { enabled: false, minDelay: 0, maxDelay: 600, skipManual: false },
      },
    });
    expect(window).toEqual({ ranges: [{ start: "09:00", end: "17:00" }], timezone: "America/Los_Angeles" });
    expect(notes).toContainEqual({
      path: "$.stages[0].restrictedExecutionWindow.jitter",
      kind: "dropped",
      message: "jitter is not enabled",
    });
  });

  it("reports a same-hour range that never opens, in Orca as in Capstan", () => {
    const { notes } = convert({
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: { whitelist: [{ startHour: 10, startMin: 30, endHour: 10, endMin: 15 }] },
    });
    expect(notes[0]).toEqual({
      path: "$.stages[0].restrictedExecutionWindow.whitelist[0]",
      kind: "unsupported",
      message:
        "10:30-10:15 never opens in Orca (it compares hours only) nor in Capstan; kept as written and reported by capstan validate: swap the times, or split it at midnight",
    });
  });

  it("reports bad day numbers and keeps the rest", () => {
    const { window, notes } = convert({
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: { days: [0, 2, 9] },
    });
    expect(window).toEqual({ days: ["mon"], timezone: "America/Los_Angeles" });
    expect(notes.filter((n) => n.kind === "dropped").map((n) => n.path)).toEqual([
      "$.stages[0].restrictedExecutionWindow.days[0]",
      "$.stages[0].restrictedExecutionWindow.days[2]",
    ]);
  });

  it("keeps a window switched on by an expression, unconditionally, and says so", () => {
    const { window, notes } = convert({
      restrictExecutionDuringTimeWindow: "${isProduction}",
      restrictedExecutionWindow: { days: [2] },
    });
    expect(window).toEqual({ days: ["mon"], timezone: "America/Los_Angeles" });
    expect(notes[0]).toMatchObject({
      path: "$.stages[0].restrictExecutionDuringTimeWindow",
      kind: "changed",
    });
  });
});
