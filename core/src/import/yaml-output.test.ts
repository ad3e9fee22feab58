import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { toPipelineYaml } from "./yaml-output.js";

describe("toPipelineYaml", () => {
  const value = {
    name: "x",
    stages: [
      {
        id: "1",
        name: "a",
        type: "wait",
        dependsOn: ["1", "2"],
        if: "${ #judgment('Manual Judgment').equals('continue') }",
        window: {
          days: ["mon", "tue"],
          ranges: [{ start: "07:00", end: "10:00" }],
          timezone: "America/Los_Angeles",
          jitter: { min: "0s", max: "10m", skipManual: true },
        },
        a: '${ #stage("Deploy Dev")["status"].toString() == "SUCCEEDED" }',
        b: "${ a }\nline2 'x' \"y\"",
        c: "a: b # c",
        d: "true",
        e: "10",
        long: "word ".repeat(60),
      },
    ],
  };
  const text = toPipelineYaml(value);

  it("round-trips to the same value", () => {
    expect(parse(text)).toEqual(value);
  });

  it("quotes every expression and time, and starts with the header", () => {
    expect(
      text.startsWith("# Imported from Spinnaker pipeline JSON by capstan import; see the import report.\n"),
    ).toBe(true);
    for (const line of text.split("\n").filter((l) => l.includes("${")))
      expect(line).toMatch(/: ["']\$\{|^\s*- ["']\$\{/);
    expect(text).toContain(`if: "\${ #judgment('Manual Judgment').equals('continue') }"`);
    expect(text).toContain(`a: '\${ #stage("Deploy Dev")["status"].toString() == "SUCCEEDED" }'`);
    expect(text).toContain('ranges: [ { start: "07:00", end: "10:00" } ]');
    expect(text).toContain("jitter: { min: 0s, max: 10m, skipManual: true }");
    expect(text).toContain('dependsOn: [ "1", "2" ]');
  });
});
