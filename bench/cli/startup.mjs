#!/usr/bin/env node
// CLI start-up: `capstan --help`, and `validate`, `graph`, `compile` of one example, each in a
// fresh process, against bare `node -e 0` in the same rounds. Every round runs every command once
// (one CLI after the other when several are given), so a change in the machine's load hits them
// all alike; medians of wall time and of CPU time (user + sys, from /usr/bin/time when there is
// one). The environment is PATH and HOME only: this machine's NODE_EXTRA_CA_CERTS alone costs node
// about 100 ms at start, which a user's machine does not pay.
// Targets: validate, graph and compile under 150 ms wall, --help under 80 ms.
// Usage: node bench/cli/startup.mjs [--runs 15] [--cli cli/bin/capstan.js]... [--json]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const root = new URL("../..", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    cli: { type: "string", multiple: true },
    json: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const clis = (values.cli ?? [join(root, "cli", "bin", "capstan.js")]).map((c) => resolve(c));
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const time = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const out = mkdtempSync(join(tmpdir(), "capstan-bench-cli-"));
const loadBefore = loadavg().map((x) => +x.toFixed(2));

const example = "examples/deploy.yml";
const commands = [
  { name: "node -e 0", cli: undefined, args: ["-e", "0"] },
  ...clis.flatMap((cli) => [
    { name: "--help", cli, args: [cli, "--help"] },
    { name: `validate ${example}`, cli, args: [cli, "validate", example] },
    { name: `graph ${example}`, cli, args: [cli, "graph", example] },
    { name: `compile ${example}`, cli, args: [cli, "compile", example, "--out-dir", out] },
  ]),
];

/** One run: wall ms, and CPU ms (user + sys) when /usr/bin/time can say. */
function once(command) {
  const argv = time
    ? [time, "-f", "%U %S", process.execPath, ...command.args]
    : [process.execPath, ...command.args];
  const t = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, env, encoding: "utf8" });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command.name} exited ${r.status}: ${r.stderr}`);
  const line = time ? r.stderr.trim().split("\n").at(-1) : "";
  const [user, sys] = line.split(" ").map(Number);
  return { wall, cpu: time ? (user + sys) * 1000 : Number.NaN };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const c of commands) once(c); // warm-up: the file cache, not the processes
const samples = commands.map(() => ({ wall: [], cpu: [] }));
for (let r = 0; r < runs; r++) {
  commands.forEach((c, i) => {
    const s = once(c);
    samples[i].wall.push(s.wall);
    samples[i].cpu.push(s.cpu);
  });
}
rmSync(out, { recursive: true, force: true });
const bare = median(samples[0].wall);
const rows = commands.map((c, i) => ({
  cli: c.cli ? c.cli.replace(root, "") : "",
  command: c.name,
  wallMs: Math.round(median(samples[i].wall)),
  cpuMs: Math.round(median(samples[i].cpu)),
  overBareNodeMs: Math.round(median(samples[i].wall) - bare),
}));
const result = {
  runs,
  node: process.version,
  loadBefore,
  loadAfter: loadavg().map((x) => +x.toFixed(2)),
  rows,
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(
    `${runs} runs each, median; load average ${loadBefore.join(" ")} before, ${result.loadAfter.join(" ")} after`,
  );
  console.log("  wall ms   cpu ms   over node -e 0   command");
  for (const r of rows) {
    console.log(
      `  ${String(r.wallMs).padStart(7)}  ${String(r.cpuMs).padStart(7)}  ${String(r.overBareNodeMs).padStart(15)}   ${r.cli ? `${r.cli} ` : ""}${r.command}`,
    );
  }
}
