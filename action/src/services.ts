import {
  createNotifier,
  defaultStageRegistry,
  type ExecutionObserver,
  fetchHttpClient,
  fetchUrlFetcher,
  nodeProcessRunner,
  type Pipeline,
  SpelEvaluator,
  secretEnvName,
  systemClock,
} from "@capstan/core";
import type { RunContext } from "./context.js";
import type { SegmentOptions } from "./engine/segment-runner.js";
import * as core from "./workflow-commands.js";

/** Declared secrets from the env the workflow passes (CAPSTAN_SECRET_<NAME>), masked in the log. */
export function declaredSecrets(pipeline: Pipeline, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of pipeline.secrets) {
    const value = env[secretEnvName(name)];
    if (value) {
      core.setSecret(value);
      out[name] = value;
    }
  }
  return out;
}

/** Logs each owned stage as a collapsible group holding its output, written when it ends. */
export function groupingObserver(pipeline: Pipeline, owned: ReadonlySet<string>): ExecutionObserver {
  const logs = new Map<string, string>();
  const names = new Map(pipeline.stages.map((s) => [s.id, `${s.name} (${s.type})`]));
  return {
    onEvent(event, record) {
      const ref = (event as { refId?: string }).refId;
      if (!ref || !owned.has(ref)) return;
      if (event.kind === "stage.started") core.info(`▶ ${names.get(ref)} started`);
      if (event.kind === "stage.skipped") core.info(`⏭ ${names.get(ref)} skipped: ${event.reason}`);
      if (event.kind === "stage.updated" && event.waitingFor)
        core.info(`… ${names.get(ref)} waits for ${event.waitingFor}`);
      if (event.kind === "stage.completed") {
        const stage = record.stages.find((s) => s.refId === ref);
        core.startGroup(`${names.get(ref)}: ${event.status}`);
        const log = logs.get(ref);
        if (log) core.info(log.trimEnd());
        if (stage?.error) core.info(`error: ${stage.error}`);
        core.info(`outputs: ${JSON.stringify(stage?.outputs ?? {})}`);
        core.endGroup();
      }
    },
    onLog(refId, text) {
      logs.set(refId, (logs.get(refId) ?? "") + text);
    },
  };
}

/** The engine's outside world inside a GitHub job. */
export function engineServices(
  pipeline: Pipeline,
  ctx: RunContext,
  env: NodeJS.ProcessEnv,
  owned: ReadonlySet<string>,
): SegmentOptions["services"] {
  const stageEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    // Inputs (the token among them) and secrets do not leak into run stages' environment.
    if (v !== undefined && !k.startsWith("INPUT_") && !k.startsWith("CAPSTAN_SECRET_")) stageEnv[k] = v;
  }
  return {
    registry: defaultStageRegistry(),
    expressions: new SpelEvaluator(fetchUrlFetcher()),
    random: Math.random,
    processes: nodeProcessRunner,
    http: fetchHttpClient,
    workingDirectory: ctx.workspace,
    env: stageEnv,
    secrets: declaredSecrets(pipeline, env),
    user: ctx.actor,
    observer: groupingObserver(pipeline, owned),
    // Slack and webhook notifications (judgment awaiting/continue/stop, pipeline events).
    notifier: createNotifier({ http: fetchHttpClient, clock: systemClock }),
  };
}
