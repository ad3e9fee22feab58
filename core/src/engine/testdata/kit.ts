// Test helpers for engine scenarios (not part of the build: testdata/ is excluded).
import { loadYaml } from "../../loader/yaml-loader.js";
import { buildPipeline } from "../../model/build-pipeline.js";
import type { Pipeline } from "../../model/types.js";
import { defaultStageRegistry } from "../../stages/index.js";
import { FakeClock } from "../clock.js";
import { startExecution } from "../engine.js";
import type { ConditionResult, ExpressionEvaluator, ExpressionScope } from "../expressions.js";
import type { StageRegistry } from "../handler.js";
import type { ExecutionRecord, ExpressionSummary } from "../record.js";
import type { EngineServices, JudgmentAnswer, JudgmentGateway } from "../services.js";
import { MemoryStateStore, type StateStore } from "../state-store.js";

/** Builds a pipeline from YAML text with the real loader and model builder. */
export function pipelineFrom(yaml: string): Pipeline {
  const { pipeline } = buildPipeline(loadYaml(yaml));
  return pipeline;
}

/**
 * A table-driven stand-in for the expression language, for engine tests: each `${ expr }` is looked
 * up by its trimmed text; unknown expressions are errors. It knows nothing of the language itself.
 */
export class TableEvaluator implements ExpressionEvaluator {
  constructor(private readonly table: Record<string, (scope: ExpressionScope) => unknown> = {}) {}

  private eval(expr: string, scope: ExpressionScope): ConditionResult {
    const fn = this.table[expr.trim()];
    if (!fn) return { ok: false, error: `no such expression in the test table: ${expr.trim()}` };
    try {
      return { ok: true, value: fn(scope) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  evaluateCondition(text: string, scope: ExpressionScope): ConditionResult {
    const m = /^\s*\$\{([\s\S]*)\}\s*$/.exec(text);
    return this.eval(m ? m[1] : text, scope);
  }

  evaluateTree(value: unknown, scope: ExpressionScope): { value: unknown; summary: ExpressionSummary } {
    const summary: ExpressionSummary = {};
    const walk = (v: unknown): unknown => {
      if (typeof v === "string") {
        const whole = /^\$\{([^}]*)\}$/.exec(v);
        if (whole) {
          const r = this.eval(whole[1], scope);
          if (r.ok && r.value !== null && r.value !== undefined) return r.value;
          const key = whole[1].trim();
          summary[key] = [
            {
              level: r.ok ? "INFO" : "ERROR",
              description: r.ok ? `${key} not found` : r.error,
              timestamp: scope.now,
            },
          ];
          return v;
        }
        return v.replace(/\$\{([^}]*)\}/g, (all, expr: string) => {
          const r = this.eval(expr, scope);
          if (r.ok && r.value !== null && r.value !== undefined) return String(r.value);
          summary[expr.trim()] = [
            {
              level: r.ok ? "INFO" : "ERROR",
              description: r.ok ? "not found" : r.error,
              timestamp: scope.now,
            },
          ];
          return all;
        });
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === "object")
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return { value: walk(value), summary };
  }
}

/** A gateway answering judgments from a script: refId -> input (or "stop"). */
export function scriptedJudgments(answers: Record<string, string>, user = "tester"): JudgmentGateway {
  return {
    async request(req): Promise<JudgmentAnswer | undefined> {
      const a = answers[req.refId];
      if (a === undefined) return undefined;
      return a === "stop" ? { kind: "stop", user } : { kind: "continue", input: a, user };
    },
  };
}

/** Deterministic randomness. */
export function seededRandom(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Harness {
  services: EngineServices;
  clock: FakeClock;
  store: StateStore;
}

/** Services on a fake clock and an in-memory store. */
export function harness(overrides: Partial<EngineServices> = {}, registry?: StageRegistry): Harness {
  const clock = (overrides.clock as FakeClock | undefined) ?? new FakeClock();
  const store = overrides.store ?? new MemoryStateStore();
  const services: EngineServices = {
    clock,
    random: seededRandom(),
    store,
    registry: registry ?? defaultStageRegistry(),
    expressions: new TableEvaluator(),
    writerId: "wtest",
    user: "tester",
    ...overrides,
  };
  return { services, clock, store };
}

/** Runs a pipeline to the end and returns its record. */
export async function runPipeline(
  yaml: string | Pipeline,
  overrides: Partial<EngineServices> = {},
  options: { parameters?: Record<string, unknown>; trigger?: Record<string, unknown> } = {},
): Promise<ExecutionRecord> {
  const pipeline = typeof yaml === "string" ? pipelineFrom(yaml) : yaml;
  const { services } = harness(overrides);
  const started = startExecution(services, { pipeline, executionId: "e1", ...options });
  if (!started.runner) throw new Error(started.errors.join("; "));
  return started.runner.run();
}

/** Status of each stage by refId. */
export function statuses(record: ExecutionRecord): Record<string, string> {
  return Object.fromEntries(record.stages.map((s) => [s.refId, s.status]));
}
