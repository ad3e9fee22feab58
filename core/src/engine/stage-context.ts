import type { Pipeline, Stage } from "../model/types.js";
import type { NewCommand } from "./commands.js";
import type { ConditionResult, ExpressionScope } from "./expressions.js";
import type { ExecutionRecord, ExpressionSummary, StageRecord } from "./record.js";
import type { EngineServices, StageContext } from "./types.js";

/** What a stage context needs from the runner that made it. */
export interface StageContextHost {
  readonly record: ExecutionRecord;
  readonly pipeline: Pipeline;
  readonly services: EngineServices;
  signalFor(refId: string): AbortSignal;
  wakeStage(refId: string): void;
  scopeFor(stage: StageRecord, extra?: Record<string, unknown>): ExpressionScope;
  command(command: NewCommand): void;
  notifyStage(event: string, stage: StageRecord): void;
  keepAlive(promise: Promise<unknown>): void;
  external<T>(promise: Promise<T>): Promise<T>;
  masked<T>(value: T): T;
}

/**
 * The context handed to each handler call. A class, so the thousands of calls of a big pipeline
 * share methods instead of allocating closures; the abort signal is made on first use.
 */
export class RunnerStageContext implements StageContext {
  constructor(
    private readonly host: StageContextHost,
    readonly stage: StageRecord,
    readonly model: Stage,
    private readonly cancelSignal?: AbortSignal,
  ) {}

  get execution(): ExecutionRecord {
    return this.host.record;
  }
  get pipeline(): Pipeline {
    return this.host.pipeline;
  }
  get services(): EngineServices {
    return this.host.services;
  }
  get signal(): AbortSignal {
    return this.cancelSignal ?? this.host.signalFor(this.stage.refId);
  }
  now(): number {
    return this.host.services.clock.now();
  }
  wake(): void {
    this.host.wakeStage(this.stage.refId);
  }
  log(text: string): void {
    const shown = this.host.masked(text);
    this.host.services.store.appendLog(this.host.record.id, this.stage.refId, shown);
    this.host.services.observer?.onLog?.(this.stage.refId, shown);
  }
  evaluateCondition(text: string, extra?: Record<string, unknown>): ConditionResult {
    return this.host.services.expressions.evaluateCondition(text, this.host.scopeFor(this.stage, extra));
  }
  evaluateTree(
    value: unknown,
    extra?: Record<string, unknown>,
  ): { value: unknown; summary: ExpressionSummary; pendingUrls?: string[] } {
    return this.host.services.expressions.evaluateTree(value, this.host.scopeFor(this.stage, extra));
  }
  async fetchUrls(urls: readonly string[]): Promise<void> {
    await this.host.services.expressions.fetchUrls?.(urls, this.host.scopeFor(this.stage));
  }
  command(command: NewCommand): void {
    this.host.command(command);
  }
  notify(event: string): void {
    this.host.notifyStage(event, this.stage);
  }
  keepAlive(promise: Promise<unknown>): void {
    this.host.keepAlive(promise);
  }
  external<T>(promise: Promise<T>): Promise<T> {
    return this.host.external(promise);
  }
}
