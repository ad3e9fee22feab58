// Canary judge benchmark: Capstan's NetflixACAJudge (core/src/canary) on 100 metrics x 10,000
// samples per side, side by side with R's wilcox.test(x, y, conf.int = TRUE, conf.level = 0.98,
// exact = FALSE, correct = TRUE) on the same samples, in one run. R is one long-lived Rscript
// process holding the samples; the two sides take turns batch by batch (alternating which goes
// first), so load from other processes hits both alike. Each side is timed in CPU (process CPU
// time: Node's process.cpuUsage, R's proc.time) and wall time. The run also checks that every
// metric's interval and estimate equal R's (to 1e-9).
// Run after `npm run build` (or `npx tsc -b core`), with Rscript installed (scripts/install-r.sh):
//   node bench/canary/run.mjs [--metrics 100] [--samples 10000] [--batch 10] [--out results.json]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { judgeCanary } from "../../core/dist/canary/index.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const METRICS = Number(option("metrics", 100));
const SAMPLES = Number(option("samples", 10_000));
const BATCH = Number(option("batch", 10));
const OUT = option("out", undefined);

// Seeded samples (mulberry32 + Box-Muller): latency-like log-normal values, some rounded to 0.1
// (ties, as Prometheus gauges give), some to whole units (heavy ties), a third shifted up 2%.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(20261207);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const metrics = [];
const pairs = [];
for (let m = 0; m < METRICS; m++) {
  const round = m % 3 === 0 ? 1 : m % 3 === 1 ? 10 : 0;
  const shift = m % 3 === 2 ? 1.02 : 1;
  const draw = (scale) => {
    const v = Math.exp(normal() * 0.3) * 100 * scale;
    return round ? Math.round(v * round) / round : v;
  };
  const name = `metric-${m}`;
  metrics.push({ name, query: { type: "prometheus", metricName: name }, groups: [`group-${m % 4}`] });
  pairs.push({
    name,
    values: {
      control: Array.from({ length: SAMPLES }, () => draw(1)),
      experiment: Array.from({ length: SAMPLES }, () => draw(shift)),
    },
  });
}

// R: the samples as raw doubles; per batch request, wilcox.test on each pair, times and results.
const dir = mkdtempSync(join(tmpdir(), "capstan-bench-canary-"));
const dataFile = join(dir, "pairs.bin");
const buffer = Buffer.alloc(4 + METRICS * (8 + 16 * SAMPLES));
let at = buffer.writeInt32LE(METRICS, 0);
for (const p of pairs) {
  at = buffer.writeInt32LE(p.values.experiment.length, at);
  at = buffer.writeInt32LE(p.values.control.length, at);
  for (const v of p.values.experiment) at = buffer.writeDoubleLE(v, at);
  for (const v of p.values.control) at = buffer.writeDoubleLE(v, at);
}
writeFileSync(dataFile, buffer);
const script = join(dir, "bench.R");
writeFileSync(
  script,
  String.raw`
args <- commandArgs(trailingOnly = TRUE)
input <- file(args[1], "rb")
count <- readBin(input, "integer", 1, size = 4, endian = "little")
xs <- vector("list", count); ys <- vector("list", count)
for (k in seq_len(count)) {
  n <- readBin(input, "integer", 2, size = 4, endian = "little")
  xs[[k]] <- readBin(input, "double", n[1], size = 8, endian = "little")
  ys[[k]] <- readBin(input, "double", n[2], size = 8, endian = "little")
}
close(input)
cat(R.version.string, "\n", sep = "")
stdin <- file("stdin", "r")
repeat {
  line <- readLines(stdin, n = 1)
  if (length(line) == 0 || line == "quit") break
  range <- as.integer(strsplit(line, " ")[[1]])
  before <- proc.time()
  results <- lapply(seq(range[1], range[2]), function(k)
    wilcox.test(xs[[k]], ys[[k]], conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE))
  spent <- proc.time() - before
  for (r in results) cat(sprintf("%a %a %a %a", r$p.value, r$conf.int[1], r$conf.int[2], r$estimate), "\n")
  cat("time", spent[["user.self"]] + spent[["sys.self"]], spent[["elapsed"]], "\n")
}
`,
);

const r = spawn("Rscript", ["--vanilla", script, dataFile], { stdio: ["pipe", "pipe", "inherit"] });
r.on("error", (error) => {
  console.error(`cannot run Rscript (${error.message}): install it with scripts/install-r.sh`);
  process.exit(2);
});
const lines = createInterface({ input: r.stdout });
const queue = [];
const waiting = [];
lines.on("line", (line) => (waiting.length ? waiting.shift()(line) : queue.push(line)));
const nextLine = () =>
  queue.length ? Promise.resolve(queue.shift()) : new Promise((res) => waiting.push(res));
const rVersion = await nextLine();

function parseHex(text) {
  if (text === "NaN" || text === "NA") return Number.NaN;
  if (text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  const m = /^(-?)0x([0-9a-f])(?:\.([0-9a-f]*))?p([+-]\d+)$/i.exec(text);
  if (!m) throw new Error(`not a hexadecimal float: ${text}`);
  let v = Number.parseInt(m[2], 16);
  if (m[3]) v += Number.parseInt(m[3], 16) / 16 ** m[3].length;
  v *= 2 ** Number(m[4]);
  return m[1] ? -v : v;
}

async function runR(from, to) {
  r.stdin.write(`${from + 1} ${to}\n`);
  const results = [];
  for (let k = from; k < to; k++) {
    const [pValue, lower, upper, estimate] = (await nextLine()).trim().split(" ").map(parseHex);
    results.push({ pValue, lower, upper, estimate });
  }
  const [, cpu, wall] = (await nextLine()).trim().split(" ");
  return { cpuMs: Number(cpu) * 1000, wallMs: Number(wall) * 1000, results };
}

function runCapstan(from, to) {
  const config = { name: "bench", metrics: metrics.slice(from, to) };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = judgeCanary(config, pairs.slice(from, to));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, result };
}

// Warm-up (not timed): the JIT compiles the judge on one small metric.
judgeCanary({ metrics: [metrics[0]] }, [
  {
    name: metrics[0].name,
    values: {
      control: pairs[0].values.control.slice(0, 500),
      experiment: pairs[0].values.experiment.slice(0, 500),
    },
  },
]);

const close = (a, b) =>
  a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const totals = { capstan: { cpuMs: 0, wallMs: 0 }, r: { cpuMs: 0, wallMs: 0 } };
const batches = [];
let mismatches = 0;
let identical = 0;
const full = runCapstan(0, METRICS);
for (let from = 0, b = 0; from < METRICS; from += BATCH, b++) {
  const to = Math.min(METRICS, from + BATCH);
  let ours;
  let theirs;
  if (b % 2 === 0) {
    ours = runCapstan(from, to);
    theirs = await runR(from, to);
  } else {
    theirs = await runR(from, to);
    ours = runCapstan(from, to);
  }
  ours.result.results.forEach((res, i) => {
    const mw = res.resultMetadata.mannWhitney;
    const t = theirs.results[i];
    const pairsOk =
      mw &&
      close(mw.pValue, t.pValue) &&
      close(mw.lowerConfidence, t.lower) &&
      close(mw.upperConfidence, t.upper) &&
      close(mw.estimate, t.estimate);
    if (!pairsOk) mismatches++;
    if (mw && mw.lowerConfidence === t.lower && mw.upperConfidence === t.upper && mw.estimate === t.estimate)
      identical++;
  });
  for (const side of ["capstan", "r"]) {
    const x = side === "capstan" ? ours : theirs;
    totals[side].cpuMs += x.cpuMs;
    totals[side].wallMs += x.wallMs;
  }
  batches.push({
    metrics: `${from}-${to - 1}`,
    capstanCpuMs: ours.cpuMs,
    rCpuMs: theirs.cpuMs,
    capstanWallMs: ours.wallMs,
    rWallMs: theirs.wallMs,
  });
  console.log(
    `metrics ${from}-${to - 1}: Capstan ${ours.cpuMs.toFixed(0)} ms CPU (${ours.wallMs.toFixed(0)} wall), R ${theirs.cpuMs.toFixed(0)} ms CPU (${theirs.wallMs.toFixed(0)} wall)`,
  );
}
const fullAgain = runCapstan(0, METRICS);
r.stdin.write("quit\n");
rmSync(dir, { recursive: true, force: true });

const summary = {
  date: new Date().toISOString(),
  node: process.version,
  metrics: METRICS,
  samplesPerSide: SAMPLES,
  batch: BATCH,
  capstan: { cpuMs: Math.round(totals.capstan.cpuMs), wallMs: Math.round(totals.capstan.wallMs) },
  r: { version: rVersion, cpuMs: Math.round(totals.r.cpuMs), wallMs: Math.round(totals.r.wallMs) },
  speedupCpu: Number((totals.r.cpuMs / totals.capstan.cpuMs).toFixed(1)),
  speedupWall: Number((totals.r.wallMs / totals.capstan.wallMs).toFixed(1)),
  wholeJudgeCall: [full, fullAgain].map((x) => ({
    cpuMs: Math.round(x.cpuMs),
    wallMs: Math.round(x.wallMs),
  })),
  agreement: { metrics: METRICS, mismatches, intervalAndEstimateBitIdentical: identical },
  batches,
};
console.log(
  `\n${METRICS} metrics x ${SAMPLES} samples per side: Capstan ${summary.capstan.cpuMs} ms CPU (${summary.capstan.wallMs} ms wall), R ${summary.r.cpuMs} ms CPU (${summary.r.wallMs} ms wall): ${summary.speedupCpu}x faster in CPU, ${summary.speedupWall}x in wall time (target 10x)`,
);
console.log(
  `one judgeCanary call on all ${METRICS} metrics: ${summary.wholeJudgeCall.map((x) => `${x.cpuMs} ms CPU / ${x.wallMs} ms wall`).join(", then ")}`,
);
console.log(
  `agreement with R (p-value, interval, estimate to 1e-9): ${METRICS - mismatches}/${METRICS}; interval and estimate bit-identical: ${identical}/${METRICS}`,
);
if (OUT) writeFileSync(OUT, `${JSON.stringify(summary, null, 2)}\n`);
process.exit(mismatches === 0 && summary.speedupCpu >= 10 ? 0 : 1);
