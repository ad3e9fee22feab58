import type { StageContext, TaskResult } from "../../engine/handler.js";
import { referencedArtifacts } from "../../providers/kubernetes/artifacts.js";
import { stripManaged } from "../../providers/kubernetes/deploy.js";
import { manifestNameOf } from "../../providers/kubernetes/manifest.js";
import type { KubeSession } from "../../providers/kubernetes/session.js";
import { manifestStage, num, resolveTarget } from "../manifest-kit/manifest-stage.js";

/** findArtifactsFromResource: the object and every artifact it refers to (5 reads, 1 s apart). */
async function start(ctx: StageContext, session: KubeSession): Promise<TaskResult> {
  const target = await resolveTarget(ctx, session);
  if ("error" in target) return { status: "TERMINAL", error: target.error };
  const object = await session.kubectl.get(target.ref);
  if (!object) {
    const attempts = (num(ctx.stage.context.findAttempts) ?? 0) + 1;
    if (attempts < 5)
      return {
        status: "RUNNING",
        pollAfterMs: 1000,
        waitingFor: `${manifestNameOf(target.ref)} to exist`,
        context: { ...target.context, findAttempts: attempts },
      };
    return {
      status: "TERMINAL",
      error: `${manifestNameOf(target.ref)} not found in ${target.ref.namespace} after 5 attempts`,
    };
  }
  const artifacts = referencedArtifacts(object);
  session.log(
    `${manifestNameOf(target.ref)} refers to ${artifacts.length ? artifacts.map((a) => `${a.type} ${a.reference}`).join(", ") : "no artifacts"}`,
  );
  return {
    status: "SUCCEEDED",
    context: target.context,
    outputs: { manifest: stripManaged(object), artifacts },
  };
}

export const findArtifactsFromResourceStage = manifestStage({ type: "findArtifactsFromResource", start });
