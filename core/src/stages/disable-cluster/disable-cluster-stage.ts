import type { StageHandler } from "../../engine/handler.js";
import { clusterStage } from "../../providers/operations/stage-kit.js";
import { readBool, readNumber } from "../../providers/stage-config.js";

/** `disableCluster`: disables all but the newest (or largest) `remainingEnabledServerGroups` active groups. */
export const disableClusterStage: StageHandler = clusterStage("disableCluster", (data) => [
  {
    op: "cluster.disable",
    remaining: readNumber(data.remainingEnabledServerGroups) ?? 1,
    preferLargerOverNewer: readBool(data.preferLargerOverNewer, false),
  },
]);
