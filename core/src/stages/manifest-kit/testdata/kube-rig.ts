import { startExecution } from "../../../engine/engine.js";
import type { ExecutionRecord } from "../../../engine/record.js";
import { SpelEvaluator } from "../../../engine/spel-evaluator.js";
import { MemoryStateStore } from "../../../engine/state-store.js";
import { harness, pipelineFrom } from "../../../engine/testdata/kit.js";
import type { EngineServices } from "../../../engine/types.js";
import type { KubernetesSettings } from "../../../providers/kubernetes/accounts.js";
import { FakeKubectl } from "../../../providers/kubernetes/testdata/fake-kubectl.js";
import { providerServices } from "../../../providers/services.js";
import type { TrafficGuard } from "../../../providers/traffic-guards.js";

/** Runs manifest-stage pipelines against one FakeKubectl, execution after execution. */
export class KubeRig {
  readonly kubectl = new FakeKubectl();
  readonly store = new MemoryStateStore();
  private n = 0;
  settings: KubernetesSettings = { accounts: [] };
  guards: TrafficGuard[] = [];
  extra: Partial<EngineServices> = {};
  /** false: kubectl and helm run for real, through the engine's processes. */
  fake = true;

  async run(yaml: string, options: { trigger?: Record<string, unknown> } = {}): Promise<ExecutionRecord> {
    const providers = {
      ...providerServices([], this.guards),
      kubernetes: {
        settings: this.settings,
        runner: this.fake ? this.kubectl : undefined,
        application: "shop",
        pollMs: 50,
      },
    };
    const { services } = harness({
      store: this.store,
      expressions: new SpelEvaluator(),
      providers,
      ...this.extra,
    });
    const id = `e${++this.n}`;
    const started = startExecution(services, { pipeline: pipelineFrom(yaml), executionId: id, ...options });
    if (!started.runner) throw new Error(started.errors.join("; "));
    return started.runner.run();
  }

  log(record: ExecutionRecord, refId: string): string {
    return this.store.readLog(record.id, refId);
  }
}

export const stageOf = (record: ExecutionRecord, refId: string) => {
  const s = record.stages.find((x) => x.refId === refId);
  if (!s) throw new Error(`no stage ${refId}`);
  return s;
};
