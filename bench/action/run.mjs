#!/usr/bin/env node
// Action cold start: from `node action/dist/index.js` being spawned to its first stage running (the
// "▶ <stage> started" line), in `mode: run` on a one-stage pipeline with the folder artifact store,
// as the GitHub runner would start it. Also the bundle's size. Targets: < 300 ms, < 3 MB.
// Usage: node bench/action/run.mjs [--runs N] [--bundle DIR]   (DIR: another build of action/dist,
// e.g. `node action/scripts/bundle.mjs /tmp/bundle` to measure a change without touching action/dist)
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const bundleDir = resolve(option("--bundle") ?? join(root, "action", "dist"));
const runs = Number(option("--runs") ?? 15);
// The machine is shared: its load average (1, 5, 15 min) goes with the figures.
const loadBefore = loadavg().map((x) => +x.toFixed(2));

const workspace = mkdtempSync(join(tmpdir(), "capstan-bench-action-"));
mkdirSync(join(workspace, ".capstan", "pipelines"), { recursive: true });
writeFileSync(
  join(workspace, ".capstan", "pipelines", "p.yml"),
  "name: bench\nstages:\n  - { id: first, type: wait, duration: 1ms }\n",
);

function once(i) {
  const temp = mkdtempSync(join(tmpdir(), "capstan-bench-run-"));
  writeFileSync(join(temp, "event.json"), "{}");
  writeFileSync(join(temp, "output"), "");
  writeFileSync(join(temp, "summary"), "");
  const env = {
    PATH: process.env.PATH,
    INPUT_PIPELINE: ".capstan/pipelines/p.yml",
    INPUT_MODE: "run",
    INPUT_SEGMENT: "run",
    INPUT_PARAMETERS: "{}",
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: "workflow_dispatch",
    GITHUB_EVENT_PATH: join(temp, "event.json"),
    GITHUB_OUTPUT: join(temp, "output"),
    GITHUB_STEP_SUMMARY: join(temp, "summary"),
    GITHUB_RUN_ID: String(1000 + i),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_REPOSITORY: "acme/shop",
    RUNNER_TEMP: temp,
    CAPSTAN_ARTIFACT_DIR: join(temp, "artifacts"),
  };
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let firstStage;
    const child = spawn(process.execPath, [join(bundleDir, "index.js")], { cwd: workspace, env });
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
      if (firstStage === undefined && out.includes("▶ first"))
        firstStage = Number(process.hrtime.bigint() - start) / 1e6;
    });
    child.stderr.on("data", (b) => {
      out += b;
    });
    child.on("close", (code) => {
      const total = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0 || firstStage === undefined) reject(new Error(`run ${i} failed (${code}):\n${out}`));
      else resolve({ firstStage, total });
    });
  });
}

function bareNode() {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    // The same bare environment as the action's runs: an inherited NODE_EXTRA_CA_CERTS (this
    // development machine sets one) alone costs node about 100 ms of certificate loading.
    spawn(process.execPath, ["-e", "0"], { env: { PATH: process.env.PATH } }).on("close", () =>
      resolve(Number(process.hrtime.bigint() - start) / 1e6),
    );
  });
}

const baseline = [];
for (let i = 0; i < runs; i++) baseline.push(await bareNode());
baseline.sort((a, b) => a - b);
const samples = [];
for (let i = 0; i < runs + 2; i++) {
  const s = await once(i);
  if (i >= 2) samples.push(s); // the first two warm the file cache
}
const pick = (key, q) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const files = readdirSync(bundleDir).map((f) => ({ f, size: statSync(join(bundleDir, f)).size }));
const js = files.filter((x) => x.f.endsWith(".js"));
const entry = files.find((x) => x.f === "index.js").size;
const result = {
  runs,
  firstStageMs: { median: +pick("firstStage", 0.5).toFixed(1), p90: +pick("firstStage", 0.9).toFixed(1) },
  processMs: { median: +pick("total", 0.5).toFixed(1) },
  // `node -e 0` on the same machine at the same time: the floor no action can go under.
  bareNodeMs: { median: +baseline[Math.floor(baseline.length / 2)].toFixed(1) },
  bundle: {
    entryBytes: entry,
    allJsBytes: js.reduce((n, x) => n + x.size, 0),
    files: Object.fromEntries(files.map((x) => [x.f, x.size])),
  },
  node: process.version,
  loadAverage: { before: loadBefore, after: loadavg().map((x) => +x.toFixed(2)) },
};
console.log(JSON.stringify(result, null, 2));
if (option("--bundle")) console.log(`(measured ${bundleDir}, not the committed action/dist)`);
const mb = (n) => (n / 1024 / 1024).toFixed(2);
console.log(
  `cold start to first stage: median ${result.firstStageMs.median} ms, p90 ${result.firstStageMs.p90} ms (target < 300 ms) ${result.firstStageMs.median < 300 ? "OK" : "MISSED"}; bare node: ${result.bareNodeMs.median} ms`,
);
console.log(
  `bundle: entry ${mb(entry)} MB (loaded at start), all JS ${mb(result.bundle.allJsBytes)} MB (target < 3 MB) ${result.bundle.allJsBytes < 3 * 1024 * 1024 ? "OK" : "MISSED"}`,
);
