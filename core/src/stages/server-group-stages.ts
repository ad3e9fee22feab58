import type { StageHandler } from "../engine/handler.js";
import { cloneServerGroupStage } from "./clone-server-group/clone-server-group-stage.js";
import { deployStage } from "./deploy/deploy-stage.js";
import { destroyServerGroupStage } from "./destroy-server-group/destroy-server-group-stage.js";
import { disableClusterStage } from "./disable-cluster/disable-cluster-stage.js";
import { disableServerGroupStage } from "./disable-server-group/disable-server-group-stage.js";
import { enableServerGroupStage } from "./enable-server-group/enable-server-group-stage.js";
import { findImageFromClusterStage } from "./find-image-from-cluster/find-image-from-cluster-stage.js";
import { resizeServerGroupStage } from "./resize-server-group/resize-server-group-stage.js";
import { rollbackClusterStage } from "./rollback-cluster/rollback-cluster-stage.js";
import { scaleDownClusterStage } from "./scale-down-cluster/scale-down-cluster-stage.js";
import { shrinkClusterStage } from "./shrink-cluster/shrink-cluster-stage.js";

/** The server-group stage types (they need `services.providers`). */
export const serverGroupStages: readonly StageHandler[] = [
  deployStage,
  resizeServerGroupStage,
  enableServerGroupStage,
  disableServerGroupStage,
  destroyServerGroupStage,
  cloneServerGroupStage,
  rollbackClusterStage,
  disableClusterStage,
  scaleDownClusterStage,
  shrinkClusterStage,
  findImageFromClusterStage,
];
