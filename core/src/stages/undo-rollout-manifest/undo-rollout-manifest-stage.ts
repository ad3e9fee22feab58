import { manifestNameOf, UNDOABLE } from "../../providers/kubernetes/manifest.js";
import { num, operationThenWait, resolveTarget } from "../manifest-kit/manifest-stage.js";

/**
 * The revision `numRevisionsBack` means (KubernetesUndoRolloutManifestOperation): the revisions of
 * `kubectl rollout history`, ascending, `revisions[size - n - 1]`.
 */
export function revisionBack(revisions: readonly number[], n: number): number | { error: string } {
  const index = revisions.length - n - 1;
  if (index < 0) return { error: `There are ${revisions.length} revision(s) in total, cannot rollback ${n}` };
  return revisions[index];
}

/** undoRolloutManifest: `kubectl rollout undo --to-revision`, then wait until stable. */
export const undoRolloutManifestStage = operationThenWait("undoRolloutManifest", async (ctx, session) => {
  const c = ctx.stage.context;
  const target = await resolveTarget(ctx, session);
  if ("error" in target) return target;
  const { ref } = target;
  if (!UNDOABLE.has(ref.kind))
    return { error: `${manifestNameOf(ref)}: ${ref.kind} does not support undo rollout` };
  let revision = num(c.revision);
  if (revision === undefined) {
    const n = num(c.numRevisionsBack) ?? 1;
    const history = await session.kubectl.rolloutHistory(ref);
    const picked = revisionBack(history, n);
    if (typeof picked !== "number") return picked;
    revision = picked;
    session.log(`revisions of ${manifestNameOf(ref)}: ${history.join(", ")}; ${n} back is ${revision}`);
  }
  await session.kubectl.rolloutUndo(ref, revision);
  session.log(`rolled ${manifestNameOf(ref)} back to revision ${revision}`);
  return {
    wait: [ref],
    context: { ...target.context, revision },
    outputs: {
      manifestNamesByNamespace: { [ref.namespace ?? session.namespace]: [manifestNameOf(ref)] },
      revision,
    },
  };
});
