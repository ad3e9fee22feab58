import {
  type Clock,
  type Command,
  type EngineServices,
  type ExecutionRecord,
  ExecutionRunner,
  isComplete,
  type JournalEvent,
  MemoryStateStore,
  type NewCommand,
  type Notifier,
  parentsAllowStart,
  type StageHandler,
  StageRegistry,
  type StartOptions,
  startExecution,
  systemClock,
} from "@capstan/core";

/**
 * A clock that can be stopped for good: once halted, the runner's next sleep never ends and no
 * timer keeps the process alive. This is how a GitHub job leaves an execution that is blocked on a
 * judgment: its journal is saved and the next job picks it up.
 */
export class HaltableClock implements Clock {
  private halted = false;
  private readonly stop = new AbortController();

  constructor(private readonly inner: Clock = systemClock) {}

  now(): number {
    return this.inner.now();
  }

  sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
    if (this.halted) return new Promise<void>(() => undefined);
    const both = signal ? AbortSignal.any([signal, this.stop.signal]) : this.stop.signal;
    return new Promise<void>((resolve) => {
      void this.inner.sleepUntil(time, both).then(() => {
        if (!this.halted) resolve();
      });
    });
  }

  halt(): void {
    this.halted = true;
    this.stop.abort();
  }
}

/** What a job's part of an execution ended as. */
export interface SegmentResult {
  record: ExecutionRecord;
  /** Events this job wrote, restricted to the stages it owns plus execution-level events. */
  events: JournalEvent[];
  /** Owned judgments left running without an answer (the gate jobs they need). */
  reached: string[];
  /** True when the whole execution ended in this job. */
  completed: boolean;
}

export interface SegmentOptions {
  services: Omit<EngineServices, "clock" | "store" | "writerId"> & { clock?: Clock };
  writerId: string;
  /** Stages this job may run (its segment, and judgments it completes). */
  owned: ReadonlySet<string>;
  /** Either the journal of the jobs before this one, or how to start a new execution. */
  journal?: readonly JournalEvent[];
  start?: StartOptions;
  /** Commands recorded by gate jobs (judgments), applied through the engine's inbox. */
  commands?: readonly Command[];
  /**
   * Called when nothing this job owns can move on. Return a command (e.g. cancel) to keep going,
   * or undefined to stop here.
   */
  onBlocked?: (record: ExecutionRecord) => NewCommand | undefined;
  /** Keep events of stages this job does not own (the final job records cancellations of them). */
  keepForeignEvents?: boolean;
}

const DEFERRED = "another job of this workflow";

/**
 * Wraps the registry so stages outside `owned` never run here: they stay RUNNING ("deferred")
 * until the job that owns them starts them from its own copy of the journal.
 */
function segmentRegistry(inner: StageRegistry, owned: ReadonlySet<string>): StageRegistry {
  const wrapped = new StageRegistry();
  for (const type of inner.types()) {
    const h = inner.get(type)!;
    const defer = { status: "RUNNING" as const, waitingFor: DEFERRED };
    const handler: StageHandler = {
      ...h,
      start: (ctx) => (owned.has(ctx.stage.refId) ? h.start.call(h, ctx) : defer),
      poll: (ctx) => (owned.has(ctx.stage.refId) ? (h.poll ?? h.start).call(h, ctx) : defer),
      resume: (ctx) => (owned.has(ctx.stage.refId) ? (h.resume ?? h.poll ?? h.start).call(h, ctx) : defer),
      cancel: (ctx) => (owned.has(ctx.stage.refId) ? h.cancel?.call(h, ctx) : undefined),
    };
    if (!h.poll) delete handler.poll;
    wrapped.register(handler);
  }
  return wrapped;
}

/** Notifications only for owned stages (and the execution), with a count of sends in flight. */
function segmentNotifier(inner: Notifier | undefined, owned: ReadonlySet<string>) {
  let pending = 0;
  const notifier: Notifier | undefined = inner && {
    async send(request) {
      if (request.stage && !owned.has(request.stage.refId)) return [];
      pending++;
      try {
        return await inner.send(request);
      } finally {
        pending--;
      }
    },
  };
  return { notifier, idle: () => pending === 0 };
}

/** True when no owned stage can move on without something from outside this job. */
function isBlocked(record: ExecutionRecord, owned: ReadonlySet<string>): boolean {
  const byRef = new Map(record.stages.map((s) => [s.refId, s]));
  for (const s of record.stages) {
    if (!owned.has(s.refId)) continue;
    if (s.status === "RUNNING") {
      const waitingJudgment = s.type === "manualJudgment" && !s.context.judgmentStatus && s.phase === "task";
      if (!waitingJudgment) return false;
    }
    if (s.status === "NOT_STARTED" && parentsAllowStart(s, byRef)) return false;
  }
  return true;
}

/**
 * Runs the part of an execution one GitHub job owns, with the engine's own scheduler, until the
 * execution ends or every owned stage is done or waiting for a judgment.
 */
export async function runSegment(options: SegmentOptions): Promise<SegmentResult | { errors: string[] }> {
  const clock = new HaltableClock(options.services.clock ?? systemClock);
  const store = new MemoryStateStore();
  const { notifier, idle } = segmentNotifier(options.services.notifier, options.owned);
  const services: EngineServices = {
    ...options.services,
    clock,
    store,
    writerId: options.writerId,
    registry: segmentRegistry(options.services.registry, options.owned),
    notifier,
  };
  let runner: ExecutionRunner;
  if (options.start) {
    const started = startExecution(services, options.start);
    if (!started.runner) return { errors: started.errors };
    runner = started.runner;
  } else {
    const resumed = ExecutionRunner.fromJournal(services, options.journal ?? []);
    if ("error" in resumed) return { errors: [resumed.error] };
    runner = resumed;
  }
  const id = runner.id;
  for (const c of options.commands ?? []) store.appendCommand(id, c);

  const finished = runner.run().then(() => "done" as const);
  const blocked = new Promise<"blocked">((resolve) => {
    const check = () => {
      if (isComplete(runner.record.status)) return;
      if (idle() && isBlocked(runner.record, options.owned)) {
        const next = options.onBlocked?.(runner.record);
        if (next) {
          runner.command(next);
        } else {
          clock.halt();
          resolve("blocked");
          return;
        }
      }
      timer = setTimeout(check, 20);
    };
    let timer = setTimeout(check, 20);
    void finished.then(() => clearTimeout(timer));
  });
  const outcome = await Promise.race([finished, blocked]);
  const mine = store.read(id).filter((e) => {
    if (options.keepForeignEvents) return true;
    const ref = (e as { refId?: string }).refId;
    return ref === undefined || options.owned.has(ref);
  });
  const record = runner.record;
  const reached = record.stages
    .filter(
      (s) =>
        options.owned.has(s.refId) &&
        s.type === "manualJudgment" &&
        s.status === "RUNNING" &&
        !s.context.judgmentStatus,
    )
    .map((s) => s.refId);
  return { record, events: mine, reached, completed: outcome === "done" };
}
