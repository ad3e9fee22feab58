import type { PatchType } from "../../providers/kubernetes/kubectl.js";
import { manifestNameOf } from "../../providers/kubernetes/manifest.js";
import { bool, operationThenWait, resolveTarget, str } from "../manifest-kit/manifest-stage.js";
import { stageManifests } from "../manifest-kit/sources.js";

type Data = Record<string, unknown>;

/** patchManifest: `kubectl patch --type strategic|merge|json`, then wait until stable. */
export const patchManifestStage = operationThenWait(
  "patchManifest",
  async (ctx, session) => {
    const c = ctx.stage.context;
    const options = (c.options && typeof c.options === "object" ? c.options : {}) as Data;
    const type = (str(c.mergeStrategy) ?? str(options.mergeStrategy) ?? "strategic").toLowerCase();
    if (!["strategic", "merge", "json"].includes(type))
      return { error: `mergeStrategy must be strategic, merge or json, not '${type}'` };
    const body = stageManifests(ctx, "patchBody");
    if ("error" in body) return body;
    let patch: unknown = body.manifests;
    if (type !== "json") {
      if (body.manifests.length !== 1)
        return {
          error:
            "Only one patch object is valid when patching with `strategic` and `merge` patch strategies.",
        };
      patch = body.manifests[0];
    } else if (
      Array.isArray(c.patchBody) ||
      body.manifests.every((op) => op && typeof op === "object" && "op" in (op as Data))
    ) {
      patch = body.manifests;
    }
    const target = await resolveTarget(ctx, session);
    if ("error" in target) return target;
    const record = bool(c.record ?? options.record, true);
    await session.kubectl.patch(target.ref, type as PatchType, patch, record);
    session.log(`patched ${manifestNameOf(target.ref)} (${type})`);
    const patched = await session.kubectl.get(target.ref);
    return {
      wait: [target.ref],
      context: target.context,
      outputs: {
        manifestNamesByNamespace: {
          [target.ref.namespace ?? session.namespace]: [manifestNameOf(target.ref)],
        },
        ...(patched ? { manifests: [patched] } : {}),
      },
    };
  },
  { deferredFields: ["patchBody"] },
);
