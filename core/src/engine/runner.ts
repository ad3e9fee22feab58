import type { Pipeline, Stage } from "../model/types.js";
import type { Command, NewCommand } from "./commands.js";
import { EventIdGenerator, newWriterId } from "./event-id.js";
import type { JournalEvent, NewEvent } from "./events.js";
import { containsExpression, type ExpressionScope } from "./expressions.js";
import { determineFinalStatus, parentsAllowStart } from "./final-status.js";
import type { StageContext, StageHandler, TaskResult } from "./handler.js";
import { maskSecrets } from "./mask.js";
import type { ExecutionRecord, ExpressionSummary, StageRecord } from "./record.js";
import { applyEvent, emptyRecord } from "./reducers.js";
import { buildRoot } from "./scope.js";
import type { EngineServices } from "./services.js";
import { RunnerStageContext } from "./stage-context.js";
import { type ExecutionStatus, failureStatus, isComplete } from "./status.js";
import { EMPTY_WINDOW_ERROR, isInWindow, nextWindowOpening } from "./windows.js";

/** Fields of a stage that are the engine's business, not the stage type's (not put in `context`). */
const COMMON_FIELDS = new Set([
  "id",
  "name",
  "type",
  "dependsOn",
  "if",
  "onFailure",
  "failOnFailedExpressions",
  "timeout",
  "window",
  "notifications",
  "retryable",
]);

/** How often a window is re-checked when the next opening cannot be computed (Orca: 30 s). */
const WINDOW_POLL_MS = 30_000;

type Settled = () => void;

/**
 * Runs one execution: decides the next events from the record, journals them, then acts. All
 * record changes go through `emit`, so the record is always the fold of the journal.
 */
export class ExecutionRunner {
  readonly record: ExecutionRecord;
  private readonly ids: EventIdGenerator;
  private readonly models = new Map<string, Stage>();
  private readonly byRef = new Map<string, StageRecord>();
  private readonly children = new Map<string, string[]>();
  private readonly nextPollAt = new Map<string, number>();
  private readonly taskStarted = new Set<string>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly aborts = new Map<string, AbortController>();
  /** Promises the virtual clock must wait for (judgment prompts, child executions ...). */
  private readonly externalWork = new Set<Promise<unknown>>();
  /** Cleanups and notifications that must finish before `run` returns. */
  private readonly background = new Set<Promise<unknown>>();
  private buffer: JournalEvent[] = [];
  /** Stages whose URL-function bodies are being fetched before they start, with the rounds done. */
  private readonly prefetching = new Set<string>();
  private readonly prefetched = new Map<string, number>();
  private wakeUp: Settled | undefined;
  private woken = false;
  private commandsDirty = true;
  private finishing = false;

  private constructor(
    readonly pipeline: Pipeline,
    readonly services: EngineServices,
    record: ExecutionRecord,
    floorTs: number,
  ) {
    this.record = record;
    this.ids = new EventIdGenerator(services.writerId ?? newWriterId(services.random), floorTs);
    for (const stage of pipeline.stages) {
      this.models.set(stage.id, stage);
      for (const parent of stage.dependsOn) {
        const list = this.children.get(parent) ?? [];
        list.push(stage.id);
        this.children.set(parent, list);
      }
    }
    this.indexStages();
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
    runner.emit({
      kind: "execution.started",
      executionId: init.executionId,
      pipeline: init.pipeline,
      pipelineFile: init.pipelineFile,
      trigger: init.trigger,
      parameters: init.parameters,
    });
    runner.indexStages();
    runner.notify("pipeline.starting");
    runner.flush();
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
    runner.restoreSecrets();
    return runner;
  }

  /**
   * The journal holds masked secrets; a stage still running after a crash gets its config
   * evaluated again (in memory only) so its handler sees the real values.
   */
  private restoreSecrets(): void {
    if (this.secretValues().length === 0) return;
    for (const s of this.record.stages) {
      if (s.status !== "RUNNING") continue;
      const { context } = this.evaluateConfig(s);
      Object.assign(s.context, context);
    }
  }

  get id(): string {
    return this.record.id;
  }

  private get urlSettings(): { allowUrls?: unknown; urlAllowList?: unknown } {
    const e = this.pipeline.settings.expressions;
    return e && typeof e === "object" ? (e as { allowUrls?: unknown; urlAllowList?: unknown }) : {};
  }

  private indexStages(): void {
    this.byRef.clear();
    for (const s of this.record.stages) this.byRef.set(s.refId, s);
  }

  // ---- journal ------------------------------------------------------------------------------

  private emit(event: NewEvent): JournalEvent {
    const { id, ts } = this.ids.next(this.services.clock.now());
    // The caller's object becomes the event (no copy: a big cascade emits tens of thousands).
    const full = Object.assign(event, { id, ts }) as JournalEvent;
    applyEvent(this.record, full);
    this.buffer.push(full);
    // Writing early is always safe; bounded batches keep a long cascade of pure stages from
    // holding thousands of events in memory.
    if (this.buffer.length >= 1000) this.flush();
    this.services.observer?.onEvent?.(full, this.record);
    return full;
  }

  /** Makes buffered events durable; called before anything leaves the engine. */
  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    // Secret values never reach the journal; the record in memory keeps them for the handlers.
    const secrets = this.secretValues();
    this.services.store.append(
      this.record.id,
      secrets.length ? batch.map((e) => maskSecrets(e, secrets)) : batch,
    );
  }

  // ---- public control -----------------------------------------------------------------------

  /** Wakes the loop (a command arrived, a process exited ...). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Queues a command (cancel, judge, skip-window, skip) through the inbox, like another process would. */
  command(command: NewCommand): void {
    const { id, ts } = this.ids.next(this.services.clock.now());
    this.services.store.appendCommand(this.record.id, { ...command, id: `cmd-${id}`, ts } as Command);
    this.commandsDirty = true;
    this.wake();
  }

  /** Runs until the execution completes; returns the final record. */
  async run(): Promise<ExecutionRecord> {
    const stopWatching = this.services.store.watchCommands(this.record.id, () => {
      this.commandsDirty = true;
      this.wake();
    });
    try {
      if (!isComplete(this.record.status)) this.checkStartable();
      while (true) {
        this.step();
        this.flush();
        if (isComplete(this.record.status)) break;
        await this.waitForWork();
      }
      while (this.background.size > 0) await Promise.allSettled([...this.background]);
      this.flush();
    } finally {
      stopWatching();
      for (const ac of this.aborts.values()) ac.abort();
    }
    return this.record;
  }

  private async waitForWork(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const clock = this.services.clock;
    let nextAt = Number.POSITIVE_INFINITY;
    for (const s of this.record.stages) {
      if (s.status !== "RUNNING") continue;
      if (!this.inflight.has(s.refId)) nextAt = Math.min(nextAt, this.nextPollAt.get(s.refId) ?? 0);
      nextAt = Math.min(nextAt, this.deadline(s));
    }
    const woke = new Promise<void>((resolve) => {
      this.wakeUp = resolve;
    });
    const ac = new AbortController();
    const races: Promise<unknown>[] = [woke];
    if (Number.isFinite(nextAt)) races.push(clock.sleepUntil(nextAt, ac.signal));
    await Promise.race(races);
    ac.abort();
    this.wakeUp = undefined;
    this.woken = false;
  }

  // ---- the step -----------------------------------------------------------------------------

  private step(): void {
    let progressed = true;
    while (progressed && !isComplete(this.record.status)) {
      progressed = false;
      if (this.commandsDirty) this.applyCommands();
      if (this.record.canceled) {
        this.finish("CANCELED", "canceled by the user");
        return;
      }
      const now = this.services.clock.now();
      const polled = new Set<string>();
      for (const s of this.record.stages) {
        if (isComplete(this.record.status)) return;
        if (
          s.status === "NOT_STARTED" &&
          !this.prefetching.has(s.refId) &&
          parentsAllowStart(s, this.byRef)
        ) {
          this.startStage(s);
          progressed = true;
        } else if (s.status === "RUNNING" && !this.inflight.has(s.refId)) {
          if (now >= this.deadline(s)) {
            this.timeOut(s);
            progressed = true;
          } else if ((this.nextPollAt.get(s.refId) ?? 0) <= now && !polled.has(s.refId)) {
            polled.add(s.refId);
            this.drive(s);
            progressed = true;
          }
        } else if (s.status === "RUNNING" && now >= this.deadline(s)) {
          this.timeOut(s);
          progressed = true;
        }
      }
      const final = determineFinalStatus(this.record, this.models, this.byRef);
      if (final) this.finish(final);
    }
  }

  private handlerOf(s: StageRecord): StageHandler | undefined {
    return this.services.registry.get(s.type);
  }

  private startStage(s: StageRecord): void {
    const model = this.models.get(s.refId)!;
    if (model.if !== undefined) {
      const result = this.services.expressions.evaluateCondition(model.if, this.scope(s));
      // URL functions in `if` are fetched first, as for stage config; the stage starts after.
      if (!result.ok && result.pendingUrls?.length && this.prefetch(s, result.pendingUrls)) return;
      // Orca reads the result as text and accepts only true/false (any case); anything else skips.
      const text = result.ok ? String(result.value).toLowerCase() : "";
      const reason = !result.ok
        ? `'if' could not be evaluated (${result.error}), so the stage is skipped`
        : (typeof result.value !== "boolean" && typeof result.value !== "string") ||
            (text !== "true" && text !== "false")
          ? `'if' did not yield a boolean (got ${JSON.stringify(result.value) ?? "nothing"}), so the stage is skipped`
          : text === "false"
            ? "'if' evaluated to false"
            : undefined;
      if (reason) {
        this.emit({ kind: "stage.skipped", refId: s.refId, reason });
        return;
      }
    }
    const handler = this.handlerOf(s);
    const { context, summary, pendingUrls } = this.evaluateConfig(s);
    if (pendingUrls?.length && this.prefetch(s, pendingUrls)) return;
    this.emit({ kind: "stage.started", refId: s.refId, context, summary });
    this.notify("stage.starting", s);
    if (!handler) {
      this.complete(s, "TERMINAL", {
        error: `Stage type '${s.type}' is not supported by this engine (known types: ${this.services.registry.types().join(", ")}).`,
      });
      return;
    }
    this.drive(s);
  }

  /**
   * Fetches what URL functions in the stage's config need, then starts it again (at most 3
   * rounds; a URL that fails to fetch becomes an expression error). Returns false when no fetch
   * is possible, so the stage starts now with those expressions failed.
   */
  private prefetch(s: StageRecord, urls: string[]): boolean {
    const evaluator = this.services.expressions;
    const rounds = this.prefetched.get(s.refId) ?? 0;
    if (!evaluator.fetchUrls || rounds >= 3) return false;
    this.prefetched.set(s.refId, rounds + 1);
    this.prefetching.add(s.refId);
    const release = this.services.clock.hold?.();
    const done: Promise<void> = evaluator
      .fetchUrls(urls, this.scope(s))
      .catch(() => undefined)
      .finally(() => {
        release?.();
        this.prefetching.delete(s.refId);
        this.externalWork.delete(done);
        this.wake();
      });
    this.externalWork.add(done);
    return true;
  }

  /** The stage's config as its context: evaluated, except the fields its handler evaluates itself. */
  private evaluateConfig(s: StageRecord): {
    context: Record<string, unknown>;
    summary?: ExpressionSummary;
    pendingUrls?: string[];
  } {
    const model = this.models.get(s.refId)!;
    const deferred = new Set(this.handlerOf(s)?.deferredFields ?? []);
    const raw: Record<string, unknown> = {};
    const later: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(model.config)) {
      if (COMMON_FIELDS.has(k)) continue;
      if (deferred.has(k)) later[k] = v;
      else raw[k] = v;
    }
    if (!containsExpression(raw)) return { context: Object.assign(raw, later) };
    const evaluated = this.services.expressions.evaluateTree(raw, this.scope(s, raw));
    return {
      context: { ...(evaluated.value as Record<string, unknown>), ...later },
      summary: evaluated.summary,
      pendingUrls: evaluated.pendingUrls,
    };
  }

  /** Moves a RUNNING stage on: window check, jitter wait, or its task. */
  private drive(s: StageRecord): void {
    const model = this.models.get(s.refId)!;
    const now = this.services.clock.now();
    // Also reached on resume when the crash came between stage.started and the first phase.
    if (s.phase === undefined && model.window)
      this.emit({ kind: "stage.phase", refId: s.refId, phase: "window" });
    if (s.phase === "window" && model.window) {
      if (s.context.skipWindow !== true) {
        const w = model.window;
        if (w.days.length === 0 && w.ranges.length === 0) {
          this.complete(s, "TERMINAL", { error: EMPTY_WINDOW_ERROR });
          return;
        }
        if (!isInWindow(w, now)) {
          const opening = nextWindowOpening(w, now);
          const at = opening ?? now + WINDOW_POLL_MS;
          this.emit({
            kind: "stage.updated",
            refId: s.refId,
            waitingFor: `execution window (opens ${new Date(at).toISOString()})`,
            context: { scheduledTime: at },
          });
          this.nextPollAt.set(s.refId, at);
          return;
        }
      }
      const jitter = model.window.jitter;
      const skipJitter = jitter?.skipManual && this.record.trigger.type === "manual";
      if (jitter && jitter.maxMs > 0 && !skipJitter && s.context.skipWindow !== true) {
        const minS = Math.ceil(jitter.minMs / 1000);
        const maxS = Math.floor(jitter.maxMs / 1000);
        const waitS = minS + Math.floor(this.services.random() * (maxS - minS + 1));
        this.emit({ kind: "stage.phase", refId: s.refId, phase: "jitter" });
        this.emit({
          kind: "stage.updated",
          refId: s.refId,
          context: { jitterWaitMs: waitS * 1000, jitterUntil: now + waitS * 1000 },
          waitingFor: `jitter (${waitS} s)`,
        });
        this.nextPollAt.set(s.refId, now + waitS * 1000);
        return;
      }
      this.beginTask(s);
      return;
    }
    if (s.phase === "jitter") {
      const due = Number(s.context.jitterUntil ?? 0);
      if (now < due && s.context.skipWindow !== true) {
        this.nextPollAt.set(s.refId, due);
        return;
      }
      this.beginTask(s);
      return;
    }
    if (s.phase !== "task") {
      this.beginTask(s);
      return;
    }
    const handler = this.handlerOf(s)!;
    if (!this.taskStarted.has(s.refId)) {
      // Found RUNNING in the journal without a live task: the process that ran it is gone.
      this.taskStarted.add(s.refId);
      this.call(s, handler.resume ?? handler.poll ?? handler.start, handler);
      return;
    }
    this.call(s, handler.poll ?? (() => ({ status: "RUNNING" }) as TaskResult), handler);
  }

  private beginTask(s: StageRecord): void {
    const handler = this.handlerOf(s)!;
    this.emit({ kind: "stage.phase", refId: s.refId, phase: "task", attempt: (s.attempts ?? 0) + 1 });
    this.taskStarted.add(s.refId);
    this.call(s, handler.start, handler);
  }

  /** Calls a handler method; the result is applied now if synchronous, else when it settles. */
  private call(
    s: StageRecord,
    method: (ctx: StageContext) => TaskResult | Promise<TaskResult>,
    handler: StageHandler,
  ): void {
    // Anything a handler does may leave the engine, so the journal is made durable first.
    const pure = typeof handler.pure === "function" ? handler.pure(s) : handler.pure === true;
    if (!pure) this.flush();
    let out: TaskResult | Promise<TaskResult>;
    try {
      out = method.call(handler, this.stageContext(s));
    } catch (error) {
      out = { status: "TERMINAL", error: `${s.type} stage failed: ${(error as Error).message}` };
    }
    if (!(out instanceof Promise)) {
      this.onResult(s, out);
      return;
    }
    const refId = s.refId;
    const release = this.services.clock.hold?.();
    const p = out
      .then(
        (r) => this.onResult(s, r),
        (error: unknown) =>
          this.onResult(s, { status: "TERMINAL", error: `${s.type} stage failed: ${String(error)}` }),
      )
      .finally(() => {
        release?.();
        this.inflight.delete(refId);
        this.flush();
        this.wake();
      });
    this.inflight.set(refId, p);
  }

  private onResult(s: StageRecord, result: TaskResult): void {
    if (s.status !== "RUNNING" || isComplete(this.record.status)) return;
    if (result.status === "RUNNING") {
      this.emit({
        kind: "stage.updated",
        refId: s.refId,
        context: result.context,
        outputs: result.outputs,
        waitingFor: result.waitingFor ?? "",
        summary: result.summary,
      });
      const now = this.services.clock.now();
      this.nextPollAt.set(
        s.refId,
        result.pollAfterMs === undefined ? Number.POSITIVE_INFINITY : now + Math.max(0, result.pollAfterMs),
      );
      return;
    }
    if (result.summary && Object.keys(result.summary).length > 0) {
      this.emit({ kind: "stage.updated", refId: s.refId, summary: result.summary });
    }
    const model = this.models.get(s.refId)!;
    let status: ExecutionStatus = result.status;
    if (status === "TERMINAL") status = failureStatus(model.onFailure, "TERMINAL");
    else if (status === "CANCELED") status = failureStatus(model.onFailure, "CANCELED");
    this.complete(s, status, result);
  }

  private deadline(s: StageRecord): number {
    if (s.phase !== "task" || s.startTime === undefined) return Number.POSITIVE_INFINITY;
    const model = this.models.get(s.refId);
    const timeout = model?.timeoutMs ?? this.handlerOf(s)?.defaultTimeoutMs;
    if (timeout === undefined) return Number.POSITIVE_INFINITY;
    return s.startTime + (s.windowMs ?? 0) + timeout;
  }

  private timeOut(s: StageRecord): void {
    const model = this.models.get(s.refId)!;
    const timeout = model.timeoutMs ?? this.handlerOf(s)?.defaultTimeoutMs ?? 0;
    this.cancelTask(s);
    const message = `Stage '${s.name}' timed out after ${timeout} ms`;
    this.complete(s, failureStatus(model.onFailure, "TERMINAL"), {
      error: message,
      context: { exception: { exceptionType: "TimeoutException", message } },
    });
  }

  private cancelTask(s: StageRecord): void {
    this.aborts.get(s.refId)?.abort();
    const handler = this.handlerOf(s);
    if (handler?.cancel && this.taskStarted.has(s.refId)) {
      this.flush();
      // The task's own signal is aborted by now; the cancel call gets a fresh one with a time limit.
      const ctx = this.stageContext(s, AbortSignal.timeout(30_000));
      this.track(
        Promise.resolve()
          .then(() => handler.cancel?.(ctx))
          .then((left) => {
            if (!left || (!left.context && !left.outputs)) return;
            this.emit({
              kind: "stage.updated",
              refId: s.refId,
              context: left.context,
              outputs: left.outputs,
            });
            this.flush();
          }),
      );
    }
  }

  private complete(
    s: StageRecord,
    status: ExecutionStatus,
    extra: { context?: Record<string, unknown>; outputs?: Record<string, unknown>; error?: string },
  ): void {
    const model = this.models.get(s.refId)!;
    const summary = s.expressionEvaluationSummary;
    const failures = summary ? Object.values(summary).flat() : [];
    let final = status;
    let context = extra.context;
    let error = extra.error;
    if (failures.length > 0) {
      const existing = (extra.context?.exception ?? s.context.exception) as
        | Record<string, unknown>
        | undefined;
      const details = (existing?.details as Record<string, unknown> | undefined) ?? {
        error: "Failed Expression Evaluation",
      };
      const errors = [
        ...((details.errors as string[] | undefined) ?? []),
        ...failures.map((f) => f.description),
      ];
      context = { ...context, exception: { ...existing, details: { ...details, errors } } };
      if (model.failOnFailedExpressions) {
        final = "TERMINAL";
        error ??= `Failed expression evaluation: ${failures.map((f) => f.description).join("; ")}`;
      }
    }
    this.emit({
      kind: "stage.completed",
      refId: s.refId,
      status: final,
      context,
      outputs: extra.outputs,
      error,
    });
    this.aborts.get(s.refId)?.abort();
    this.aborts.delete(s.refId);
    this.nextPollAt.delete(s.refId);
    if (final === "SUCCEEDED") this.notify("stage.complete", s);
    else if (final !== "SKIPPED") this.notify("stage.failed", s);
  }

  /** Ends the execution; other running stages are canceled unless it succeeded. */
  private finish(status: ExecutionStatus, reason?: string): void {
    if (this.finishing) return;
    this.finishing = true;
    for (const s of this.record.stages) {
      if (s.status !== "RUNNING") continue;
      this.cancelTask(s);
      this.emit({
        kind: "stage.completed",
        refId: s.refId,
        status: "CANCELED",
        error: reason ?? `canceled because the pipeline ended ${status}`,
      });
    }
    this.emit({ kind: "execution.completed", status });
    this.notify(status === "SUCCEEDED" ? "pipeline.complete" : "pipeline.failed");
  }

  /** Orca ends an execution TERMINAL at once when no stage is free of dependencies. */
  private checkStartable(): void {
    if (this.record.status === "NOT_STARTED") return;
    const initial = this.record.stages.filter((s) => s.dependsOn.length === 0);
    if (this.record.stages.length > 0 && initial.length === 0) {
      this.finish("TERMINAL", "no stage is free of dependencies");
    }
  }

  // ---- commands -----------------------------------------------------------------------------

  private applyCommands(): void {
    this.commandsDirty = false;
    const applied = new Set(this.record.appliedCommands);
    for (const c of this.services.store.readCommands(this.record.id)) {
      if (applied.has(c.id)) continue;
      applied.add(c.id);
      const rejection = this.applyCommand(c);
      if (rejection) this.emit({ kind: "command.rejected", commandId: c.id, reason: rejection });
    }
  }

  /** Applies one command; returns why it was rejected, if it was. */
  private applyCommand(c: Command): string | undefined {
    if (isComplete(this.record.status)) return `the execution already ended ${this.record.status}`;
    if (c.type === "cancel") {
      this.emit({ kind: "execution.cancel-requested", user: c.user, reason: c.reason, commandId: c.id });
      return undefined;
    }
    const s = this.byRef.get(c.refId) ?? this.record.stages.find((x) => x.name === c.refId);
    if (!s) return `no stage '${c.refId}'`;
    if (s.status !== "RUNNING") return `stage '${s.refId}' is ${s.status}, not running`;
    if (c.type === "judge") {
      if (s.type !== "manualJudgment") return `stage '${s.refId}' is not a manual judgment`;
      if (s.context.judgmentStatus) return `stage '${s.refId}' was already judged`;
      const inputs = (s.context.inputs as string[] | undefined) ?? [];
      const word = c.input.trim();
      if (word.toLowerCase() === "stop") {
        this.emit({
          kind: "judgment.given",
          refId: s.refId,
          judgmentStatus: "stop",
          user: c.user,
          commandId: c.id,
        });
        this.notify("judgment.stop", s);
      } else {
        if (inputs.length > 0 && !inputs.includes(word) && word.toLowerCase() !== "continue") {
          return `'${word}' is not an input of stage '${s.refId}' (inputs: ${inputs.join(", ")}, or stop)`;
        }
        const judgmentInput = inputs.includes(word) || word.toLowerCase() !== "continue" ? word : undefined;
        this.emit({
          kind: "judgment.given",
          refId: s.refId,
          judgmentStatus: "continue",
          judgmentInput,
          user: c.user,
          commandId: c.id,
        });
        this.notify("judgment.continue", s);
      }
    } else if (c.type === "skip-window") {
      if (s.phase !== "window" && s.phase !== "jitter")
        return `stage '${s.refId}' is not waiting for its window`;
      this.emit({ kind: "window.skipped", refId: s.refId, user: c.user, commandId: c.id });
    } else if (c.type === "skip") {
      if (!this.handlerOf(s)?.skippable) return `stage '${s.refId}' (${s.type}) cannot be skipped`;
      this.emit({ kind: "stage.skip-requested", refId: s.refId, user: c.user, commandId: c.id });
    }
    this.nextPollAt.set(s.refId, 0);
    return undefined;
  }

  // ---- handler context, expressions, notifications ------------------------------------------

  private scope(s: StageRecord | undefined, extra?: Record<string, unknown>): ExpressionScope {
    return {
      execution: this.record,
      stage: s,
      root: buildRoot(this.record, s, this.byRef, extra),
      secrets: this.secrets(),
      now: this.services.clock.now(),
      allowUrls: this.urlSettings.allowUrls === true,
      urlAllowList: Array.isArray(this.urlSettings.urlAllowList)
        ? this.urlSettings.urlAllowList.map(String)
        : undefined,
      allowLoopbackUrls: this.services.allowLoopbackUrls === true,
    };
  }

  /** The values of the pipeline's declared secrets (to mask). */
  secretValues(): string[] {
    return Object.values(this.secrets()).filter((v) => v.length > 0);
  }

  /** A value with the secrets masked: for printing records and logs. */
  masked<T>(value: T): T {
    return maskSecrets(value, this.secretValues());
  }

  private secrets(): Record<string, string> {
    const all = this.services.secrets ?? {};
    const out: Record<string, string> = {};
    for (const name of this.pipeline.secrets) if (name in all) out[name] = all[name];
    return out;
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private stageContext(s: StageRecord, cancelSignal?: AbortSignal): StageContext {
    return new RunnerStageContext(this, s, this.models.get(s.refId)!, cancelSignal);
  }

  // ---- StageContextHost (for RunnerStageContext) ---------------------------------------------

  /** @internal The stage's abort signal, made on first use (controllers are costly). */
  signalFor(refId: string): AbortSignal {
    const ac = this.aborts.get(refId) ?? new AbortController();
    this.aborts.set(refId, ac);
    return ac.signal;
  }

  /** @internal Polls the stage now. */
  wakeStage(refId: string): void {
    this.nextPollAt.set(refId, 0);
    this.wake();
  }

  /** @internal */
  scopeFor(s: StageRecord, extra?: Record<string, unknown>): ExpressionScope {
    return this.scope(s, extra);
  }

  /** @internal */
  notifyStage(event: string, s: StageRecord): void {
    this.notify(event, s);
  }

  /** @internal Work `run()` waits for before returning. */
  keepAlive(p: Promise<unknown>): void {
    this.track(p);
  }

  /** @internal Outside work (a prompt): a virtual clock stands still until it settles. */
  external<T>(p: Promise<T>): Promise<T> {
    const release = this.services.clock.hold?.();
    const tracked = p.finally(() => {
      release?.();
      this.externalWork.delete(tracked);
      this.wake();
    });
    tracked.catch(() => undefined);
    this.externalWork.add(tracked);
    return p;
  }

  private notify(event: string, s?: StageRecord): void {
    const notifier = this.services.notifier;
    if (!notifier) return;
    const model = s ? this.models.get(s.refId) : undefined;
    const list = s ? model?.notifications : this.pipeline.notifications;
    if (!list || list.length === 0) return;
    this.flush();
    const scope = this.scope(s);
    const render = (text: string): string => {
      const out = this.services.expressions.evaluateTree(text, scope).value;
      return typeof out === "string" ? out : JSON.stringify(out);
    };
    this.track(
      notifier
        .send({ event, execution: this.record, pipeline: this.pipeline, stage: s, stageModel: model, render })
        .then((results) => {
          for (const notification of results) this.emit({ kind: "notification.delivered", notification });
          this.flush();
        }),
    );
  }
}
