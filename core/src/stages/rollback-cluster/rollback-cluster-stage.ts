import type { StageHandler } from "../../engine/handler.js";
import { clusterStage } from "../../providers/operations/stage-kit.js";
import { readNumber } from "../../providers/stage-config.js";

/**
 * `rollbackCluster`: enables the previous server group (grown to the newest one's size if smaller),
 * waits for it to be healthy, then disables the newest. Needs two groups and one enabled.
 */
export const rollbackClusterStage: StageHandler = clusterStage("rollbackCluster", (data) => [
  { op: "cluster.rollback", percent: readNumber(data.targetHealthyRollbackPercentage) ?? 100 },
]);
