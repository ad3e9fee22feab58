import type { StageContext, TaskResult } from "../../engine/handler.js";
import { checkManifestGuard } from "../../providers/kubernetes/guards.js";
import type { Cascade } from "../../providers/kubernetes/kubectl.js";
import {
  canonicalKind,
  manifestNameOf,
  monikerOf,
  nameOf,
  type ObjectRef,
} from "../../providers/kubernetes/manifest.js";
import type { KubeSession } from "../../providers/kubernetes/session.js";
import { isEnabled } from "../../providers/kubernetes/strategy.js";
import { manifestStage, num, resolveTarget, str } from "../manifest-kit/manifest-stage.js";

type Data = Record<string, unknown>;

/**
 * The cascade policy (KubernetesDeleteManifestOperation): `orphanDependents` true/false is orphan
 * or background and wins over `cascading`, where false is orphan, true background, and any other
 * text (foreground, background, orphan) is passed through; nothing set passes no flag.
 */
export function readCascade(c: Data): Cascade | undefined {
  const options = (c.options && typeof c.options === "object" ? c.options : {}) as Data;
  const orphan = options.orphanDependents ?? c.orphanDependents;
  if (orphan !== undefined) return String(orphan).toLowerCase() === "true" ? "orphan" : "background";
  const cascading = options.cascading ?? c.cascading;
  if (cascading === undefined || cascading === null || cascading === "") return undefined;
  const text = String(cascading).toLowerCase();
  if (text === "false") return "orphan";
  if (text === "true") return "background";
  return text as Cascade;
}

async function start(ctx: StageContext, session: KubeSession): Promise<TaskResult> {
  const c = ctx.stage.context;
  const options = (c.options && typeof c.options === "object" ? c.options : {}) as Data;
  const cascade = readCascade(c);
  const grace = num(options.gracePeriodSeconds ?? c.gracePeriodSeconds);
  const namespace = str(c.namespace) ?? str(c.location) ?? session.namespace;
  const selector = str(c.labelSelector);
  const kinds = Array.isArray(c.kinds) ? c.kinds.map((k) => canonicalKind(String(k)).toLowerCase()) : [];
  let deleted: string[];
  let resolved: Data = {};
  if (selector && !str(c.manifestName) && !str(c.criteria)) {
    const refused = session.namespaceError(namespace);
    if (refused) return { status: "TERMINAL", error: refused };
    if (kinds.length === 0)
      return { status: "TERMINAL", error: "deleteManifest with labelSelector needs 'kinds'" };
    const matching = await session.kubectl.list(kinds, namespace, selector);
    deleted = matching.map((o) => manifestNameOf({ kind: String(o.kind), name: nameOf(o) }));
    await session.kubectl.delete(
      { kinds, labelSelector: selector, namespace },
      { cascade, gracePeriodSeconds: grace },
    );
    session.log(
      deleted.length
        ? `deleted ${deleted.join(", ")}`
        : `nothing matched ${selector} (${kinds.join(",")}) in ${namespace}`,
    );
  } else {
    const target = await resolveTarget(ctx, session);
    if ("error" in target) return { status: "TERMINAL", error: target.error };
    const blocked = await guardRemoval(ctx, session, target.ref, "Destroying");
    if (blocked) return { status: "TERMINAL", error: blocked };
    await session.kubectl.delete({ ref: target.ref }, { cascade, gracePeriodSeconds: grace });
    deleted = [manifestNameOf(target.ref)];
    session.log(`deleted ${deleted[0]} in ${target.ref.namespace}`);
    resolved = target.context;
  }
  return {
    status: "SUCCEEDED",
    context: { ...resolved, deletedManifests: deleted },
    outputs: { manifestNamesByNamespace: { [namespace]: deleted }, deletedManifests: deleted },
  };
}

/** Traffic guards: removing the last serving version of a guarded cluster fails (as Orca's). */
export async function guardRemoval(
  ctx: StageContext,
  session: KubeSession,
  ref: ObjectRef,
  operation: string,
): Promise<string | undefined> {
  const guards = ctx.services.providers?.trafficGuards ?? [];
  if (guards.length === 0 || !["ReplicaSet", "Deployment", "StatefulSet"].includes(ref.kind))
    return undefined;
  const namespace = ref.namespace ?? session.namespace;
  const all = await session.kubectl.list([ref.kind.toLowerCase()], namespace);
  const target = all.find((o) => nameOf(o) === ref.name);
  if (!target) return undefined;
  const cluster = all.filter((o) => monikerOf(o).cluster === monikerOf(target).cluster);
  const enabled = new Set<string>();
  for (const o of cluster) if (await isEnabled(session, o, namespace)) enabled.add(nameOf(o));
  const noServices = enabled.size === 0;
  return checkManifestGuard(guards, operation, session.account.name, namespace, cluster, [ref.name], (o) =>
    noServices ? true : enabled.has(nameOf(o)),
  );
}

export const deleteManifestStage = manifestStage({ type: "deleteManifest", start });
