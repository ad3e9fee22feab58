import type { Pipeline, Stage } from "../model/types.js";
import { ActiveStages } from "./active-stages.js";
import { newWriterId } from "./event-id.js";
import type { JournalEvent, NewEvent } from "./events.js";
import { JournalWriter } from "./journal-writer.js";
import type { ExecutionRecord, StageRecord } from "./record.js";
import { declaredSecrets, secretValuesOf } from "./secrets.js";
import { RunnerStageContext, type StageContextHost } from "./stage-context.js";
import type { EngineServices, StageContext, StageHandler } from "./types.js";

/**
 * What the handlers of one execution share: the record (always the fold of the journal, changed
 * only through `emit`), the pipeline's stage models, and the scheduling state that is not
 * journaled (poll times, tasks in flight, abort signals, work `run()` must wait for).
 */
export class RunState {
  readonly journal: JournalWriter;
  readonly models = new Map<string, Stage>();
  readonly byRef = new Map<string, StageRecord>();
  /** The stages a scheduler pass must visit, and the count of each status. */
  readonly active = new ActiveStages();
  /** When each running stage is polled next (absent: now; Infinity: when its handler wakes it). */
  readonly nextPollAt = new Map<string, number>();
  /** Stages whose task this process started; a RUNNING stage without one is resumed. */
  readonly taskStarted = new Set<string>();
  /** Handler calls that have not settled, by stage. */
  readonly inflight = new Map<string, Promise<void>>();
  readonly aborts = new Map<string, AbortController>();
  /** Promises the virtual clock must wait for (judgment prompts, child executions ...). */
  readonly externalWork = new Set<Promise<unknown>>();
  /** Cleanups and notifications that must finish before `run` returns. */
  readonly background = new Set<Promise<unknown>>();
  /** Stages whose URL-function bodies are being fetched before they start. */
  readonly prefetching = new Set<string>();
  /** Fetch rounds done per stage. */
  readonly prefetched = new Map<string, number>();
  /** The inbox may hold commands not applied yet. */
  commandsDirty = true;
  /** The execution's end is decided (only the first decision counts). */
  finishing = false;
  /** Set by `wake`; the loop then runs again without sleeping. */
  woken = false;
  /** Resolves the loop's sleep, while it sleeps. */
  wakeUp: (() => void) | undefined;

  constructor(
    readonly pipeline: Pipeline,
    readonly services: EngineServices,
    readonly record: ExecutionRecord,
    floorTs: number,
    /** Gives the stage contexts what they need from the runner. */
    private readonly host: StageContextHost,
  ) {
    const writerId = services.writerId ?? newWriterId(services.random);
    this.journal = new JournalWriter(record, services, () => this.secretValues(), writerId, floorTs);
    for (const stage of pipeline.stages) this.models.set(stage.id, stage);
    this.indexStages();
  }

  /** Journals an event (see JournalWriter); tells `active` when it changed a stage's status. */
  emit(event: NewEvent): JournalEvent {
    const refId = (event as { refId?: unknown }).refId;
    const i = typeof refId === "string" ? this.active.indexOfRef(refId) : -1;
    const before = i >= 0 ? this.record.stages[i].status : undefined;
    const full = this.journal.emit(event);
    if (before !== undefined && this.record.stages[i].status !== before) this.active.changed(i, before);
    return full;
  }

  /** Makes buffered events durable; called before anything leaves the engine. */
  flush(): void {
    this.journal.flush();
  }

  /** Rebuilds the refId index (after `execution.started` replaced the stages). */
  indexStages(): void {
    this.byRef.clear();
    for (const s of this.record.stages) this.byRef.set(s.refId, s);
    this.active.rebuild(this.record.stages);
  }

  /** Wakes the loop (a command arrived, a call settled, a process exited ...). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Polls the stage at the next step and wakes the loop. */
  pollNow(refId: string): void {
    this.nextPollAt.set(refId, 0);
    this.wake();
  }

  /** The handler of the stage's type, if this engine has one. */
  handlerOf(s: StageRecord): StageHandler | undefined {
    return this.services.registry.get(s.type);
  }

  /** The pipeline's declared secrets that have a value, by name. */
  secrets(): Record<string, string> {
    return declaredSecrets(this.pipeline.secrets, this.services.secrets);
  }

  /** The values of the declared secrets (to mask). */
  secretValues(): string[] {
    return secretValuesOf(this.secrets());
  }

  /** The stage's abort signal, made on first use (controllers are costly). */
  signalFor(refId: string): AbortSignal {
    const ac = this.aborts.get(refId) ?? new AbortController();
    this.aborts.set(refId, ac);
    return ac.signal;
  }

  /** What a handler call gets; `cancelSignal` replaces the stage's own (for cancel calls). */
  stageContext(s: StageRecord, cancelSignal?: AbortSignal): StageContext {
    return new RunnerStageContext(this.host, s, this.models.get(s.refId)!, cancelSignal);
  }

  /** Work `run()` waits for before returning; its failure is ignored. */
  track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Outside work (a prompt): a virtual clock stands still until it settles. */
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
}
