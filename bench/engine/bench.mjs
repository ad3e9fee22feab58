// Engine benchmark: 10,000 `wait: 0s` stages in a wide-and-deep DAG, journaled to disk (fsync per
// batch). Prints total time, per-stage overhead and peak memory. Usage:
//   node bench/engine/bench.mjs [--stages 10000] [--width 100] [--no-fsync] [--json]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    stages: { type: "string", default: "10000" },
    width: { type: "string", default: "100" },
    "no-fsync": { type: "boolean", default: false },
    // Treat wait stages as having outside effects: the journal is then written and fsynced before
    // every stage call instead of once per scheduler step.
    "flush-each": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const here = path.dirname(fileURLToPath(import.meta.url));
const out = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-bench-"));

// Bundle the engine from the TypeScript sources (rolldown comes with vitest), in another process
// so the bundler's memory does not count in this one's peak.
const bundle = path.join(out, "engine.mjs");
const builder = `import("rolldown").then(({ build }) => build({ input: ${JSON.stringify(path.join(here, "engine-entry.ts"))}, platform: "node", output: { file: ${JSON.stringify(bundle)}, format: "esm" }, logLevel: "silent" }))`;
const built = spawnSync(process.execPath, ["--input-type=module", "-e", builder], {
  cwd: here,
  stdio: "inherit",
});
if (built.status !== 0) throw new Error("bundling the engine failed");
const engine = await import(bundle);
const baselineRss = process.memoryUsage().rss;

const total = Number(values.stages);
const width = Number(values.width);
const source = { span: { start: 0, end: 0 }, fields: {} };
const stages = [];
for (let i = 0; i < total; i++) {
  const layer = Math.floor(i / width);
  const col = i % width;
  // Each stage below the first layer joins two stages of the layer above: wide and deep.
  const dependsOn =
    layer === 0
      ? []
      : [...new Set([`s${(layer - 1) * width + col}`, `s${(layer - 1) * width + ((col + 1) % width)}`])];
  stages.push({
    id: `s${i}`,
    name: `s${i}`,
    type: "wait",
    dependsOn,
    onFailure: "haltPipeline",
    failOnFailedExpressions: false,
    notifications: [],
    retryable: false,
    config: { id: `s${i}`, type: "wait", duration: "0s", dependsOn },
    index: i,
    source,
  });
}
const pipeline = {
  name: "bench",
  parameters: [],
  triggers: [],
  concurrency: { limitConcurrent: true, keepWaitingPipelines: false },
  secrets: [],
  notifications: [],
  stages,
  settings: {},
  source,
};

const stateDir = path.join(out, "state");
const store = new engine.FileStateStore(stateDir, { fsync: !values["no-fsync"] });
const services = {
  clock: engine.systemClock,
  random: Math.random,
  store,
  registry: values["flush-each"]
    ? engine.defaultStageRegistry().register({ ...engine.defaultStageRegistry().get("wait"), pure: false })
    : engine.defaultStageRegistry(),
  expressions: new engine.SpelEvaluator(),
};
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);
const t0 = performance.now();
const { runner } = engine.startExecution(services, { pipeline, executionId: "bench" });
const record = await runner.run();
const ms = performance.now() - t0;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
store.close();
const journal = path.join(stateDir, "executions", "bench", "journal.jsonl");
const events = fs.readFileSync(journal, "utf8").split("\n").filter(Boolean).length;
const t1 = performance.now();
const folded = engine.foldJournal(new engine.FileStateStore(stateDir).read("bench"));
const foldMs = performance.now() - t1;

const result = {
  stages: total,
  width,
  depth: Math.ceil(total / width),
  status: record.status,
  succeeded: record.stages.filter((s) => s.status === "SUCCEEDED").length,
  totalMs: Math.round(ms),
  perStageUs: Math.round((ms * 1000) / total),
  peakRssMiB: Math.round(peakRss / 1024 / 1024),
  baselineRssMiB: Math.round(baselineRss / 1024 / 1024),
  journalEvents: events,
  journalMiB: +(fs.statSync(journal).size / 1024 / 1024).toFixed(1),
  foldMs: Math.round(foldMs),
  foldMatches: folded.status === record.status && folded.stages.length === total,
  fsync: !values["no-fsync"],
  flushEach: values["flush-each"],
  node: process.version,
  cpus: os.cpus().length,
};
fs.rmSync(out, { recursive: true, force: true });
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(
    `${result.stages} wait-0s stages (${result.width} wide x ${result.depth} deep), journal fsync ${result.fsync ? "on" : "off"}${result.flushEach ? ", flushed before every stage call" : ""}`,
  );
  console.log(`  status ${result.status}, ${result.succeeded} SUCCEEDED`);
  console.log(`  total ${result.totalMs} ms, ${result.perStageUs} us per stage`);
  console.log(`  peak RSS ${result.peakRssMiB} MiB (${result.baselineRssMiB} MiB before the run)`);
  console.log(`  journal ${result.journalEvents} events, ${result.journalMiB} MiB; fold ${result.foldMs} ms`);
}
if (result.status !== "SUCCEEDED" || !result.foldMatches) process.exitCode = 1;
