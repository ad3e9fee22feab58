import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-harness.js";

const repo = new URL("../..", import.meta.url).pathname;
const example = readFileSync(join(repo, "examples/rolling-blue-green.yml"), "utf8");

interface JsonDiagnostic {
  code: string;
  severity: string;
  range: { start: { line: number; character: number } };
}

/** Writes a broken copy of the example and validates it as JSON output. */
async function validateBroken(edit: (text: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), "capstan-validate-"));
  const file = join(dir, "broken.yml");
  const text = edit(example);
  expect(text).not.toBe(example);
  writeFileSync(file, text);
  const { code, stdout } = await runCli(["validate", "--format", "json", file], dir);
  const [report] = JSON.parse(stdout) as { diagnostics: JsonDiagnostic[] }[];
  const errors = report.diagnostics.filter((d) => d.severity === "error");
  return { code, errors, text };
}

/** Zero-based line and column of the n-th occurrence of `needle` (plus `shift` characters). */
function positionOf(text: string, needle: string, nth = 1, shift = 0) {
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not found`);
  at += shift;
  const before = text.slice(0, at);
  return { line: before.split("\n").length - 1, character: at - before.lastIndexOf("\n") - 1 };
}

describe("capstan validate", () => {
  it("accepts every example", async () => {
    const { code, stdout, stderr } = await runCli(["validate", "examples"], repo);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/no errors/);
    expect(code).toBe(0);
  });

  it("reports a duplicate id at the second id", async () => {
    const { code, errors, text } = await validateBroken((t) => t.replace("id: rgreen\n", "id: blue2\n"));
    expect(code).toBe(1);
    expect(errors.map((e) => e.code)).toEqual(["duplicate-stage-id"]);
    expect(errors[0].range.start).toEqual(positionOf(text, "id: blue2", 2, 4));
  });

  it("reports an unknown dependsOn at the entry", async () => {
    const { errors, text } = await validateBroken((t) =>
      t.replace("dependsOn: [green1]", "dependsOn: [gren1]"),
    );
    expect(errors.map((e) => e.code)).toEqual(["unknown-stage-ref"]);
    expect(errors[0].range.start).toEqual(positionOf(text, "gren1"));
  });

  it("reports a cycle once", async () => {
    const { errors, text } = await validateBroken((t) =>
      t.replace("dependsOn: [green1]", "dependsOn: [green1, judge]"),
    );
    expect(errors.map((e) => e.code)).toEqual(["cycle"]);
    expect(errors[0].range.start).toEqual(positionOf(text, "[green1, judge]"));
  });

  it("reports an unquoted expression cut by YAML at its ${", async () => {
    const { errors, text } = await validateBroken((t) =>
      t.replace(
        `expression: "\${ #judgment('judge') == 'rollback' }"`,
        "expression: ${ #judgment('judge') == 'rollback' }",
      ),
    );
    expect(errors.map((e) => e.code)).toEqual(["expression-unquoted"]);
    expect(errors[0].range.start).toEqual(positionOf(text, "${ #judgment('judge') == 'rollback' }"));
  });

  it("reports a wrong field type at the value", async () => {
    const { errors, text } = await validateBroken((t) => t.replace("percent: 20", "percent: [20]"));
    expect(errors.map((e) => e.code)).toEqual(["schema-type"]);
    expect(errors[0].range.start).toEqual(positionOf(text, "[20]"));
  });

  it("reports an unknown stage field at its key", async () => {
    const { errors, text } = await validateBroken((t) =>
      t.replace("    percent: 20\n", "    percent: 20\n    percnt: 5\n"),
    );
    expect(errors.map((e) => e.code)).toEqual(["schema-unknown-field"]);
    expect(errors[0].range.start).toEqual(positionOf(text, "percnt"));
  });

  it("reports a judgment compared with an input it does not have, naming the inputs", async () => {
    const { errors, text } = await validateBroken((t) => t.replace("== 'rollback' }", "== 'rollbak' }"));
    expect(errors).toHaveLength(1);
    expect(errors[0].range.start).toEqual(positionOf(text, "'rollbak'"));
    expect(errors[0].message).toContain("continue");
  });

  it("prints file:line:col, the source line and a caret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-validate-"));
    writeFileSync(join(dir, "p.yml"), "name: p\nstages:\n  - id: a\n    type: wait\n    dependsOn: [b]\n");
    const { code, stdout } = await runCli(["validate", "p.yml"], dir);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "p.yml:5:17 error unknown-stage-ref dependsOn names 'b', but no stage has that id.",
    );
    expect(stdout).toContain("    5 |     dependsOn: [b]\n      |                 ^\n");
  });

  it("exits 1 with a message for a missing file", async () => {
    const { code, stderr } = await runCli(["validate", "nope.yml"], tmpdir());
    expect(code).toBe(1);
    expect(stderr).toContain("nope.yml: no such file or directory");
  });
});
