import {
  builtinStages,
  createNotifier,
  type EngineServices,
  type ExecutionObserver,
  type FileStateStore,
  fetchHttpClient,
  fetchUrlFetcher,
  type JudgmentGateway,
  type Notifier,
  nodeProcessRunner,
  type PipelineResolver,
  SpelEvaluator,
  systemClock,
} from "@capstan/core";
import type { CliIo } from "../io.js";
import { findRepository } from "../local/launcher.js";
import { localProviderServices } from "../local/provider-services.js";
import { localUser } from "../user.js";

/** The engine's services for a run from the terminal: real clock, files, processes, HTTP. */
export function cliServices(options: {
  io: CliIo;
  store: FileStateStore;
  judgments: JudgmentGateway;
  observer: ExecutionObserver;
  pipelines: PipelineResolver;
  notifier?: Notifier;
  /** Who runs it (default: `localUser`). */
  user?: string;
  /**
   * The run deploys server groups: it may start a local supervisor that `capstan local down`
   * stopped (a run that only acts on existing ones may not).
   */
  deploys?: boolean;
}): EngineServices {
  const { io } = options;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  return {
    clock: systemClock,
    random: Math.random,
    store: options.store,
    registry: (io.stages ?? builtinStages()).registry(),
    expressions: new SpelEvaluator(fetchUrlFetcher()),
    processes: nodeProcessRunner,
    http: fetchHttpClient,
    judgments: options.judgments,
    pipelines: options.pipelines,
    notifier:
      options.notifier ??
      createNotifier({
        http: fetchHttpClient,
        clock: systemClock,
        allowLoopbackUrls: io.env.CAPSTAN_ALLOW_LOOPBACK_URLS === "1",
      }),
    observer: options.observer,
    workingDirectory: io.cwd,
    env,
    secrets: env,
    user: options.user ?? localUser(io.env, io.cwd),
    allowLoopbackUrls: io.env.CAPSTAN_ALLOW_LOOPBACK_URLS === "1",
    providers: localProviderServices(findRepository(io.cwd), io.stderr, { deploys: options.deploys }),
  };
}
