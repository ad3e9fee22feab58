import type { StageHandler } from "../../engine/handler.js";
import { targetStage } from "../../providers/operations/stage-kit.js";

/** `destroyServerGroup`: deletes the target and its instances; traffic guards apply. */
export const destroyServerGroupStage: StageHandler = targetStage("destroyServerGroup", (name) => [
  { op: "destroy", target: { name } },
]);
