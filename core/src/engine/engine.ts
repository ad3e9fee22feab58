import type { Pipeline } from "../model/types.js";
import { EventIdGenerator, newWriterId } from "./event-id.js";
import type { JournalEvent } from "./events.js";
import type { ExecutionRecord } from "./record.js";
import { foldJournal } from "./reducers.js";
import { ExecutionRunner } from "./runner.js";
import type { EngineServices } from "./services.js";

export interface StartOptions {
  pipeline: Pipeline;
  pipelineFile?: string;
  /** Supplied parameter values; declared defaults fill the rest. */
  parameters?: Record<string, unknown>;
  /** The trigger (type defaults to manual, user to the services' user). */
  trigger?: Record<string, unknown>;
  /** Execution id; generated when absent. */
  executionId?: string;
}

/**
 * Orca's parameter defaulting: a supplied value when its key is present, else the declared
 * default; Capstan also rejects a missing required value and a value outside `options`. Names are
 * ordinary keys (`constructor`, `toString`, `__proto__` included): only the supplied map's own keys
 * count, and the result is a map without a prototype.
 */
export function resolveParameters(
  pipeline: Pipeline,
  supplied: Record<string, unknown> = {},
): { parameters: Record<string, unknown>; errors: string[] } {
  const parameters: Record<string, unknown> = Object.create(null);
  const errors: string[] = [];
  for (const p of pipeline.parameters) {
    const value = Object.hasOwn(supplied, p.name) ? supplied[p.name] : p.default;
    if (p.required && (value === undefined || value === null || value === "")) {
      errors.push(`parameter '${p.name}' is required`);
    }
    if (p.options && p.options.length > 0 && value !== undefined && value !== null) {
      if (!p.options.map(String).includes(String(value))) {
        errors.push(
          `parameter '${p.name}' is '${String(value)}', which is not one of: ${p.options.join(", ")}`,
        );
      }
    }
    parameters[p.name] = value ?? null;
  }
  for (const [k, v] of Object.entries(supplied)) if (!Object.hasOwn(parameters, k)) parameters[k] = v;
  return { parameters, errors };
}

/** A sortable, unique execution id: time then randomness (e.g. `01HZX...`-like, base 36). */
export function newExecutionId(now: number, random: () => number): string {
  let rand = "";
  for (let i = 0; i < 8; i++) rand += Math.floor(random() * 36).toString(36);
  return `${now.toString(36).padStart(9, "0")}-${rand}`;
}

/**
 * Starts an execution: checks parameters, journals `execution.started`, and returns the runner
 * (call `run()` to drive it to the end). Bad parameters come back as errors, not an execution.
 */
export function startExecution(
  services: EngineServices,
  options: StartOptions,
): { runner: ExecutionRunner; errors?: undefined } | { runner?: undefined; errors: string[] } {
  const { parameters, errors } = resolveParameters(options.pipeline, options.parameters);
  if (errors.length > 0) return { errors };
  const executionId = options.executionId ?? newExecutionId(services.clock.now(), services.random);
  const trigger: Record<string, unknown> = {
    type: "manual",
    user: services.user ?? "anonymous",
    ...options.trigger,
    parameters,
  };
  const runner = ExecutionRunner.start(services, {
    executionId,
    pipeline: options.pipeline,
    pipelineFile: options.pipelineFile,
    trigger,
    parameters,
  });
  return { runner };
}

/** Whether a stage was cut short by a crash: a `run` stage TERMINAL "interrupted", or still RUNNING. */
function retryProblem(record: ExecutionRecord, refId: string): string | undefined {
  const stage = record.stages.find((s) => s.refId === refId) ?? record.stages.find((s) => s.name === refId);
  if (!stage) return `no stage '${refId}' in execution ${record.id}`;
  const interrupted =
    stage.type === "run" &&
    ((stage.status === "TERMINAL" && stage.error?.startsWith("interrupted")) ||
      (stage.status === "RUNNING" && record.status === "RUNNING"));
  if (interrupted) return undefined;
  return `'${stage.refId}' is ${stage.status}${stage.error ? ` (${stage.error})` : ""}: only a run stage cut short by a crash (TERMINAL "interrupted", or still running in an execution no process runs) can be retried`;
}

/** What is wrong with retrying these stages of an execution (`capstan resume --retry`); empty when nothing. */
export function retryProblems(record: ExecutionRecord, refIds: readonly string[]): string[] {
  return refIds.flatMap((r) => retryProblem(record, r) ?? []);
}

/**
 * Rebuilds an execution from its journal in the store and returns a runner that continues it.
 * `retry` names interrupted `run` stages a person decided are safe to run again: each is journaled
 * as restarted (NOT_STARTED again; an ended execution RUNNING again) before the execution goes on.
 */
export function resumeExecution(
  services: EngineServices,
  executionId: string,
  options: { retry?: readonly string[] } = {},
): { runner: ExecutionRunner; error?: undefined } | { runner?: undefined; error: string } {
  let events = services.store.read(executionId);
  if (events.length === 0) return { error: `no execution '${executionId}' in the state directory` };
  if (options.retry && options.retry.length > 0) {
    const record = foldJournal(events);
    const problems = retryProblems(record, options.retry);
    if (problems.length > 0) return { error: problems.join("; ") };
    const ids = new EventIdGenerator(newWriterId(services.random), Math.max(...events.map((e) => e.ts)));
    const restarted: JournalEvent[] = options.retry.map((ref) => {
      const stage = record.stages.find((s) => s.refId === ref) ?? record.stages.find((s) => s.name === ref)!;
      return {
        kind: "stage.restarted",
        refId: stage.refId,
        user: services.user ?? "anonymous",
        ...ids.next(services.clock.now()),
      };
    });
    services.store.append(executionId, restarted);
    events = [...events, ...restarted];
  }
  const result = ExecutionRunner.fromJournal(services, events);
  if ("error" in result) return { error: result.error };
  return { runner: result };
}
