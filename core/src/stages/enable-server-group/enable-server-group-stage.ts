import type { StageHandler } from "../../engine/handler.js";
import { targetStage } from "../../providers/operations/stage-kit.js";

/** `enableServerGroup`: the target takes traffic again. */
export const enableServerGroupStage: StageHandler = targetStage("enableServerGroup", (name) => [
  { op: "enable", target: { name } },
]);
