// Zero-downtime benchmark of the local provider: load through a cluster's load balancer while
// (1) a red/black deploy and (2) the seed's rolling blue/green (judge=continue) switch versions.
// Prints requests sent, failed, and latency p50/p99 overall and during the switch; writes results.json.
//
//   npx tsc -b cli && node bench/local/zero-downtime.mjs [--workers 8] [--delay 20]
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { percentile, startLoad } from "./load-generator.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(ROOT, "cli", "bin", "capstan.js");
const { values } = parseArgs({
  options: { workers: { type: "string", default: "8" }, delay: { type: "string", default: "20" } },
});
const workers = Number(values.workers);
const delay = Number(values.delay);

function capstan(dir, args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (t) => {
      out += t;
    });
    child.stderr.on("data", (t) => {
      out += t;
    });
    child.on("exit", (code) => done({ code, out }));
  });
}

async function loadBalancer(dir) {
  const r = await capstan(dir, ["local", "status", "--json"]);
  return JSON.parse(r.out).clusters.find((c) => c.name === "myapp-prod").loadBalancer;
}

function summarize(name, result, switchStart, switchEnd) {
  const all = result.samples.map((s) => s.ms);
  const during = result.samples.filter((s) => s.at >= switchStart && s.at <= switchEnd).map((s) => s.ms);
  return {
    scenario: name,
    requestsSent: result.sent,
    failed: result.failed,
    switchSeconds: Number(((switchEnd - switchStart) / 1000).toFixed(1)),
    requestsDuringSwitch: during.length,
    p50msDuringSwitch: Number(percentile(during, 50).toFixed(1)),
    p99msDuringSwitch: Number(percentile(during, 99).toFixed(1)),
    p50msOverall: Number(percentile(all, 50).toFixed(1)),
    p99msOverall: Number(percentile(all, 99).toFixed(1)),
    failures: result.failures.slice(0, 5),
  };
}

async function scenario(name, setupArgs, switchArgs) {
  const dir = mkdtempSync("/tmp/cb-");
  try {
    mkdirSync(join(dir, ".capstan"));
    writeFileSync(join(dir, ".capstan", "application.yml"), "name: myapp\n");
    cpSync(join(ROOT, "examples"), join(dir, "examples"), { recursive: true });
    const setup = await capstan(dir, setupArgs);
    if (setup.code !== 0) throw new Error(`setup failed:\n${setup.out}`);
    const load = startLoad(await loadBalancer(dir), { workers, path: `/?delay=${delay}`, maxMs: 180_000 });
    await new Promise((r) => setTimeout(r, 1000));
    const switchStart = Date.now();
    const run = await capstan(dir, switchArgs);
    const switchEnd = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const result = await load.stop();
    if (run.code !== 0) throw new Error(`${name} failed:\n${run.out}`);
    return summarize(name, result, switchStart, switchEnd);
  } finally {
    await capstan(dir, ["local", "down", "--purge"]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [
  await scenario(
    "red/black deploy (4 instances, blue -> green)",
    ["run", "examples/redblack.yml", "--param", "image=blue"],
    ["run", "examples/redblack.yml", "--param", "image=green"],
  ),
  await scenario(
    "rolling blue/green, seed 000 (10 instances, judge=continue)",
    ["run", "examples/deploy.yml"],
    ["run", "examples/rolling-blue-green.yml", "--judge", "judge=continue"],
  ),
];
const report = { date: new Date().toISOString(), node: process.version, workers, delayMs: delay, results };
writeFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "results.json"),
  `${JSON.stringify(report, null, 2)}\n`,
);
for (const r of results) {
  console.log(
    `${r.scenario}: sent ${r.requestsSent}, failed ${r.failed}; during the switch (${r.switchSeconds} s, ${r.requestsDuringSwitch} requests) p50 ${r.p50msDuringSwitch} ms, p99 ${r.p99msDuringSwitch} ms; overall p50 ${r.p50msOverall} ms, p99 ${r.p99msOverall} ms`,
  );
}
process.exitCode = results.some((r) => r.failed > 0) ? 1 : 0;
