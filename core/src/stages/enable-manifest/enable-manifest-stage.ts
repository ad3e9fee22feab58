import type { StageHandler } from "../../engine/handler.js";
import { manifestNameOf, RECEIVES_TRAFFIC } from "../../providers/kubernetes/manifest.js";
import { setTraffic } from "../../providers/kubernetes/strategy.js";
import { guardRemoval } from "../delete-manifest/delete-manifest-stage.js";
import { operationThenWait, resolveTarget } from "../manifest-kit/manifest-stage.js";

/** enableManifest / disableManifest: patch the Services' selector labels onto (or off) the pods. */
export function trafficStage(type: "enableManifest" | "disableManifest"): StageHandler {
  const enable = type === "enableManifest";
  return operationThenWait(type, async (ctx, session) => {
    const target = await resolveTarget(ctx, session);
    if ("error" in target) return target;
    const { ref } = target;
    if (!RECEIVES_TRAFFIC.has(ref.kind))
      return { error: `${manifestNameOf(ref)}: a ${ref.kind} cannot receive traffic` };
    if (!enable) {
      const blocked = await guardRemoval(ctx, session, ref, "Disabling");
      if (blocked) return { error: blocked };
    }
    const lbs = ctx.stage.context.loadBalancers;
    const r = await setTraffic(session, ref, enable, Array.isArray(lbs) ? lbs.map(String) : undefined);
    if ("error" in r) return { error: r.error };
    session.log(
      `${enable ? "enabled" : "disabled"} ${manifestNameOf(ref)} (${r.patched.length} objects patched)`,
    );
    return {
      wait: [ref],
      context: { ...target.context, patched: r.patched },
      outputs: { manifestNamesByNamespace: { [ref.namespace ?? session.namespace]: [manifestNameOf(ref)] } },
    };
  });
}

export const enableManifestStage = trafficStage("enableManifest");
