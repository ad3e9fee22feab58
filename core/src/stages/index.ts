import type { StageRegistry } from "../engine/handler.js";
import { bakeManifestDefinition } from "./bake-manifest/definition.js";
import { canaryAnalysisDefinition } from "./canary-analysis/definition.js";
import { StageCatalog } from "./catalog.js";
import { checkPreconditionsDefinition } from "./check-preconditions/definition.js";
import { cloneServerGroupDefinition } from "./clone-server-group/definition.js";
import type { StageDefinition } from "./define-stage.js";
import { deleteManifestDefinition } from "./delete-manifest/definition.js";
import { deployDefinition } from "./deploy/definition.js";
import { deployManifestDefinition } from "./deploy-manifest/definition.js";
import { destroyServerGroupDefinition } from "./destroy-server-group/definition.js";
import { disableClusterDefinition } from "./disable-cluster/definition.js";
import { disableManifestDefinition } from "./disable-manifest/definition.js";
import { disableServerGroupDefinition } from "./disable-server-group/definition.js";
import { enableManifestDefinition } from "./enable-manifest/definition.js";
import { enableServerGroupDefinition } from "./enable-server-group/definition.js";
import { evaluateVariablesDefinition } from "./evaluate-variables/definition.js";
import { findArtifactsFromResourceDefinition } from "./find-artifacts-from-resource/definition.js";
import { findImageFromClusterDefinition } from "./find-image-from-cluster/definition.js";
import { manualJudgmentDefinition } from "./manual-judgment/definition.js";
import { patchManifestDefinition } from "./patch-manifest/definition.js";
import { pipelineDefinition } from "./pipeline/definition.js";
import { resizeServerGroupDefinition } from "./resize-server-group/definition.js";
import { rollbackClusterDefinition } from "./rollback-cluster/definition.js";
import { rollingRestartManifestDefinition } from "./rolling-restart-manifest/definition.js";
import { runDefinition } from "./run/definition.js";
import { runJobManifestDefinition } from "./run-job-manifest/definition.js";
import { scaleDownClusterDefinition } from "./scale-down-cluster/definition.js";
import { scaleManifestDefinition } from "./scale-manifest/definition.js";
import { shrinkClusterDefinition } from "./shrink-cluster/definition.js";
import { undoRolloutManifestDefinition } from "./undo-rollout-manifest/definition.js";
import { waitDefinition } from "./wait/definition.js";
import { webhookDefinition } from "./webhook/definition.js";

export { StageCatalog } from "./catalog.js";
export type {
  CheckPreconditionsStage,
  Precondition,
  PreconditionType,
} from "./check-preconditions/definition.js";
export { checkStageHandlers } from "./checks.js";
export {
  defineStage,
  type StageDefinition,
  type StageGroup,
  type StageImport,
  type StageOutput,
  type StageSchema,
} from "./define-stage.js";
export type { EvaluateVariablesStage } from "./evaluate-variables/definition.js";
export type { ManualJudgmentStage } from "./manual-judgment/definition.js";
export type { PipelineStage } from "./pipeline/definition.js";
export type { RunStage } from "./run/definition.js";
export {
  OTHER_SPINNAKER_ICONS,
  SPINNAKER_ONLY_STAGES,
  type SpinnakerOnlyStage,
} from "./spinnaker-only.js";
export { renderStageReference } from "./stage-docs.js";
export type { StageFieldReader } from "./stage-fields.js";
export type { WaitStage } from "./wait/definition.js";
export type { WebhookStage } from "./webhook/definition.js";

/** The built-in stage types, one line per folder, in documentation order. */
export const BUILTIN_STAGES: readonly StageDefinition[] = [
  waitDefinition,
  manualJudgmentDefinition,
  checkPreconditionsDefinition,
  evaluateVariablesDefinition,
  runDefinition,
  webhookDefinition,
  pipelineDefinition,
  deployDefinition,
  resizeServerGroupDefinition,
  enableServerGroupDefinition,
  disableServerGroupDefinition,
  destroyServerGroupDefinition,
  cloneServerGroupDefinition,
  rollbackClusterDefinition,
  disableClusterDefinition,
  scaleDownClusterDefinition,
  shrinkClusterDefinition,
  findImageFromClusterDefinition,
  deployManifestDefinition,
  scaleManifestDefinition,
  patchManifestDefinition,
  deleteManifestDefinition,
  undoRolloutManifestDefinition,
  enableManifestDefinition,
  disableManifestDefinition,
  findArtifactsFromResourceDefinition,
  runJobManifestDefinition,
  bakeManifestDefinition,
  rollingRestartManifestDefinition,
  canaryAnalysisDefinition,
];

let builtin: StageCatalog | undefined;

/** The catalog of the built-in stage types (one, built on first use). */
export function builtinStages(): StageCatalog {
  builtin ??= new StageCatalog(BUILTIN_STAGES);
  return builtin;
}

/** The engine's handlers of the built-in stage types that can run. */
export function defaultStageRegistry(): StageRegistry {
  return builtinStages().registry();
}
