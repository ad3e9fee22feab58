import { StageRegistry } from "../engine/handler.js";

export { checkStageHandlers } from "./checks.js";

import { checkPreconditionsStage } from "./check-preconditions/check-preconditions-stage.js";
import { evaluateVariablesStage } from "./evaluate-variables/evaluate-variables-stage.js";
import { manualJudgmentStage } from "./manual-judgment/manual-judgment-stage.js";
import { pipelineStage } from "./pipeline/pipeline-stage.js";
import { runStage } from "./run/run-stage.js";
import { serverGroupStages } from "./server-group-stages.js";
import { waitStage } from "./wait/wait-stage.js";
import { webhookStage } from "./webhook/webhook-stage.js";

/** The stage types this build can run: one line per type. */
export function defaultStageRegistry(): StageRegistry {
  return new StageRegistry([
    waitStage,
    manualJudgmentStage,
    checkPreconditionsStage,
    evaluateVariablesStage,
    runStage,
    webhookStage,
    pipelineStage,
    ...serverGroupStages,
  ]);
}
