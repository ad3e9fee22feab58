#!/usr/bin/env node
// Runs our language server and yaml-language-server side by side on the same generated pipelines
// (LSP-ANCHORS section 4.3): same driver, same fixture, the server pinned to CPU 1 and the driver to
// CPU 0 when `taskset` exists. Writes bench/lsp/results.json and prints a markdown table.
//   node bench/lsp/run.mjs [--sizes 200,2000,5000] [--edits 20] [--completions 200] [--ylsp-completions 50]
//                          [--typing]  (edits append a character to a stage name: everything after it moves)
//                          [--no-expressions]  (the fixture without its `${ }` expressions: no expression checks)
//                          [--runs 3]  (A/B/A/B; the table shows each server's median run by edit p50)
//                          [--alias-stages 200]  (0 skips the anchor/alias fixture and the alias bomb)
import { execFileSync, execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { aliasBombText, aliasPipelineText, pipelineText } from "./generate.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith("--") ? [[a.slice(2), all[i + 1]]] : [])),
);
const sizes = (args.sizes ?? "200,2000,5000").split(",").map(Number);
const edits = args.edits ?? "20";
const completions = args.completions ?? "200";
const ylspCompletions = args["ylsp-completions"] ?? "50";
const typing = "typing" in args;
const expressions = !("no-expressions" in args);
const runs = Number(args.runs ?? 1);
const aliasStages = Number(args["alias-stages"] ?? 200);
const out = resolve(tmpdir(), "capstan-lsp-bench");
mkdirSync(out, { recursive: true });
const hasTaskset = (() => {
  try {
    execSync("taskset -c 0 true");
    return true;
  } catch {
    return false;
  }
})();
const pin = (cpu, cmd) => (hasTaskset ? `taskset -c ${cpu} ${cmd}` : cmd);

const schema = resolve(repo, "schemas/pipeline.schema.json");
const ylspSettings = resolve(out, "ylsp-settings.json");
writeFileSync(
  ylspSettings,
  JSON.stringify({
    yaml: {
      schemas: { [pathToFileURL(schema).href]: "**/*.pipeline.yml" },
      schemaStore: { enable: false },
      validate: true,
      completion: true,
      hover: true,
      format: { enable: false },
    },
    http: { proxy: "", proxyStrictSSL: false },
    "[yaml]": {},
    editor: { tabSize: 2 },
    files: {},
  }),
);
const oursSettings = resolve(out, "capstan-settings.json");
writeFileSync(oursSettings, JSON.stringify({ __expectConfigPull: false }));

execSync("npx tsc -b language-server", { cwd: repo, stdio: "inherit" });
const serverBin = resolve(repo, "language-server/bin/capstan-language-server.js");
const serverNodeFlags = readFileSync(serverBin, "utf8")
  .split("\n")[0]
  .split(/\s+/)
  .filter((word) => word.startsWith("--"));
const servers = [
  {
    label: "capstan",
    // As the bin starts it: node with the V8 flags of its `#!/usr/bin/env -S node ...` line.
    cmd: `node ${serverNodeFlags.join(" ")} ${serverBin} --stdio`.replace(/ +/g, " "),
    settings: oursSettings,
    debounce: 0,
    completions,
  },
  {
    label: "yaml-language-server",
    cmd: `node ${resolve(repo, "node_modules/yaml-language-server/bin/yaml-language-server")} --stdio`,
    settings: ylspSettings,
    debounce: 200,
    completions: ylspCompletions,
  },
];

function drive(server, file, n, extra = []) {
  const load = readFileSync("/proc/loadavg", "utf8").trim();
  const cmd = [
    ...pin(0, process.execPath).split(" "),
    resolve(here, "driver.mjs"),
    "--server",
    pin(1, server.cmd),
    "--file",
    file,
    "--settings",
    server.settings,
    "--edits",
    edits,
    "--completions",
    server.completions,
    "--hovers",
    server.completions,
    "--debounce-ms",
    String(server.debounce),
    "--label",
    server.label,
    ...(typing ? ["--typing"] : []),
    ...extra,
  ];
  // A server that does not finish in 15 minutes is reported as such (yaml-language-server on the
  // alias fixture at 2,000 stages: yaml's Alias#resolve walks the whole tree for every alias).
  const json = execFileSync(cmd[0], cmd.slice(1), {
    cwd: out,
    maxBuffer: 64 << 20,
    encoding: "utf8",
    timeout: 15 * 60_000,
    killSignal: "SIGKILL",
  });
  return { stages: n, load, loadAfter: readFileSync("/proc/loadavg", "utf8").trim(), ...JSON.parse(json) };
}

const results = [];
for (const n of sizes) {
  const file = resolve(out, `pipeline-${n}${expressions ? "" : "-plain"}.pipeline.yml`);
  writeFileSync(file, pipelineText(n, { expressions }));
  // A/B/A/B (LSP-ANCHORS 4.3): each run measures both servers, and the table shows each server's
  // run with the median edit p50; every run's headline figures are kept in `runs`.
  const byServer = new Map(servers.map((server) => [server.label, []]));
  for (let run = 0; run < runs; run++) {
    for (const server of servers) {
      const result = drive(server, file, n);
      byServer.get(server.label).push(result);
      console.error(
        `${server.label} ${n} (run ${run + 1}/${runs}): edit p50 ${result.editToDiagnosticsMs.p50} ms, completion p99 ${result.completionValue.p99}/${result.completionKey.p99}/${result.completionNewKey.p99} ms, peak ${result.final.hwmMiB.toFixed(0)} MiB`,
      );
    }
  }
  for (const list of byServer.values()) {
    const sorted = [...list].sort((a, b) => a.editToDiagnosticsMs.p50 - b.editToDiagnosticsMs.p50);
    const median = sorted[(sorted.length - 1) >> 1];
    median.runs = list.map((r) => ({
      editP50: r.editToDiagnosticsMs.p50,
      completionP99: [r.completionValue.p99, r.completionKey.p99, r.completionNewKey.p99],
      peakMiB: Math.round(r.final.hwmMiB),
      load: r.load,
    }));
    results.push(median);
  }
}

// Anchors and aliases (LSP-ANCHORS 4.3 step 7): the same pipeline with `&anchor`s in its first
// stages and `*alias`es in every later one (fewer edits and completions: every edit re-parses the
// whole file for both servers), then an alias bomb, open only.
const aliasResults = [];
if (aliasStages > 0) {
  const file = resolve(out, `alias-${aliasStages}.pipeline.yml`);
  writeFileSync(file, aliasPipelineText(aliasStages));
  const bomb = resolve(out, "alias-bomb.pipeline.yml");
  writeFileSync(bomb, aliasBombText());
  for (const server of servers) {
    const few = { ...server, completions: "20" };
    let result;
    try {
      result = drive(few, file, aliasStages, ["--edits", "10", "--bursts", "3"]);
    } catch (error) {
      console.error(
        `${server.label} aliases ${aliasStages}: did not finish (${error.message.split("\n")[0]})`,
      );
      continue;
    }
    result.fixture = "aliases";
    const bombed = drive(server, bomb, 1, ["--open-only", "true"]);
    result.aliasBomb = { ...bombed.openCold, peakMiB: +bombed.final.hwmMiB.toFixed(0) };
    aliasResults.push(result);
    console.error(
      `${server.label} aliases ${aliasStages}: edit p50 ${result.editToDiagnosticsMs.p50} ms; alias bomb open ${result.aliasBomb.wallMinusDebounceMs} ms`,
    );
  }
}

writeFileSync(
  resolve(
    here,
    typing ? "results-typing.json" : expressions ? "results.json" : "results-no-expressions.json",
  ),
  `${JSON.stringify([...results, ...aliasResults], null, 2)}\n`,
);

const row = (r) =>
  `| ${r.label} | ${r.stages} | ${r.openCold.wallMinusDebounceMs} / ${r.openWarm.wallMinusDebounceMs} | ${r.editToDiagnosticsMs.p50} / ${r.editToDiagnosticsMs.p99} | ${r.editServerCpuMs.p50} | ${r.completionValue.p50} / ${r.completionValue.p99} | ${r.completionKey.p50} / ${r.completionKey.p99} | ${r.completionNewKey.p50} / ${r.completionNewKey.p99} | ${r.openWarm.diagnostics} | ${r.afterEdits.rssMiB.toFixed(0)} / ${r.final.hwmMiB.toFixed(0)} |`;
console.log(
  "| server | stages | open cold / warm ms | edit→diagnostics p50 / p99 ms | edit CPU p50 ms | completion enum p50 / p99 | key p50 / p99 | new line p50 / p99 | diagnostics | RSS after edits / peak MiB |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) console.log(row(r));

const more = (r) => {
  const b = r.burstToFinalDiagnosticsMs;
  return `| ${r.label} | ${r.stages}${r.fixture ? ` (${r.fixture})` : ""} | ${r.hoverKey.p50} / ${r.hoverKey.p99} | ${r.hoverExpression ? `${r.hoverExpression.p50} / ${r.hoverExpression.p99}` : "-"} | ${b ? `${b.p50} / ${b.max}` : "-"} | ${b ? b.publishesPerBurst.join(",") : "-"} |`;
};
console.log(
  "\nHover and typing bursts (10 edits 30 ms apart; from the last edit to the final version's diagnostics):\n",
);
console.log(
  "| server | stages | hover key p50 / p99 ms | hover in `${ }` p50 / p99 | burst → final diagnostics p50 / max ms | publishes per burst |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of [...results, ...aliasResults]) console.log(more(r));
if (aliasResults.length > 0) {
  console.log("\nAnchors and aliases:\n");
  console.log(
    "| server | stages | open cold ms | edit→diagnostics p50 / p99 ms | completion enum / key / new line p99 ms | diagnostics | peak MiB | alias bomb: open ms, diagnostics, peak MiB |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of aliasResults) {
    console.log(
      `| ${r.label} | ${r.stages} | ${r.openCold.wallMinusDebounceMs} | ${r.editToDiagnosticsMs.p50} / ${r.editToDiagnosticsMs.p99} | ${r.completionValue.p99} / ${r.completionKey.p99} / ${r.completionNewKey.p99} | ${r.openWarm.diagnostics} | ${r.final.hwmMiB.toFixed(0)} | ${r.aliasBomb.wallMinusDebounceMs}, ${r.aliasBomb.diagnostics}, ${r.aliasBomb.peakMiB} |`,
    );
  }
}
