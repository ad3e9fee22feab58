// What every controller shares: the API (controllers write through it like real ones), the store
// to read from, the clock, an event recorder, and owner-reference helpers.
import type { Api } from "../api.js";
import { clone } from "../patch.js";
import { groupVersion, RESOURCES, type ResourceType } from "../resources.js";
import type { CoreEvent, KObject, OwnerReference } from "../types.js";
import { microNow, now, randomSuffix } from "../util.js";

export function kind(k: string): ResourceType {
  const r = RESOURCES.find((x) => x.kind === k);
  if (!r) throw new Error(`no resource for kind ${k}`);
  return r;
}

export class Context {
  /** Wake-ups the controllers asked for (a deadline, a delay), as times in ms. */
  private readonly wakeups: number[] = [];

  constructor(
    readonly api: Api,
    readonly clock: () => number,
    readonly node: string,
  ) {}

  get store() {
    return this.api.store;
  }

  now(): string {
    return now(this.clock());
  }

  /** Asks for a reconcile pass at (or soon after) `atMs`. */
  wakeAt(atMs: number): void {
    this.wakeups.push(atMs);
  }

  takeWakeups(): number[] {
    return this.wakeups.splice(0);
  }

  controllerRef(owner: KObject): OwnerReference {
    return {
      apiVersion: owner.apiVersion ?? "",
      kind: owner.kind ?? "",
      name: owner.metadata.name ?? "",
      uid: owner.metadata.uid ?? "",
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  /** Objects of a kind whose controller is `owner`. */
  owned<T extends KObject>(k: string, owner: KObject): T[] {
    return this.store
      .peek(kind(k), owner.metadata.namespace)
      .filter((o) =>
        o.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid),
      ) as T[];
  }

  update<T extends KObject>(obj: T, manager: string, subresource?: "status"): T | undefined {
    return this.api.controllerUpdate(kind(obj.kind ?? ""), obj, manager, subresource) as T | undefined;
  }

  create<T extends KObject>(obj: T, manager: string): T | undefined {
    return this.api.controllerCreate(kind(obj.kind ?? ""), obj, manager) as T | undefined;
  }

  /** Records a core/v1 Event about an object (repeats of the same event are counted, as the recorder does). */
  event(
    about: KObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
  ): void {
    const r = kind("Event");
    const ns = about.metadata.namespace ?? "default";
    const existing = this.store.peek(r, ns).find((e) => {
      const ev = e as CoreEvent;
      return (
        ev.involvedObject.uid === about.metadata.uid &&
        ev.reason === reason &&
        ev.message === message &&
        ev.source?.component === component
      );
    }) as CoreEvent | undefined;
    const t = this.now();
    if (existing) {
      const next = clone(existing);
      next.count = (next.count ?? 1) + 1;
      next.lastTimestamp = t;
      this.api.controllerUpdate(r, next, component);
      return;
    }
    const ev: CoreEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${about.metadata.name}.${Date.now().toString(16)}${randomSuffix(3)}`,
        namespace: ns,
      },
      involvedObject: {
        kind: about.kind,
        namespace: about.metadata.namespace,
        name: about.metadata.name,
        uid: about.metadata.uid,
        apiVersion: about.apiVersion ?? groupVersion(kind(about.kind ?? "")),
        resourceVersion: about.metadata.resourceVersion,
      },
      reason,
      message,
      source: component === "kubelet" ? { component, host: this.node } : { component },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === "kubelet" ? this.node : "",
    } as CoreEvent;
    delete (ev as Record<string, unknown>).eventTime;
    void microNow;
    this.api.controllerCreate(r, ev, component);
  }
}

export interface Controller {
  readonly name: string;
  reconcile(ctx: Context): void;
}
