import { describe, expect, it } from "vitest";
import { validatePipelineText } from "./validate.js";

const codes = (text: string) =>
  validatePipelineText(text).diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    text: text.slice(d.span.start, d.span.end),
  }));

describe("execution window checks", () => {
  it("reports a range whose end is before its start within one hour: Orca never opens it", () => {
    const text = `name: p
stages:
  - id: s
    type: wait
    duration: 1m
    window:
      ranges: [{ start: "10:30", end: "10:15" }]
`;
    const found = codes(text).filter((d) => d.code === "window-never-opens");
    expect(found).toEqual([
      { code: "window-never-opens", severity: "error", text: '[{ start: "10:30", end: "10:15" }]' },
    ]);
  });

  it("accepts a range that wraps midnight (its start hour after its end hour), as Orca", () => {
    const text = `name: p
stages:
  - id: s
    type: wait
    duration: 1m
    window:
      ranges: [{ start: "22:00", end: "02:00" }, { start: "10:00", end: "10:05" }]
`;
    expect(codes(text)).toEqual([]);
  });
});

describe("Spinnaker-only stage types", () => {
  it.each(["runCanaryIntervals", "runCanary", "deployCanaryServerGroups", "cleanupCanaryClusters"])(
    "Kayenta's internal %s validates with a warning like the other Spinnaker-only types, not an error",
    (type) => {
      const text = `name: p
stages:
  - { id: s, type: ${type} }
`;
      expect(codes(text)).toEqual([{ code: "stage-type-unsupported", severity: "warning", text: type }]);
    },
  );
});
