import type { StageContext } from "../../engine/handler.js";
import { ancestorsOf } from "../../engine/scope.js";
import type { KubeArtifact } from "../../providers/kubernetes/manifest.js";

const isArtifact = (v: unknown): v is KubeArtifact =>
  !!v &&
  typeof v === "object" &&
  typeof (v as KubeArtifact).type === "string" &&
  typeof (v as KubeArtifact).name === "string";

/**
 * Artifacts this stage may bind (Orca's optional artifacts): the trigger's, then those produced
 * by upstream stages (`artifacts` / `createdArtifacts` outputs), nearest stage last so it wins.
 */
export function upstreamArtifacts(ctx: StageContext): KubeArtifact[] {
  const out: KubeArtifact[] = [];
  const trigger = ctx.execution.trigger?.artifacts;
  if (Array.isArray(trigger)) out.push(...trigger.filter(isArtifact));
  const byRef = new Map(ctx.execution.stages.map((s) => [s.refId, s] as const));
  const ancestors = ancestorsOf(ctx.stage, byRef).filter((s) => s.status === "SUCCEEDED");
  // ancestorsOf walks from the nearest parent outwards; bind the nearest last.
  for (const s of [...ancestors].reverse()) {
    const list = s.outputs.artifacts ?? s.outputs.createdArtifacts;
    if (Array.isArray(list)) out.push(...list.filter(isArtifact));
  }
  return out;
}

/** The newest upstream artifact of that name (and type, when given). */
export function findArtifact(ctx: StageContext, name: string, type?: string): KubeArtifact | undefined {
  return upstreamArtifacts(ctx)
    .filter((a) => a.name === name && (!type || a.type === type))
    .at(-1);
}
