#!/usr/bin/env node
// The same in-host suite (suite/index.ts), run in desktop VS Code (Electron) by @vscode/test-electron.
// It downloads VS Code into .cache/vscode-test/ (or uses VSCODE_EXECUTABLE / a cached copy there), so it
// needs a machine that can reach VS Code's update service; on Linux without a display it re-runs
// itself under xvfb-run. Prints `N passed, N failed`.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildAll, extensionDir, makeWorkspace, repo, suiteFile } from "./lib.mjs";

const VERSION = process.env.VSCODE_VERSION ?? "1.100.3"; // the extension's engines floor, = code-server 4.100.3

if (process.platform === "linux" && !process.env.DISPLAY && !process.env.CAPSTAN_UNDER_XVFB) {
  const xvfb = spawnSync("sh", ["-c", "command -v xvfb-run"], { encoding: "utf8" }).stdout.trim();
  if (!xvfb) {
    console.error("run-electron: no DISPLAY and no xvfb-run (apt-get install -y xvfb)");
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  const r = spawnSync(xvfb, ["-a", process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, CAPSTAN_UNDER_XVFB: "1" },
  });
  process.exit(r.status ?? 1);
}

await buildAll();
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-electron-"));
const ws = makeWorkspace(runDir);
const resultsFile = path.join(runDir, "results.json");
const { runTests } = await import("@vscode/test-electron");
let exitError;
try {
  await runTests({
    version: VERSION,
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    cachePath: path.join(repo, ".cache", "vscode-test"),
    extensionDevelopmentPath: extensionDir,
    extensionTestsPath: suiteFile,
    extensionTestsEnv: { CAPSTAN_E2E_RESULTS: resultsFile },
    launchArgs: [
      ws,
      "--disable-workspace-trust",
      "--skip-welcome",
      "--skip-release-notes",
      "--user-data-dir",
      path.join(runDir, "ud"),
    ],
  });
} catch (error) {
  exitError = error;
}
const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, "utf8")) : [];
for (const r of results)
  console.log(`${r.ok ? "PASS" : "FAIL"} electron: ${r.name}${r.ok ? "" : `\n     ${r.error}`}`);
let failed = results.filter((r) => !r.ok).length;
if (results.length === 0) {
  console.error(
    `run-electron: the suite did not run: ${exitError instanceof Error ? exitError.message : exitError}`,
  );
  failed = 1;
}
console.log(`${results.length - results.filter((r) => !r.ok).length} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
