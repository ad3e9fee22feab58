import type { StageContext } from "../../engine/handler.js";
import type { StreamingCommand } from "./kubectl.js";
import { type KubeObject, manifestNameOf, type ObjectRef } from "./manifest.js";
import type { KubeSession } from "./session.js";
import { type ManifestStatus, manifestStatus } from "./stability.js";

/** A watch kept while a stage waits: the newest version kubectl printed wakes the stage. */
interface Watch {
  command: StreamingCommand;
  latest?: KubeObject;
  ended: boolean;
}

const watches = new Map<string, Map<string, Watch>>();

// A watch is a kubectl child process: none outlives this process.
process.once("exit", () => {
  for (const map of watches.values()) for (const w of map.values()) w.command.stop();
});
const stageKey = (ctx: StageContext) => `${ctx.execution.id}/${ctx.stage.refId}`;
const refKey = (r: ObjectRef) => `${r.kind}/${r.namespace ?? ""}/${r.name}`;

/** Stops the stage's watches. */
export function stopWatches(ctx: StageContext): void {
  const map = watches.get(stageKey(ctx));
  if (!map) return;
  for (const w of map.values()) w.command.stop();
  watches.delete(stageKey(ctx));
}

function watchFor(ctx: StageContext, session: KubeSession, ref: ObjectRef): Watch {
  const key = stageKey(ctx);
  const map = watches.get(key) ?? new Map<string, Watch>();
  watches.set(key, map);
  const existing = map.get(refKey(ref));
  if (existing && !existing.ended) return existing;
  const watch: Watch = { ended: false } as Watch;
  watch.command = session.kubectl.watch(ref, (object) => {
    watch.latest = object;
    ctx.wake();
  });
  void watch.command.exit.then(() => {
    watch.ended = true;
  });
  map.set(refKey(ref), watch);
  return watch;
}

/**
 * True when every watch of the stage is running and has delivered the object at least once; until
 * then (kubectl is still starting, or the watch ended) a stage polls sooner than `pollMs`.
 */
export function watchesLive(ctx: StageContext): boolean {
  const map = watches.get(stageKey(ctx));
  if (!map || map.size === 0) return false;
  for (const w of map.values()) if (w.ended || !w.latest) return false;
  return true;
}

/** One object the stage waits for. */
export interface WaitTarget extends ObjectRef {
  /** Set once it was seen stable (not read again, as Orca skips completed manifests). */
  done?: boolean;
}

export type WaitOutcome =
  | { state: "stable" }
  | { state: "waiting"; waitingFor: string; message: string }
  | { state: "failed"; error: string };

/**
 * The object to judge: the watch's newest version when it shows the object stable (a watch only
 * delivers versions the object had, so it was stable; this is what ends the wait within moments of
 * the cluster reporting it), else a fresh `kubectl get` (a watch may miss or lag behind events, so
 * an unstable version from it is never trusted).
 */
async function current(ctx: StageContext, session: KubeSession, ref: ObjectRef, useWatch: boolean) {
  if (useWatch) {
    const w = watchFor(ctx, session, ref);
    if (w.latest && manifestStatus(w.latest).stable) return w.latest;
  }
  return session.kubectl.get(ref);
}

/** Events that explain a failure, one line each (newest last, at most `limit`). */
export async function explainingEvents(session: KubeSession, ref: ObjectRef, limit = 10): Promise<string[]> {
  const events = await session.kubectl.events(ref).catch(() => []);
  return events.slice(-limit).map((e) => {
    const involved = (e.involvedObject ?? {}) as { kind?: string; name?: string };
    const type = String(e.type ?? "");
    const reason = String(e.reason ?? "");
    const message = String(e.message ?? "").trim();
    return `${type ? `${type} ` : ""}${reason} ${involved.kind ?? ""}/${involved.name ?? ""}: ${message}`;
  });
}

/**
 * One look at the objects a stage waits for (Orca's waitForManifestToStabilize): all stable, or
 * still waiting (with the first one's message), or failed (with the events that explain it).
 * Objects already seen stable are marked `done` and skipped.
 */
export async function checkStable(
  ctx: StageContext,
  session: KubeSession,
  targets: WaitTarget[],
  options: { useWatch?: boolean } = {},
): Promise<WaitOutcome> {
  const waiting: { ref: ObjectRef; status: ManifestStatus }[] = [];
  for (const t of targets) {
    if (t.done) continue;
    let object: KubeObject | undefined;
    try {
      object = await current(ctx, session, t, options.useWatch !== false);
    } catch (error) {
      // A read error is retried, as Orca does.
      waiting.push({ ref: t, status: { stable: false, failed: false, message: (error as Error).message } });
      continue;
    }
    if (!object) {
      waiting.push({ ref: t, status: { stable: false, failed: false, message: "not found" } });
      continue;
    }
    const status = manifestStatus(object);
    if (status.failed) {
      const events = await explainingEvents(session, t);
      const where = `'${manifestNameOf(t)}' in '${t.namespace ?? session.namespace}' for account ${session.account.name}`;
      return {
        state: "failed",
        error: `${where}: ${status.message ?? "failed"}${events.length ? `\nevents:\n  ${events.join("\n  ")}` : ""}`,
      };
    }
    if (status.stable) t.done = true;
    else waiting.push({ ref: t, status });
  }
  if (waiting.length === 0) return { state: "stable" };
  const first = waiting[0];
  return {
    state: "waiting",
    waitingFor: `${manifestNameOf(first.ref)} to stabilize${waiting.length > 1 ? ` (and ${waiting.length - 1} more)` : ""}`,
    message: `${manifestNameOf(first.ref)}: ${first.status.message ?? "waiting for manifest to stabilize"}`,
  };
}

/** The error of a wait that ran out of time: what it waited for and the events that explain it. */
export async function timeoutError(
  session: KubeSession,
  targets: readonly WaitTarget[],
  limitMs: number,
  lastMessage: string,
): Promise<string> {
  const pending = targets.filter((t) => !t.done);
  const lines: string[] = [];
  for (const t of pending.slice(0, 3)) lines.push(...(await explainingEvents(session, t, 5)));
  return `timed out after ${Math.round(limitMs / 1000)}s waiting for ${pending.map(manifestNameOf).join(", ")} to stabilize: ${lastMessage}${lines.length ? `\nevents:\n  ${lines.join("\n  ")}` : ""}`;
}
