// The double's etcd: objects by resource, one resourceVersion counter for everything, and the
// event log that watches read from (a watch may resume from any resourceVersion still in the log;
// an older one gets 410 Expired as the real server answers once etcd has compacted).
import { clone } from "./patch.js";
import type { ResourceType } from "./resources.js";
import type { KObject } from "./types.js";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  rv: number;
  type: EventType;
  resource: ResourceType;
  object: KObject;
  /** The object before this change (MODIFIED and DELETED). */
  previous?: KObject;
}

// Like etcd compaction: a watch may resume from any of the last LOG_LIMIT changes, older ones get 410.
const LOG_LIMIT = 5_000;

function resourceKey(r: ResourceType): string {
  return `${r.group}/${r.plural}`;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ""}/${name}`;
}

export class Store {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly log: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  /** The latest resourceVersion (what a list reports). */
  get resourceVersion(): number {
    return this.rv;
  }

  private bucket(r: ResourceType): Map<string, KObject> {
    const k = resourceKey(r);
    let b = this.objects.get(k);
    if (!b) {
      b = new Map();
      this.objects.set(k, b);
    }
    return b;
  }

  get(r: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.bucket(r).get(objectKey(r.namespaced ? namespace : undefined, name));
    return o ? clone(o) : undefined;
  }

  /** Live objects (not copies): for controllers' read-only scans. Never mutate them. */
  peek(r: ResourceType, namespace?: string): KObject[] {
    const out: KObject[] = [];
    for (const o of this.bucket(r).values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(o);
    }
    return out;
  }

  list(r: ResourceType, namespace?: string): KObject[] {
    return this.peek(r, namespace)
      .map((o) => clone(o))
      .sort((a, b) =>
        objectKey(a.metadata.namespace, a.metadata.name ?? "").localeCompare(
          objectKey(b.metadata.namespace, b.metadata.name ?? ""),
        ),
      );
  }

  /** Stores a new or changed object with the next resourceVersion; returns the stored copy. */
  put(r: ResourceType, obj: KObject): KObject {
    const key = objectKey(r.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name ?? "");
    const bucket = this.bucket(r);
    const previous = bucket.get(key);
    this.rv++;
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(this.rv);
    bucket.set(key, stored);
    this.emit({ rv: this.rv, type: previous ? "MODIFIED" : "ADDED", resource: r, object: stored, previous });
    return clone(stored);
  }

  remove(r: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const key = objectKey(r.namespaced ? namespace : undefined, name);
    const bucket = this.bucket(r);
    const previous = bucket.get(key);
    if (!previous) return undefined;
    bucket.delete(key);
    this.rv++;
    const gone = clone(previous);
    gone.metadata.resourceVersion = String(this.rv);
    this.emit({ rv: this.rv, type: "DELETED", resource: r, object: gone, previous });
    return clone(gone);
  }

  private emit(e: StoreEvent): void {
    this.log.push(e);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A listener's failure must not stop the others.
      }
    }
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `rv`, or undefined when the log no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv >= this.rv) return [];
    const oldest = this.log[0]?.rv ?? this.rv + 1;
    if (rv < oldest - 1) return undefined;
    return this.log.filter((e) => e.rv > rv);
  }

  /** The oldest resourceVersion a watch can resume after. */
  get oldestResumable(): number {
    return (this.log[0]?.rv ?? this.rv + 1) - 1;
  }
}
