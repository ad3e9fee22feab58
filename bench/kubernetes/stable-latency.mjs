// The delay from a workload becoming stable in the cluster to its deployManifest stage ending:
// watch-based (kubectl get -w wakes the stage), p50/p99 over N deploys. Target p99 < 1 s
// (Spinnaker's agents poll and cache for many seconds). The cluster is the API-server double in
// this process, driven by the real kubectl. Usage:
//   node bench/kubernetes/stable-latency.mjs [--deploys 50] [--kubectl /usr/bin/kubectl] [--ready-delay-ms 300] [--json]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    deploys: { type: "string", default: "50" },
    kubectl: { type: "string", default: "kubectl" },
    "ready-delay-ms": { type: "string", default: "300" },
    json: { type: "boolean", default: false },
  },
});
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
// Inside the repository, so the bundle's external packages (yaml, ajv ...) resolve from node_modules.
fs.mkdirSync(path.join(root, "node_modules/.cache"), { recursive: true });
const out = fs.mkdtempSync(path.join(root, "node_modules/.cache/capstan-bench-k8s-"));
const bundle = path.join(out, "entry.mjs");
const builder = `import("rolldown").then(({ build }) => build({ input: ${JSON.stringify(path.join(here, "entry.ts"))}, platform: "node", external: [/^[^./]/], output: { file: ${JSON.stringify(bundle)}, format: "esm", codeSplitting: false }, logLevel: "silent" }))`;
const built = spawnSync(process.execPath, ["--input-type=module", "-e", builder], {
  cwd: root,
  stdio: "inherit",
});
if (built.status !== 0) process.exit(1);
process.env.KUBE_DOUBLE_OPENAPI_DIR ??= path.join(root, "test/kube-double/openapi");

const { run } = await import(pathToFileURL(bundle).href);
const { delays, totals } = await run({
  deploys: Number(values.deploys),
  kubectl: values.kubectl,
  readyDelayMs: Number(values["ready-delay-ms"]),
});
fs.rmSync(out, { recursive: true, force: true });
const q = (list, p) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const result = {
  deploys: delays.length,
  stableToCompleteMs: {
    p50: q(delays, 50),
    p99: q(delays, 99),
    max: Math.max(...delays),
    min: Math.min(...delays),
  },
  stageMs: { p50: q(totals, 50), p99: q(totals, 99) },
  targetP99Ms: 1000,
  met: q(delays, 99) < 1000,
  load: os.loadavg()[0].toFixed(2),
};
if (values.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`deployManifest, ${result.deploys} deploys, kubectl ${values.kubectl}, load ${result.load}`);
  console.log(
    `stable -> stage complete: p50 ${result.stableToCompleteMs.p50} ms, p99 ${result.stableToCompleteMs.p99} ms, max ${result.stableToCompleteMs.max} ms (target p99 < 1000 ms: ${result.met ? "met" : "NOT met"})`,
  );
  console.log(`whole stage: p50 ${result.stageMs.p50} ms, p99 ${result.stageMs.p99} ms`);
}
process.exit(result.met ? 0 : 1);
