import { describe, expect, it } from "vitest";
import { formatMillis, formatSeconds, isoDurationSeconds } from "./duration.js";

describe("durations", () => {
  it.each([
    [0, "0s"],
    [90, "1m30s"],
    [600, "10m"],
    [5400, "1h30m"],
    [90061, "1d1h1m1s"],
  ])("%i s -> %s", (s, text) => expect(formatSeconds(s)).toBe(text));

  it("writes milliseconds exactly", () => {
    expect(formatMillis(5_400_000)).toBe("1h30m");
    expect(formatMillis(1500)).toBe("1s500ms");
    expect(formatMillis(250)).toBe("250ms");
  });

  it("reads Kayenta's ISO-8601 lifetimes", () => {
    expect(isoDurationSeconds("PT0H5M")).toBe(300);
    expect(isoDurationSeconds("PT1H")).toBe(3600);
    expect(isoDurationSeconds("P1DT2H")).toBe(93_600);
    expect(isoDurationSeconds("PT")).toBeUndefined();
    expect(isoDurationSeconds("1h")).toBeUndefined();
  });
});
