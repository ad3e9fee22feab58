// Traffic for the demo service while a canary is analysed: the same requests to each load
// balancer given, for a bounded time, then a summary. (In Spinnaker the baseline and canary take a
// share of production traffic; on one machine this stands in for the users.)
//   node examples/app/load.js --duration 10m [--duration 1m ...] [--rps 20] [--path "/?delay=20"] URL...
// Durations add up (e.g. the warm-up and the lifetime). Only http:// URLs; it stops by itself.
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: "string", multiple: true, default: ["1m"] },
    rps: { type: "string", default: "20" },
    path: { type: "string", default: "/?delay=20" },
  },
});

const UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
function ms(text) {
  let total = 0;
  const t = String(text).trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) throw new Error(`not a duration: ${text}`);
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT[m[2]];
  return total;
}

const targets = positionals
  .map((u) => (/^[a-z]+:\/\//.test(u) ? u : `http://${u}`).replace(/\/+$/, ""))
  .filter((u) => /^http:\/\//.test(u));
if (targets.length === 0) {
  console.error("load.js: give at least one http:// load balancer URL");
  process.exit(2);
}
const durationMs = values.duration.reduce((sum, d) => sum + ms(d), 0);
const rps = Math.max(1, Math.min(500, Number(values.rps) || 20));
const end = Date.now() + durationMs;
const counts = new Map(targets.map((t) => [t, new Map()]));

function count(target, key) {
  const c = counts.get(target);
  c.set(key, (c.get(key) ?? 0) + 1);
}

async function hit(target) {
  try {
    const res = await fetch(`${target}${values.path}`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    count(target, String(res.status));
  } catch (error) {
    count(target, error?.name === "TimeoutError" ? "timeout" : "error");
  }
}

function summary() {
  for (const [target, c] of counts)
    console.log(`${target}: ${[...c].map(([k, n]) => `${k}=${n}`).join(" ") || "no answers yet"}`);
}

console.log(`load.js: ${rps} requests/s to each of ${targets.join(", ")} for ${durationMs / 1000}s`);
const inFlight = new Set();
const timer = setInterval(() => {
  if (Date.now() >= end) return;
  for (const t of targets) {
    const p = hit(t).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
}, 1000 / rps);
const report = setInterval(summary, 10_000);
setTimeout(async () => {
  clearInterval(timer);
  clearInterval(report);
  await Promise.allSettled([...inFlight]);
  summary();
}, durationMs);
