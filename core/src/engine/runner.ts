import type { Pipeline } from "../model/types.js";
import type { Command, NewCommand } from "./commands.js";
import type { JournalEvent } from "./events.js";
import { scopeOf } from "./expression-scope.js";
import type { ExpressionScope } from "./expressions.js";
import { maskSecrets } from "./mask.js";
import { notify } from "./notifications.js";
import type { ExecutionRecord, StageRecord } from "./record.js";
import { applyEvent, emptyRecord } from "./reducers.js";
import { RunState } from "./run-state.js";
import { checkStartable, step } from "./scheduler.js";
import { restoreSecrets } from "./stage-config.js";
import type { StageContextHost } from "./stage-context.js";
import { isComplete } from "./status.js";
import type { EngineServices } from "./types.js";
import { waitForWork } from "./wait-for-work.js";

/**
 * Runs one execution: the scheduler decides the next events from the record, journals them, then
 * acts (start-stage, run-task, complete-stage, complete-execution, apply-command do the work). All
 * record changes go through the journal, so the record is always the fold of the journal.
 */
export class ExecutionRunner implements StageContextHost {
  readonly record: ExecutionRecord;
  private readonly state: RunState;

  private constructor(
    readonly pipeline: Pipeline,
    readonly services: EngineServices,
    record: ExecutionRecord,
    floorTs: number,
  ) {
    this.record = record;
    this.state = new RunState(pipeline, services, record, floorTs, this);
  }

  /** Journals `execution.started` for a new execution and returns its runner. */
  static start(
    services: EngineServices,
    init: {
      executionId: string;
      pipeline: Pipeline;
      pipelineFile?: string;
      trigger: Record<string, unknown>;
      parameters: Record<string, unknown>;
    },
  ): ExecutionRunner {
    const runner = new ExecutionRunner(init.pipeline, services, emptyRecord(), 0);
    const run = runner.state;
    run.emit({
      kind: "execution.started",
      executionId: init.executionId,
      pipeline: init.pipeline,
      pipelineFile: init.pipelineFile,
      trigger: init.trigger,
      parameters: init.parameters,
    });
    run.indexStages();
    notify(run, "pipeline.starting");
    run.flush();
    return runner;
  }

  /** Rebuilds a runner from a journal (resume after a crash, or continue a segment). */
  static fromJournal(
    services: EngineServices,
    events: readonly JournalEvent[],
  ): ExecutionRunner | { error: string } {
    const started = events.find((e) => e.kind === "execution.started");
    if (started?.kind !== "execution.started") return { error: "the journal has no execution.started event" };
    const record = emptyRecord();
    let floor = 0;
    for (const e of events) {
      applyEvent(record, e);
      floor = Math.max(floor, e.ts);
    }
    const runner = new ExecutionRunner(started.pipeline, services, record, floor);
    restoreSecrets(runner.state);
    return runner;
  }

  get id(): string {
    return this.record.id;
  }

  /** Wakes the loop (a command arrived, a process exited ...). */
  wake(): void {
    this.state.wake();
  }

  /** Queues a command (cancel, judge, skip-window, skip) through the inbox, like another process would. */
  command(command: NewCommand): void {
    const { id, ts } = this.state.journal.stamp();
    this.services.store.appendCommand(this.record.id, { ...command, id: `cmd-${id}`, ts } as Command);
    this.state.commandsDirty = true;
    this.wake();
  }

  /** Runs until the execution completes; returns the final record. */
  async run(): Promise<ExecutionRecord> {
    const run = this.state;
    const stopWatching = this.services.store.watchCommands(this.record.id, () => {
      run.commandsDirty = true;
      run.wake();
    });
    try {
      if (!isComplete(this.record.status)) checkStartable(run);
      while (true) {
        step(run);
        run.flush();
        if (isComplete(this.record.status)) break;
        await waitForWork(run);
      }
      while (run.background.size > 0) await Promise.allSettled([...run.background]);
      run.flush();
    } finally {
      stopWatching();
      for (const ac of run.aborts.values()) ac.abort();
      // Everything is journaled: the journal file need not stay open (many executions may share the store).
      this.services.store.release?.(this.record.id);
    }
    return this.record;
  }

  /** The values of the pipeline's declared secrets (to mask). */
  secretValues(): string[] {
    return this.state.secretValues();
  }

  /** A value with the secrets masked: for printing records and logs. */
  masked<T>(value: T): T {
    return maskSecrets(value, this.secretValues());
  }

  // ---- StageContextHost (for RunnerStageContext) ---------------------------------------------

  /** @internal The stage's abort signal, made on first use (controllers are costly). */
  signalFor(refId: string): AbortSignal {
    return this.state.signalFor(refId);
  }

  /** @internal Polls the stage now. */
  wakeStage(refId: string): void {
    this.state.pollNow(refId);
  }

  /** @internal */
  scopeFor(s: StageRecord, extra?: Record<string, unknown>): ExpressionScope {
    return scopeOf(this.state, s, extra);
  }

  /** @internal */
  notifyStage(event: string, s: StageRecord): void {
    notify(this.state, event, s);
  }

  /** @internal Work `run()` waits for before returning. */
  keepAlive(p: Promise<unknown>): void {
    this.state.track(p);
  }

  /** @internal Outside work (a prompt): a virtual clock stands still until it settles. */
  external<T>(p: Promise<T>): Promise<T> {
    return this.state.external(p);
  }
}
