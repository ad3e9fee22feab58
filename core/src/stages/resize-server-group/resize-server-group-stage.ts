import type { StageHandler } from "../../engine/handler.js";
import { targetStage } from "../../providers/operations/stage-kit.js";
import { readResize } from "../../providers/stage-config.js";

/**
 * `resizeServerGroup`: scaleUp/scaleDown by percent or amount (Orca's ceil arithmetic), scaleToCluster
 * or scaleExact, on the target resolved at start; waits for the new capacity to be up. A resize to
 * zero is checked against traffic guards. Output `originalCapacity.<server group>`.
 */
export const resizeServerGroupStage: StageHandler = targetStage("resizeServerGroup", (name, data) => {
  const spec = readResize(data);
  if ("error" in spec) return spec;
  const { targetHealthyDeployPercentage, ...resize } = spec;
  return [
    { op: "resize", target: { name }, resize, guard: true, label: `${resize.action}` },
    { op: "waitHealthy", target: { name }, percent: targetHealthyDeployPercentage },
  ];
});
