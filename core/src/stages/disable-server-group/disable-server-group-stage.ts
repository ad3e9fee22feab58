import type { StageHandler } from "../../engine/handler.js";
import { targetStage } from "../../providers/operations/stage-kit.js";
import { readNumber } from "../../providers/stage-config.js";

/** `disableServerGroup`: the target stops taking traffic (or `desiredPercentage` of it); traffic guards apply at 100 %. */
export const disableServerGroupStage: StageHandler = targetStage("disableServerGroup", (name, data) => {
  const percent = readNumber(data.desiredPercentage) ?? 100;
  if (percent < 0 || percent > 100)
    return { error: `desiredPercentage must be within 0..100, got ${percent}` };
  return [{ op: "disable", target: { name }, percent }];
});
