#!/usr/bin/env node
// LSP benchmark driver (adapted from the team's shared driver): spawns a language server over
// stdio, replays the same client traffic (didOpen, incremental didChange, completion) and reports
// time-to-publishDiagnostics, completion latency percentiles, server CPU time and RSS as JSON.
//
//   node bench/lsp/driver.mjs --server "node path/to/server --stdio" --file F.pipeline.yml \
//        [--settings settings.json] [--edits 20] [--completions 200] [--label name] [--debounce-ms 200]
//        [--typing]  (edits append a character to the stage name instead of renaming it)
//        [--hovers 100] [--bursts 5]
// After the edits and completions: hover latency on a key and inside a `${ }` expression, then typing
// bursts (LSP-ANCHORS 4.3 step 7): 10 one-character edits 30 ms apart, timed from the last edit to the
// diagnostics of the final version (the publish that carries its version, or for a server that sends
// no version, the first publish after the last edit, which its debounce makes the final one).
// Percentiles are nearest-rank; with n < 100 samples p99 is simply the max.
// settings.json maps configuration sections to values; every workspace/configuration item is
// answered with settings[item.section] (dotted sections are walked), or null.
import { execSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const rpc = createRequire(import.meta.url)("vscode-jsonrpc/node");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--"))
      acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : "true"]);
    return acc;
  }, []),
);
const serverCmd = (args.server ?? "").split(" ").filter(Boolean);
const filePath = resolve(args.file);
const settings = args.settings ? JSON.parse(readFileSync(args.settings, "utf8")) : {};
const nEdits = Number(args.edits ?? 20);
const nCompletions = Number(args.completions ?? 200);
const nHovers = Number(args.hovers ?? 100);
const nBursts = Number(args.bursts ?? 5);
const label = args.label ?? serverCmd.join(" ");
const debounceMs = Number(args["debounce-ms"] ?? 0);
const CLK_TCK = Number(execSync("getconf CLK_TCK").toString().trim());

const uri = pathToFileURL(filePath).href;
const text = readFileSync(filePath, "utf8");
let lines = text.split("\n");
let version = 1;
let fullSync = false;

const proc = spawn(serverCmd[0], serverCmd.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
let stderr = "";
proc.stderr.on("data", (d) => (stderr += d));
const conn = rpc.createMessageConnection(
  new rpc.StreamMessageReader(proc.stdout),
  new rpc.StreamMessageWriter(proc.stdin),
);

// --- client-side request handlers the servers may call -----------------------------------
let _configAnswered = 0;
let onConfigAnswered = () => {};
function lookup(section) {
  if (!section) return settings;
  if (section in settings) return settings[section];
  return (
    section.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), settings) ?? null
  );
}
conn.onRequest("workspace/configuration", (params) => {
  const res = params.items.map((it) => lookup(it.section));
  _configAnswered++;
  setImmediate(onConfigAnswered);
  return res;
});
conn.onRequest("client/registerCapability", () => null);
conn.onRequest("client/unregisterCapability", () => null);
conn.onRequest("window/workDoneProgress/create", () => null);
conn.onRequest("workspace/workspaceFolders", () => [
  { uri: pathToFileURL(resolve(".")).href, name: "bench" },
]);
conn.onRequest((_method) => {
  return null; // any other server->client request
});
conn.onNotification(() => {}); // logMessage, telemetry, custom notifications

// publishDiagnostics waiters
let diagWaiters = [];
let _lastDiags = null;
let publishCount = 0;
conn.onNotification("textDocument/publishDiagnostics", (p) => {
  if (p.uri !== uri) return;
  _lastDiags = p;
  publishCount++;
  const ws = diagWaiters;
  diagWaiters = [];
  for (const w of ws) w(p);
});
const nextDiagnostics = () => new Promise((r) => diagWaiters.push(r));

conn.listen();

// --- helpers ---------------------------------------------------------------------------------
function procStats() {
  try {
    const stat = readFileSync(`/proc/${proc.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime+stime (fields 14,15)
    const status = readFileSync(`/proc/${proc.pid}/status`, "utf8");
    const kb = (k) => Number((status.match(new RegExp(`${k}:\\s+(\\d+)`)) ?? [0, 0])[1]);
    return { cpuMs, rssMiB: kb("VmRSS") / 1024, hwmMiB: kb("VmHWM") / 1024 };
  } catch {
    return { cpuMs: NaN, rssMiB: NaN, hwmMiB: NaN };
  }
}
const pct = (arr, p) => {
  const s = [...arr].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const summary = (arr) => ({
  n: arr.length,
  min: +Math.min(...arr).toFixed(1),
  p50: +pct(arr, 50).toFixed(1),
  p90: +pct(arr, 90).toFixed(1),
  p99: +pct(arr, 99).toFixed(1),
  max: +Math.max(...arr).toFixed(1),
});
const findLine = (test) => lines.findIndex(typeof test === "function" ? test : (l) => test.test(l));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function applyChange(range, newText) {
  // only single-line replacements / pure insertions of whole lines are used here
  const before = lines.slice(0, range.start.line);
  const after = lines.slice(range.end.line + 1);
  const head = lines[range.start.line].slice(0, range.start.character);
  const tail = lines[range.end.line].slice(range.end.character);
  const mid = (head + newText + tail).split("\n");
  lines = [...before, ...mid, ...after];
  version++;
  conn.sendNotification("textDocument/didChange", {
    textDocument: { uri, version },
    contentChanges: fullSync ? [{ text: lines.join("\n") }] : [{ range, text: newText }],
  });
}

// --- run -----------------------------------------------------------------------------------
const result = {
  label,
  file: filePath,
  bytes: Buffer.byteLength(text),
  lines: lines.length,
  node: process.version,
};
const t0 = performance.now();
const init = await conn.sendRequest("initialize", {
  processId: process.pid,
  rootUri: pathToFileURL(resolve(".")).href,
  workspaceFolders: [{ uri: pathToFileURL(resolve(".")).href, name: "bench" }],
  capabilities: {
    workspace: {
      configuration: true,
      workspaceFolders: true,
      didChangeConfiguration: { dynamicRegistration: true },
    },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: true },
      completion: {
        completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] },
      },
      hover: { contentFormat: ["markdown", "plaintext"] },
      formatting: { dynamicRegistration: true },
    },
  },
  initializationOptions: settings.__initializationOptions ?? {},
});
result.initializeMs = +(performance.now() - t0).toFixed(1);
result.serverName = init.serverInfo?.name;
const tds = init.capabilities?.textDocumentSync;
fullSync = (typeof tds === "number" ? tds : tds?.change) === 1; // 1 = Full, 2 = Incremental
result.sync = fullSync ? "full" : "incremental";
const configSeen = new Promise((r) => (onConfigAnswered = r));
conn.sendNotification("initialized", {});
if (settings.__expectConfigPull !== false) await Promise.race([configSeen, sleep(2000)]);
await sleep(300); // let the server settle after its config pull
result.idleAfterInit = procStats();

async function openOnce(tag) {
  const before = procStats();
  const ts = performance.now();
  const p = nextDiagnostics();
  conn.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "yaml", version, text: lines.join("\n") },
  });
  const d = await p;
  const wall = performance.now() - ts;
  const after = procStats();
  result[tag] = {
    wallMs: +wall.toFixed(1),
    wallMinusDebounceMs: +(wall - debounceMs).toFixed(1),
    serverCpuMs: +(after.cpuMs - before.cpuMs).toFixed(0),
    diagnostics: d.diagnostics.length,
    firstDiagnostics: d.diagnostics
      .slice(0, 3)
      .map((x) => `${x.range.start.line + 1}:${x.range.start.character + 1} ${x.message}`),
    rssMiB: +after.rssMiB.toFixed(1),
  };
}
await openOnce("openCold");
if (args["open-only"]) {
  // pathological-input mode (e.g. alias bombs): only measure didOpen -> publishDiagnostics
  result.final = procStats();
  await conn.sendRequest("shutdown");
  conn.sendNotification("exit");
  await sleep(200);
  proc.kill();
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
conn.sendNotification("textDocument/didClose", { textDocument: { uri } });
await sleep(300);
version++;
await openOnce("openWarm");

// Edits in the middle of the document: rename a stage, wait for diagnostics each time.
const mid = Math.floor(lines.length / 6 / 2) || 1;
const nameLine = findLine(new RegExp(`^\\s+name: Stage ${mid}$`));
const editTimes = [];
const editCpu = [];
for (let k = 0; k < nEdits; k++) {
  const cur = lines[nameLine];
  const col = cur.indexOf("name:");
  const before = procStats();
  const ts = performance.now();
  const p = nextDiagnostics();
  if (args.typing) {
    // Typing: one more character at the end of the name, so everything after it moves each time.
    const end = { line: nameLine, character: cur.length };
    applyChange({ start: end, end }, "x");
  } else {
    applyChange(
      { start: { line: nameLine, character: col }, end: { line: nameLine, character: cur.length } },
      `name: Stage ${mid}-e${k}`,
    );
  }
  await p;
  editTimes.push(performance.now() - ts - debounceMs);
  editCpu.push(procStats().cpuMs - before.cpuMs);
}
result.editToDiagnosticsMs = { ...summary(editTimes), note: `wall minus ${debounceMs} ms server debounce` };
result.editServerCpuMs = summary(editCpu);
// In order, to see the JIT's warm-up (the first edits) apart from the steady state.
result.editSamplesMs = editTimes.map((t) => Math.round(t));
result.afterEdits = procStats();

// Completion latency: (a) value position after `type: ` (enum), (b) key position at start of `name`.
async function completionSeries(tag, position, n) {
  const times = [];
  let items = 0;
  let sample = [];
  for (let i = 0; i < n; i++) {
    const ts = performance.now();
    const r = await conn.sendRequest("textDocument/completion", { textDocument: { uri }, position });
    times.push(performance.now() - ts);
    const arr = Array.isArray(r) ? r : (r?.items ?? []);
    items = arr.length;
    sample = arr.slice(0, 5).map((x) => x.label);
  }
  result[tag] = { first: +times[0].toFixed(1), ...summary(times.slice(1)), items, sample, position };
}
const typeLine = nameLine + 1; // `    type: ...` follows the edited name
await completionSeries(
  "completionValue",
  { line: typeLine, character: lines[typeLine].length },
  nCompletions,
);
await completionSeries(
  "completionKey",
  { line: nameLine, character: lines[nameLine].indexOf("name") },
  nCompletions,
);

// Typing case: insert a fresh indented line inside the stage and complete there.
const failLine = typeLine + 2;
{
  const p = nextDiagnostics();
  applyChange(
    {
      start: { line: failLine, character: lines[failLine].length },
      end: { line: failLine, character: lines[failLine].length },
    },
    "\n    ",
  );
  await p;
}
await completionSeries("completionNewKey", { line: failLine + 1, character: 4 }, nCompletions);

// Hover: (a) the `onFailure` key of the edited stage (schema description: both servers answer),
// (b) the stage name inside the next stage's `${ #stage('...') }` (only a server that reads
// expressions has anything to say).
async function hoverSeries(tag, position, n) {
  const times = [];
  let answer = null;
  for (let i = 0; i < n; i++) {
    const ts = performance.now();
    const r = await conn.sendRequest("textDocument/hover", { textDocument: { uri }, position });
    times.push(performance.now() - ts);
    const contents = r?.contents;
    const value =
      typeof contents === "string"
        ? contents
        : Array.isArray(contents)
          ? contents.map((c) => c.value ?? c).join(" ")
          : contents?.value;
    answer = value ? value.replace(/\s+/g, " ").slice(0, 80) : null;
  }
  result[tag] = { first: +times[0].toFixed(1), ...summary(times.slice(1)), answer, position };
}
if (nHovers >= 2) {
  const keyLine = findLine((l, i) => i > nameLine && /^\s+onFailure:/.test(l));
  await hoverSeries(
    "hoverKey",
    { line: keyLine, character: lines[keyLine].indexOf("onFailure") + 2 },
    nHovers,
  );
  const refLine = findLine((l, i) => i > nameLine + 1 && l.includes("#stage('"));
  if (refLine >= 0)
    await hoverSeries(
      "hoverExpression",
      { line: refLine, character: lines[refLine].indexOf("#stage('") + 10 },
      nHovers,
    );
}

// Typing bursts: 10 characters 30 ms apart at the end of a stage name, then the final diagnostics.
const burstTimes = [];
const burstPublishes = [];
for (let b = 0; b < nBursts; b++) {
  const line = findLine(new RegExp(`^\\s+name: Stage ${mid + 2 + b}$`));
  if (line < 0) break;
  const publishedBefore = publishCount;
  let lastSent = 0;
  for (let k = 0; k < 10; k++) {
    const end = { line, character: lines[line].length };
    applyChange({ start: end, end }, String(k));
    lastSent = performance.now();
    if (k < 9) await sleep(30);
  }
  const finalVersion = version;
  let d = await nextDiagnostics();
  while (d.version !== undefined && d.version !== finalVersion) d = await nextDiagnostics();
  burstTimes.push(performance.now() - lastSent - debounceMs);
  burstPublishes.push(publishCount - publishedBefore);
  await sleep(300);
}
if (burstTimes.length > 0) {
  result.burstToFinalDiagnosticsMs = {
    ...summary(burstTimes),
    note: `10 edits 30 ms apart; from the last edit, minus ${debounceMs} ms server debounce`,
    publishesPerBurst: burstPublishes,
  };
}
result.final = procStats();

await conn.sendRequest("shutdown");
conn.sendNotification("exit");
await sleep(200);
proc.kill();
if (stderr.trim()) result.stderrTail = stderr.trim().split("\n").slice(-5);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
