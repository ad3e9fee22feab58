import type { StageHandler } from "../../engine/handler.js";
import { clusterStage } from "../../providers/operations/stage-kit.js";
import { readBool, readNumber } from "../../providers/stage-config.js";

/** `shrinkCluster`: destroys all but the newest (or largest) `shrinkToSize` groups (inactive ones unless allowed). */
export const shrinkClusterStage: StageHandler = clusterStage("shrinkCluster", (data) => [
  {
    op: "cluster.shrink",
    shrinkToSize: readNumber(data.shrinkToSize) ?? 1,
    allowDeleteActive: readBool(data.allowDeleteActive, false),
    retainLargerOverNewer: readBool(data.retainLargerOverNewer, false),
  },
]);
