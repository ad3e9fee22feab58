import { EventIdGenerator } from "./event-id.js";
import type { JournalEvent, NewEvent } from "./events.js";
import { maskSecrets } from "./mask.js";
import type { ExecutionRecord } from "./record.js";
import { applyEvent } from "./reducers.js";
import type { EngineServices } from "./types.js";

/** Events buffered before a write; bounded so a long cascade of pure stages is not held in memory. */
const MAX_BUFFERED = 1000;

/**
 * The only way the record changes: each event is stamped, folded into the record at once, and
 * buffered until `flush` makes it durable (with secret values masked) in the state store.
 */
export class JournalWriter {
  private readonly ids: EventIdGenerator;
  private buffer: JournalEvent[] = [];

  constructor(
    private readonly record: ExecutionRecord,
    private readonly services: EngineServices,
    /** The values to mask, asked for at each write. */
    private readonly secretValues: () => string[],
    writerId: string,
    /** The newest timestamp already in the journal (when resuming). */
    floorTs: number,
  ) {
    this.ids = new EventIdGenerator(writerId, floorTs);
  }

  /** An id and timestamp from the same sequence as the events (commands get one too). */
  stamp(): { id: string; ts: number } {
    return this.ids.next(this.services.clock.now());
  }

  /** Stamps `event`, folds it into the record and buffers it; tells the observer. */
  emit(event: NewEvent): JournalEvent {
    const { id, ts } = this.stamp();
    // The caller's object becomes the event (no copy: a big cascade emits tens of thousands), with
    // `id` and `ts` last, as the journal has always had them.
    const full = event as JournalEvent;
    full.id = id;
    full.ts = ts;
    applyEvent(this.record, full);
    this.buffer.push(full);
    // Writing early is always safe.
    if (this.buffer.length >= MAX_BUFFERED) this.flush();
    this.services.observer?.onEvent?.(full, this.record);
    return full;
  }

  /** Makes buffered events durable; called before anything leaves the engine. */
  flush(): void {
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
}
