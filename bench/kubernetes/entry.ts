// Bundled by stable-latency.mjs: N deployManifest runs against the API-server double with the real
// kubectl; for each, the time from the ReplicaSet becoming stable in the double to the stage ending.

import { pipelineFrom } from "../../core/src/engine/testdata/kit.js";
import {
  defaultStageRegistry,
  type ExecutionRecord,
  MemoryStateStore,
  manifestStatus,
  nodeProcessRunner,
  providerServices,
  SpelEvaluator,
  startExecution,
  systemClock,
} from "../../core/src/index.js";
import { startKubeDouble } from "../../test/kube-double/index.js";

const pipeline = (n: number) => `
name: bench
stages:
  - id: deploy
    type: deployManifest
    manifests:
      - apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: web
          annotations: { strategy.spinnaker.io/max-version-history: "2" }
        spec:
          replicas: 2
          selector: { matchLabels: { app: web } }
          template:
            metadata: { labels: { app: web } }
            spec: { containers: [{ name: web, image: "web:${n}" }] }
`;

export async function run(options: { deploys: number; kubectl: string; readyDelayMs: number }) {
  const double = await startKubeDouble({ runtime: { simulated: { readyDelayMs: options.readyDelayMs } } });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const store = new MemoryStateStore();
  const services = {
    clock: systemClock,
    random: Math.random,
    store,
    registry: defaultStageRegistry(),
    expressions: new SpelEvaluator(),
    processes: nodeProcessRunner,
    workingDirectory: process.cwd(),
    env,
    providers: {
      ...providerServices([]),
      kubernetes: {
        settings: {
          accounts: [
            {
              name: "double",
              kubeconfigFile: double.kubeconfig,
              kubectl: options.kubectl,
              namespaces: [],
              default: true,
            },
          ],
        },
        application: "bench",
      },
    },
  };
  const delays: number[] = [];
  const totals: number[] = [];
  try {
    for (let i = 0; i < options.deploys; i++) {
      const started = startExecution(services, { pipeline: pipelineFrom(pipeline(i)), executionId: `b${i}` });
      if (!started.runner) throw new Error(started.errors.join("; "));
      const name = `web-v${String(i).padStart(3, "0")}`;
      let stableAt: number | undefined;
      const t0 = Date.now();
      // The moment the double holds the new version stable (checked every 2 ms, in this process).
      const watcher = setInterval(() => {
        if (stableAt !== undefined) return;
        const rs = double.get("ReplicaSet", "default", name);
        if (rs && manifestStatus(rs as never).stable) stableAt = Date.now();
      }, 2);
      const slow = setTimeout(() => {
        const st = store.read(`b${i}`);
        console.error(`deploy ${i} slow: ${JSON.stringify(st.slice(-3)).slice(0, 3000)}`);
        console.error(store.readLog(`b${i}`, "deploy"));
      }, 20_000);
      const record: ExecutionRecord = await started.runner.run();
      clearTimeout(slow);
      clearInterval(watcher);
      const stage = record.stages.find((s) => s.refId === "deploy");
      if (record.status !== "SUCCEEDED" || !stage?.endTime || stableAt === undefined)
        throw new Error(`deploy ${i}: ${record.status} ${stage?.error ?? ""} stableAt=${stableAt}`);
      delays.push(stage.endTime - stableAt);
      totals.push(stage.endTime - t0);
    }
  } finally {
    await double.stop();
  }
  return { delays, totals };
}
