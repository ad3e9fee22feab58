// Validation benchmark: cold (first call in a fresh process, schema compile included) and warm
// (median of repeated calls) times of validatePipelineText on generated pipelines, 200 to 20,000 stages.
// Run after `npm run build`: node bench/validate/run.mjs [--sizes 200,2000,20000] [--runs 5]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generatePipeline } from "./generate.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};

if (args[0] === "--child") {
  const { validatePipelineText } = await import("../../core/dist/index.js");
  const size = Number(args[1]);
  const runs = Number(args[2]);
  const text = generatePipeline(size);
  const t0 = performance.now();
  const first = validatePipelineText(text, "bench.yml");
  const cold = performance.now() - t0;
  const errors = first.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0)
    throw new Error(`generated pipeline has errors: ${errors[0].code} ${errors[0].message}`);
  const warm = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    validatePipelineText(text, "bench.yml");
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(
    JSON.stringify({ size, bytes: text.length, cold, warm: warm[Math.floor(warm.length / 2)], rss }),
  );
} else {
  const sizes = option("--sizes", "200,2000,5000,20000").split(",").map(Number);
  const runs = Number(option("--runs", "5"));
  const rows = [];
  for (const size of sizes) {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", String(size), String(runs)],
      {
        encoding: "utf8",
      },
    );
    if (child.status !== 0) throw new Error(child.stderr);
    rows.push(JSON.parse(child.stdout.trim().split("\n").pop()));
  }
  const base = rows[0];
  console.log(
    "| stages | bytes | cold ms | warm ms (median) | warm µs/stage | scaling vs smallest | RSS MiB |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    const scale = (r.warm / base.warm / (r.size / base.size)).toFixed(2);
    console.log(
      `| ${r.size} | ${r.bytes} | ${r.cold.toFixed(0)} | ${r.warm.toFixed(0)} | ${((r.warm * 1000) / r.size).toFixed(0)} | ${scale}x linear | ${r.rss.toFixed(0)} |`,
    );
  }
}
