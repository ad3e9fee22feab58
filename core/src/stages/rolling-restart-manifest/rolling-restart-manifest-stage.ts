import { manifestNameOf, UNDOABLE } from "../../providers/kubernetes/manifest.js";
import { operationThenWait, resolveTarget } from "../manifest-kit/manifest-stage.js";

/** rollingRestartManifest: `kubectl rollout restart`, then wait until stable. */
export const rollingRestartManifestStage = operationThenWait(
  "rollingRestartManifest",
  async (ctx, session) => {
    const target = await resolveTarget(ctx, session);
    if ("error" in target) return target;
    const { ref } = target;
    if (!UNDOABLE.has(ref.kind))
      return {
        error: `${manifestNameOf(ref)}: a ${ref.kind} cannot be restarted (only Deployment, StatefulSet, DaemonSet)`,
      };
    await session.kubectl.rolloutRestart(ref);
    session.log(`restarted ${manifestNameOf(ref)}`);
    return {
      wait: [ref],
      context: target.context,
      outputs: { manifestNamesByNamespace: { [ref.namespace ?? session.namespace]: [manifestNameOf(ref)] } },
    };
  },
);
