#!/usr/bin/env node
// Runs every benchmark one after the other (they measure time, so never in parallel) and prints
// each one's own report. Needs a build first: `npm run build`. Each benchmark's README explains
// its method and keeps the last figures; bench/README.md collects them.
// Usage: npm run bench [-- --only validate,engine]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const benches = [
  { name: "validate", args: ["bench/validate/run.mjs"] },
  { name: "expr", args: ["bench/expr/run.mjs"] },
  { name: "engine", args: ["bench/engine/bench.mjs"] },
  { name: "lsp", args: ["bench/lsp/run.mjs"] },
  { name: "local", args: ["bench/local/zero-downtime.mjs"] },
  { name: "action", args: ["bench/action/run.mjs"] },
  { name: "kubernetes", args: ["bench/kubernetes/stable-latency.mjs"] },
];

const at = process.argv.indexOf("--only");
const only = at >= 0 ? new Set(process.argv[at + 1].split(",")) : undefined;
let failed = 0;
for (const bench of benches) {
  if (only && !only.has(bench.name)) continue;
  if (!existsSync(`${root}/${bench.args[0]}`)) {
    console.log(`\n## ${bench.name}: ${bench.args[0]} is missing, skipped`);
    continue;
  }
  console.log(`\n## ${bench.name}: node ${bench.args.join(" ")}\n`);
  const result = spawnSync(process.execPath, bench.args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
