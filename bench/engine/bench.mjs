// Engine benchmark: 10,000 `wait: 0s` stages in a wide-and-deep DAG, journaled to disk (fsync per
// batch). Prints total time, per-stage overhead and peak memory. Usage:
//   node bench/engine/bench.mjs [--stages 10000] [--width 100] [--no-fsync] [--json]
//   node bench/engine/bench.mjs --stages 100000                 # the 100,000-stage run
//   node bench/engine/bench.mjs --executions 1000 [--stages 100] # executions in a row, memory slope
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as v8 from "node:v8";
import * as vm from "node:vm";

const { values } = parseArgs({
  options: {
    stages: { type: "string" },
    width: { type: "string" },
    // Runs this many executions one after the other with the same services and state directory
    // (as child pipelines and a long-lived process do) and samples memory after each 100.
    executions: { type: "string", default: "1" },
    // Stages that wait this long (e.g. 1ms) instead of 0s: every stage then ends in a later step,
    // so the scheduler's cost per step shows (a wait of 0s ends in the step that starts it).
    wait: { type: "string", default: "0s" },
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
const builder = `import("rolldown").then(({ build }) => build({ input: ${JSON.stringify(path.join(here, "engine-entry.ts"))}, platform: "node", output: { file: ${JSON.stringify(bundle)}, format: "esm", codeSplitting: false }, logLevel: "silent" }))`;
const built = spawnSync(process.execPath, ["--input-type=module", "-e", builder], {
  cwd: here,
  stdio: "inherit",
});
if (built.status !== 0) throw new Error("bundling the engine failed");
const engine = await import(bundle);
const baselineRss = process.memoryUsage().rss;

const executions = Number(values.executions);
const total = Number(values.stages ?? (executions > 1 ? 100 : 10000));
const width = Number(values.width ?? (executions > 1 ? 10 : 100));
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
    config: { id: `s${i}`, type: "wait", duration: values.wait, dependsOn },
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
if (executions > 1) {
  await inARow();
  process.exit(process.exitCode ?? 0);
}

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Open file descriptors of this process (Linux), to see a store that keeps one per execution. */
function openFds() {
  try {
    return fs.readdirSync("/proc/self/fd").length;
  } catch {
    return -1;
  }
}

/**
 * `executions` executions of the pipeline one after the other, with the same services and state
 * directory. After each 100, a full GC, then the heap in use, RSS and open files are sampled;
 * the slopes over the samples say whether memory grows with the number of finished executions.
 */
async function inARow() {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  const every = Math.min(100, executions);
  const samples = [];
  const t = performance.now();
  let failed = 0;
  for (let n = 1; n <= executions; n++) {
    const { runner } = engine.startExecution(services, { pipeline, executionId: `bench-${n}` });
    const record = await runner.run();
    if (record.status !== "SUCCEEDED") failed++;
    if (n % every === 0) {
      gc();
      const m = process.memoryUsage();
      samples.push({ executions: n, heapMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20, fds: openFds() });
    }
  }
  const ms = performance.now() - t;
  store.close();
  const xs = samples.map((x) => x.executions);
  const result = {
    executions,
    stagesEach: total,
    failed,
    totalMs: Math.round(ms),
    perExecutionMs: +(ms / executions).toFixed(2),
    heapSlopeKiBPerExecution: +(
      slope(
        xs,
        samples.map((x) => x.heapMiB),
      ) * 1024
    ).toFixed(2),
    rssSlopeKiBPerExecution: +(
      slope(
        xs,
        samples.map((x) => x.rssMiB),
      ) * 1024
    ).toFixed(2),
    // The same without the first sample (the first executions warm the process up: JIT, pools).
    rssSlopeAfterFirstKiBPerExecution: +(
      slope(
        xs.slice(1),
        samples.slice(1).map((x) => x.rssMiB),
      ) * 1024
    ).toFixed(2),
    fdsSlopePerExecution: +slope(
      xs,
      samples.map((x) => x.fds),
    ).toFixed(3),
    samples: samples.map((x) => ({
      executions: x.executions,
      heapMiB: +x.heapMiB.toFixed(1),
      rssMiB: +x.rssMiB.toFixed(1),
      fds: x.fds,
    })),
    baselineRssMiB: Math.round(baselineRss / 1024 / 1024),
    peakRssMiB: Math.round((process.resourceUsage().maxRSS * 1024) / 1024 / 1024),
    fsync: !values["no-fsync"],
    node: process.version,
    cpus: os.cpus().length,
  };
  fs.rmSync(out, { recursive: true, force: true });
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(
      `${executions} executions in a row, ${total} wait-${values.wait} stages each (${width} wide), journal fsync ${result.fsync ? "on" : "off"}`,
    );
    console.log(
      `  ${executions - failed} SUCCEEDED; ${result.totalMs} ms, ${result.perExecutionMs} ms per execution`,
    );
    console.log("  after   heap MiB   RSS MiB   open files   (full GC before each sample)");
    for (const x of result.samples) {
      console.log(
        `  ${String(x.executions).padStart(5)}   ${x.heapMiB.toFixed(1).padStart(8)}   ${x.rssMiB.toFixed(1).padStart(7)}   ${String(x.fds).padStart(10)}`,
      );
    }
    console.log(
      `  slope per execution: heap ${result.heapSlopeKiBPerExecution} KiB, RSS ${result.rssSlopeKiBPerExecution} KiB (${result.rssSlopeAfterFirstKiBPerExecution} KiB after the first sample), open files ${result.fdsSlopePerExecution}`,
    );
    console.log(`  peak RSS ${result.peakRssMiB} MiB (${result.baselineRssMiB} MiB before the runs)`);
  }
  if (failed > 0) process.exitCode = 1;
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const { runner } = engine.startExecution(services, { pipeline, executionId: "bench" });
const record = await runner.run();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
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
  // CPU time of this process over the run (user + system): what the run costs on a loaded machine.
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
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
  console.log(`  total ${result.totalMs} ms (CPU ${result.cpuMs} ms), ${result.perStageUs} us per stage`);
  console.log(`  peak RSS ${result.peakRssMiB} MiB (${result.baselineRssMiB} MiB before the run)`);
  console.log(`  journal ${result.journalEvents} events, ${result.journalMiB} MiB; fold ${result.foldMs} ms`);
}
if (result.status !== "SUCCEEDED" || !result.foldMatches) process.exitCode = 1;
