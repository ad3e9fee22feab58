// The test run's closing line counts the real-editor tests too (issue 17 item 12): the editor
// suite writes test-results/vscode-summary.json ({passed, failed}), which scripts/test-all.mjs reads.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summaryFile, writeSummary } from "../vscode/summary.mjs";

const root = new URL("../../", import.meta.url).pathname;
const source = (file: string) => readFileSync(join(root, file), "utf8");

describe("the editor suite's summary file", () => {
  it("is where scripts/test-all.mjs reads it, with the counts of the closing line", () => {
    expect(summaryFile).toBe(join(root, "test-results", "vscode-summary.json"));
    expect(source("scripts/test-all.mjs")).toContain('join(results, "vscode-summary.json")');
    const file = join(mkdtempSync(join(tmpdir(), "capstan-summary-")), "nested", "vscode-summary.json");
    expect(writeSummary(26, 2, file)).toBe("26 passed, 2 failed");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ passed: 26, failed: 2 });
  });

  it("is written by test/vscode/run.mjs on every way out (a failed setup included), after removing a stale one", () => {
    const run = source("test/vscode/run.mjs");
    const exits = run.match(/process\.exit\(/g) ?? [];
    const written = run.match(/writeSummary\(/g) ?? [];
    expect(exits.length).toBeGreaterThan(0);
    expect(written.length).toBe(exits.length);
    expect(run).toMatch(/rmSync\(summaryFile/);
  });
});
