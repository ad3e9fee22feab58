// The garbage collector and the namespace controller. Owner references: an object all of whose
// owners are gone is deleted (background); a dangling reference next to a live owner is dropped.
// The deletion finalizers: "orphan" (dependents lose their reference, then the owner goes) and
// "foregroundDeletion" (dependents are deleted first; the owner goes once none with
// blockOwnerDeletion is left). A deleted namespace's content is deleted before the namespace.
import { clone } from "../patch.js";
import { RESOURCES, type ResourceType } from "../resources.js";
import type { KObject } from "../types.js";
import { type Context, type Controller, kind } from "./context.js";

const MANAGER = "generic-garbage-collector";

export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";

  reconcile(ctx: Context): void {
    const all: { r: ResourceType; o: KObject }[] = [];
    for (const r of RESOURCES) for (const o of ctx.store.peek(r)) all.push({ r, o });
    const byUid = new Map(all.map((x) => [x.o.metadata.uid ?? "", x]));
    const dependentsOf = (uid: string) =>
      all.filter((x) => x.o.metadata.ownerReferences?.some((ref) => ref.uid === uid));
    for (const { r, o } of all) {
      const fin = o.metadata.finalizers ?? [];
      if (!o.metadata.deletionTimestamp) continue;
      if (fin.includes("orphan")) {
        for (const d of dependentsOf(o.metadata.uid ?? "")) {
          const next = clone(d.o);
          next.metadata.ownerReferences = next.metadata.ownerReferences?.filter(
            (ref) => ref.uid !== o.metadata.uid,
          );
          if (next.metadata.ownerReferences?.length === 0) delete next.metadata.ownerReferences;
          ctx.api.controllerUpdate(d.r, next, MANAGER);
        }
        this.dropFinalizer(ctx, r, o, "orphan");
      } else if (fin.includes("foregroundDeletion")) {
        const deps = dependentsOf(o.metadata.uid ?? "");
        for (const d of deps) {
          if (d.o.metadata.deletionTimestamp) continue;
          try {
            ctx.api.delete(d.r, d.o.metadata.namespace, d.o.metadata.name ?? "", {
              propagationPolicy: "Foreground",
            });
          } catch {
            // Gone meanwhile.
          }
        }
        const blocking = deps.filter((d) =>
          d.o.metadata.ownerReferences?.some((ref) => ref.uid === o.metadata.uid && ref.blockOwnerDeletion),
        );
        if (blocking.length === 0) this.dropFinalizer(ctx, r, o, "foregroundDeletion");
      }
    }
    for (const { r, o } of all) {
      const refs = o.metadata.ownerReferences ?? [];
      if (refs.length === 0 || o.metadata.deletionTimestamp) continue;
      const absent = refs.filter((ref) => {
        const owner = byUid.get(ref.uid);
        return !owner || owner.o.metadata.name !== ref.name;
      });
      if (absent.length === 0) continue;
      if (absent.length === refs.length) {
        try {
          ctx.api.delete(r, o.metadata.namespace, o.metadata.name ?? "", { propagationPolicy: "Background" });
        } catch {
          // Gone meanwhile.
        }
      } else {
        const next = clone(o);
        next.metadata.ownerReferences = refs.filter((ref) => !absent.includes(ref));
        ctx.api.controllerUpdate(r, next, MANAGER);
      }
    }
  }

  private dropFinalizer(ctx: Context, r: ResourceType, o: KObject, f: string): void {
    const next = clone(o);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((x) => x !== f);
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    // The last finalizer gone, the object goes (a pod once the kubelet has stopped it).
    ctx.api.controllerUpdate(r, next, MANAGER);
  }
}

export class NamespaceController implements Controller {
  readonly name = "namespace-controller";

  reconcile(ctx: Context): void {
    const nsType = kind("Namespace");
    for (const ns of ctx.store.peek(nsType)) {
      if (!ns.metadata.deletionTimestamp) continue;
      const name = ns.metadata.name ?? "";
      let left = 0;
      for (const r of RESOURCES) {
        if (!r.namespaced) continue;
        for (const o of ctx.store.peek(r, name)) {
          left++;
          if (o.metadata.deletionTimestamp) continue;
          try {
            ctx.api.delete(r, name, o.metadata.name ?? "", { propagationPolicy: "Background" });
          } catch {
            // Gone meanwhile.
          }
        }
      }
      if (left === 0) ctx.api.finishDeletion(nsType, undefined, name);
    }
  }
}
