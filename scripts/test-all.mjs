#!/usr/bin/env node
// Runs every test suite of the project in order and prints one closing line
// `N passed, N failed` that CI reads: the build, vitest, then the real-editor suite.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const results = join(root, "test-results");
mkdirSync(results, { recursive: true });
let passed = 0;
let failed = 0;

function run(label, command, args) {
  console.log(`\n=== ${label}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env });
  return result.status ?? 1;
}

if (run("build", "npx", ["tsc", "-b"]) !== 0) {
  console.log("\n0 passed, 1 failed");
  process.exit(1);
}

// Lint and format are checked like a test: a red lint fails CI.
if (run("lint (biome)", "npx", ["biome", "check", "."]) === 0) passed += 1;
else failed += 1;

const vitestJson = join(results, "vitest.json");
const vitestStatus = run("unit and end-to-end tests", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // A suite that fails to load has no failed tests of its own; count it once.
  if ((report.numFailedTestSuites ?? 0) > 0 && (report.numFailedTests ?? 0) === 0)
    failed += report.numFailedTestSuites;
} else if (vitestStatus !== 0) {
  failed += 1;
}
if (vitestStatus !== 0 && failed === 0) failed += 1;

const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (packageJson.scripts?.["test:vscode"] && process.env.CAPSTAN_SKIP_VSCODE !== "1") {
  const summary = join(results, "vscode-summary.json");
  const status = run("real VS Code tests", "npm", ["run", "test:vscode"]);
  if (existsSync(summary)) {
    const s = JSON.parse(readFileSync(summary, "utf8"));
    passed += s.passed ?? 0;
    failed += s.failed ?? 0;
    if (status !== 0 && !(s.failed > 0)) failed += 1;
  } else if (status !== 0) {
    failed += 1;
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
