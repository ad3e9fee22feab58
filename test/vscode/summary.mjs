// The editor suite's counts for scripts/test-all.mjs, whose closing line `N passed, N failed`
// adds them to lint's and vitest's.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where scripts/test-all.mjs reads the editor suite's counts. */
export const summaryFile = path.join(repo, "test-results", "vscode-summary.json");

/** Writes `{passed, failed}` and returns the line to print, `N passed, N failed`. */
export function writeSummary(passed, failed, file = summaryFile) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ passed, failed })}\n`);
  return `${passed} passed, ${failed} failed`;
}
