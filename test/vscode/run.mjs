#!/usr/bin/env node
// Real-editor tests: code-server 4.100.3 (VS Code 1.100.3) driven by headless chromium.
//   0. the packaged .vsix installs with code-server --install-extension;
//   1. in-host suite (suite/index.ts) loaded as extensionTestsPath: the detailed checks via the vscode API;
//   2. page-level checks (ui.mjs) with the built extension linked into a fresh extensions folder:
//      what a person sees, plus screenshots in test-results/vscode/.
// Prints `N passed, N failed` and writes it to test-results/vscode-summary.json for
// scripts/test-all.mjs. Options: --skip-setup, --only=inhost|ui, --update-docs (copy the
// screenshots to docs/images/).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  artifacts,
  buildAll,
  cache,
  extensionDir,
  here,
  installVsix,
  launchBrowser,
  makeWorkspace,
  repo,
  startCodeServer,
  suiteFile,
} from "./lib.mjs";
import { summaryFile, writeSummary } from "./summary.mjs";
import { runUiChecks } from "./ui.mjs";

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const results = [];
const record = (name, ok, error) => {
  results.push({ name, ok, error });
  console.log(
    `${ok ? "PASS" : "FAIL"} ${name}${ok ? "" : `\n     ${String(error).split("\n").join("\n     ")}`}`,
  );
};

// A summary left by an earlier run must not be counted for this one.
fs.rmSync(summaryFile, { force: true });
if (!args.includes("--skip-setup")) {
  const r = spawnSync("bash", [path.join(here, "setup.sh")], { stdio: "inherit" });
  if (r.status !== 0) {
    console.log(writeSummary(0, 1));
    process.exit(1);
  }
}
await buildAll();
fs.mkdirSync(artifacts, { recursive: true });
const runsDir = path.join(cache, "runs");
fs.mkdirSync(runsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");

async function inHost() {
  const runDir = fs.mkdtempSync(path.join(runsDir, `inhost-${stamp}-`));
  const ws = makeWorkspace(runDir);
  const resultsFile = path.join(runDir, "results.json");
  const server = await startCodeServer(runDir, { ws, env: { CAPSTAN_E2E_RESULTS: resultsFile } });
  const { context, page } = await launchBrowser(runDir);
  const consoleLog = fs.createWriteStream(path.join(runDir, "browser-console.log"));
  page.on("console", (m) => consoleLog.write(`${m.type()}: ${m.text()}\n`));
  let exitCode;
  try {
    let resolveExit;
    const exited = new Promise((r) => {
      resolveExit = r;
    });
    await page.exposeFunction("codeAutomationExit", (code) => resolveExit(code));
    const payload = [
      ["extensionDevelopmentPath", `vscode-remote://${server.auth}${extensionDir}`],
      ["extensionTestsPath", `vscode-remote://${server.auth}${suiteFile}`],
    ];
    await page.goto(
      `${server.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    const timeout = new Promise((r) => setTimeout(() => r("timeout"), 8 * 60_000));
    exitCode = await Promise.race([exited, timeout]);
    await page.screenshot({ path: path.join(artifacts, "inhost-final.png") }).catch(() => undefined);
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
    consoleLog.end();
  }
  const inHostResults = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, "utf8")) : [];
  for (const r of inHostResults) record(`in-host: ${r.name}`, r.ok, r.error);
  if (inHostResults.length === 0)
    record("in-host: the suite ran", false, `no results (exit ${exitCode}); logs in ${runDir}`);
  else if (exitCode === "timeout")
    record("in-host: the suite finished", false, `timed out; logs in ${runDir}`);
  else if ((exitCode !== 0) !== inHostResults.some((r) => !r.ok)) {
    record("in-host: exit code matches the results", false, `exit ${exitCode}`);
  }
}

async function ui() {
  const runDir = fs.mkdtempSync(path.join(runsDir, `ui-${stamp}-`));
  const ws = makeWorkspace(runDir);
  const server = await startCodeServer(runDir, { ws, extensions: [extensionDir] });
  const { context, page } = await launchBrowser(runDir);
  try {
    await runUiChecks({
      page,
      url: `${server.url}/?folder=${encodeURIComponent(ws)}`,
      ws,
      record,
      artifacts,
    });
  } catch (error) {
    record("ui: the page checks ran to the end", false, error instanceof Error ? error.stack : error);
    await page.screenshot({ path: path.join(artifacts, "ui-failure.png") }).catch(() => undefined);
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
  }
}

function vsix() {
  const runDir = fs.mkdtempSync(path.join(runsDir, `vsix-${stamp}-`));
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8"));
    const listed = installVsix(runDir);
    const ok = listed.includes(`${pkg.publisher}.${pkg.name}@${pkg.version}`);
    record(
      "package: the .vsix installs into VS Code (code-server)",
      ok,
      ok ? undefined : `listed: ${listed.join(", ")}`,
    );
  } catch (error) {
    record(
      "package: the .vsix installs into VS Code (code-server)",
      false,
      error instanceof Error ? error.message : error,
    );
  }
}

if (!only) vsix();
if (!only || only === "inhost") await inHost();
if (!only || only === "ui") await ui();

if (args.includes("--update-docs")) {
  const images = path.join(repo, "docs", "images");
  fs.mkdirSync(images, { recursive: true });
  for (const [from, to] of [
    ["editor.png", "vscode-editor.png"],
    ["graph.png", "vscode-graph.png"],
  ]) {
    if (fs.existsSync(path.join(artifacts, from)))
      fs.copyFileSync(path.join(artifacts, from), path.join(images, to));
  }
}
const failed = results.filter((r) => !r.ok).length;
console.log(`\nartifacts: ${path.relative(repo, artifacts)}/`);
console.log(writeSummary(results.length - failed, failed));
process.exit(failed > 0 ? 1 : 0);
