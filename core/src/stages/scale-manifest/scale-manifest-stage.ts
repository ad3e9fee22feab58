import { SCALABLE } from "../../providers/kubernetes/manifest.js";
import { guardRemoval } from "../delete-manifest/delete-manifest-stage.js";
import { num, operationThenWait, resolveTarget } from "../manifest-kit/manifest-stage.js";

/** scaleManifest: `kubectl scale --replicas`, then wait until stable. */
export const scaleManifestStage = operationThenWait("scaleManifest", async (ctx, session) => {
  const replicas = num(ctx.stage.context.replicas);
  if (replicas === undefined || replicas < 0 || !Number.isInteger(replicas))
    return {
      error: `replicas must be a whole number >= 0, not ${JSON.stringify(ctx.stage.context.replicas)}`,
    };
  const target = await resolveTarget(ctx, session);
  if ("error" in target) return target;
  const { ref } = target;
  if (!SCALABLE.has(ref.kind))
    return { error: `${ref.kind} cannot be scaled (only Deployment, ReplicaSet, StatefulSet)` };
  if (replicas === 0) {
    const blocked = await guardRemoval(ctx, session, ref, "Removal of all instances in");
    if (blocked) return { error: blocked };
  }
  await session.kubectl.scale(ref, replicas);
  session.log(`scaled ${target.context.manifestName ?? `${ref.kind} ${ref.name}`} to ${replicas}`);
  return {
    wait: [ref],
    context: target.context,
    outputs: {
      manifestNamesByNamespace: {
        [ref.namespace ?? session.namespace]: [
          `${ref.kind.charAt(0).toLowerCase()}${ref.kind.slice(1)} ${ref.name}`,
        ],
      },
    },
  };
});
