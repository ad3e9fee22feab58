import type { StageHandler } from "../../engine/handler.js";
import { clusterStage } from "../../providers/operations/stage-kit.js";
import { readBool, readNumber } from "../../providers/stage-config.js";

/** `scaleDownCluster`: resizes to 0 all but `remainingFullSizeServerGroups` groups (inactive ones unless allowed). */
export const scaleDownClusterStage: StageHandler = clusterStage("scaleDownCluster", (data) => [
  {
    op: "cluster.scaleDown",
    remaining: readNumber(data.remainingFullSizeServerGroups) ?? 1,
    preferLargerOverNewer: readBool(data.preferLargerOverNewer, false),
    allowScaleDownActive: readBool(data.allowScaleDownActive, false),
  },
]);
