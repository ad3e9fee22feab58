import { describe, expect, it } from "vitest";
import { quartzToCron } from "./cron.js";

describe("quartzToCron", () => {
  it.each([
    ["0 0 7 ? * MON-FRI", "0 7 * * 1-5"],
    ["0 0 7 ? * 2-6", "0 7 * * 1-5"],
    ["0 30 9 * * ?", "30 9 * * *"],
    ["0 0/30 * * * ?", "*/30 * * * *"],
    ["0 15/20 * * * ?", "15-59/20 * * * *"],
    ["0 0 12 1/1 * ? *", "0 12 * * *"],
    ["0 0 0 1 JAN,JUL ?", "0 0 1 1,7 *"],
    ["0 0 8 ? * SUN,SAT", "0 8 * * 0,6"],
    ["0 0 */2 * * ?", "0 */2 * * *"],
    ["0 0 6 ? * 1 *", "0 6 * * 0"],
    ["30 7 * * 1-5", "30 7 * * 1-5"], // already 5-field
  ])("%s -> %s", (quartz, cron) => {
    const r = quartzToCron(quartz);
    expect(r).toMatchObject({ ok: true, expression: cron });
  });

  it("drops a fixed second with a note", () => {
    expect(quartzToCron("30 0 7 ? * MON")).toEqual({
      ok: true,
      expression: "0 7 * * 1",
      notes: ["fires at second 0 instead of second 30"],
    });
  });

  it.each([
    ["* 0/30 * * * ? *", /more than once a minute/],
    ["0/10 * * * * ?", /more than once a minute/],
    ["0 0 12 L * ?", /'L' in day of month/],
    ["0 0 12 ? * MON#2", /day of week/],
    ["0 0 12 15W * ?", /day of month/],
    ["0 0 12 * * ? 2030", /year field/],
    ["0 0 25 * * ?", /out of range for hours/],
    ["0 0 12 ? * FRI-MON", /wraps around/],
    ["0 12 * *", /6 or 7 fields/],
  ])("%s cannot be converted", (quartz, reason) => {
    const r = quartzToCron(quartz);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
