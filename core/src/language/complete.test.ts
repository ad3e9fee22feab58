// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold `${ }` expressions.
import { describe, expect, test } from "vitest";
import { analyzePipeline } from "./analysis.js";
import { complete } from "./complete.js";
import { withCursor } from "./test-cursor.js";

const BASE = `name: demo
parameters:
  - name: env
    default: staging
  - name: Pipeline Successful
stages:
  - id: judge
    name: Judge
    type: manualJudgment
    inputs: [continue, rollback]
  - id: deploy
    name: Deploy
    type: wait
    dependsOn: [judge]
`;

const labelsAt = (fixture: string) => {
  const { text, position } = withCursor(fixture);
  return complete(analyzePipeline(text), position, { uri: "file:///demo.yml" });
};

describe("complete", () => {
  test("judgment inputs after #judgment('X') == '", () => {
    const items = labelsAt(`${BASE}    if: "\${ #judgment('Judge') == '|"\n`);
    const range = { start: { line: 14, character: 35 }, end: { line: 14, character: 35 } };
    expect(items).toEqual([
      { label: "continue", kind: 20, detail: "input of Judge", textEdit: { range, newText: "continue" } },
      { label: "rollback", kind: 20, detail: "input of Judge", textEdit: { range, newText: "rollback" } },
    ]);
  });

  test("parameter names after parameters., switching to the index form for names with spaces", () => {
    const items = labelsAt(`${BASE}    if: "\${ parameters.e|"\n`);
    expect(items.map((i) => [i.label, i.textEdit.newText, i.textEdit.range.start.character])).toEqual([
      ["env", "env", 23],
      ["Pipeline Successful", "['Pipeline Successful']", 22],
    ]);
  });

  test("enum values of the field at the cursor", () => {
    const items = labelsAt(`${BASE}    onFailure: |\n`);
    expect(items.map((i) => i.label)).toEqual([
      "haltPipeline",
      "haltBranch",
      "haltBranchThenFailPipeline",
      "ignore",
    ]);
  });

  test("a stage whose type is an alias of an anchor in another stage completes that type's keys", () => {
    const text = `name: demo
stages:
  - id: first
    type: &wait wait
    onFailure: &halt ignore
  - id: second
    type: *wait
    onFailure: *halt
    |
`;
    const labels = labelsAt(text).map((i) => i.label);
    expect(labels).toContain("duration");
    expect(labels).not.toContain("type");
    expect(labels).not.toContain("onFailure");
    expect(() =>
      labelsAt(text.replace("    onFailure: *halt\n    |", "    onFailure: *nowhere\n    |")),
    ).not.toThrow();
  });

  test("stage ids in dependsOn leave out the stage itself and its dependents", () => {
    const text = BASE.replace("    dependsOn: [judge]\n", "    dependsOn:\n      - |\n");
    expect(labelsAt(text).map((i) => i.label)).toEqual(["judge"]);
  });

  test("keys of the stage's own type on a half-typed line", () => {
    const items = labelsAt(`${BASE}    dur|\n`);
    expect(items.find((i) => i.label === "duration")?.textEdit).toEqual({
      range: { start: { line: 14, character: 4 }, end: { line: 14, character: 7 } },
      newText: "duration: ",
    });
    expect(items.some((i) => i.label === "inputs")).toBe(false);
  });

  test("stage names in #stage(' leave out the current stage", () => {
    expect(labelsAt(`${BASE}    if: "\${ #stage('|"\n`).map((i) => i.label)).toEqual(["Judge"]);
  });
});
