import { asNumber } from "../../import/stage-rules.js";
import { int } from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { MANIFEST_COMMON } from "../manifest-kit/import-rules.js";
import { TARGET_OUTPUTS } from "../manifest-kit/outputs.js";
import {
  account,
  DYNAMIC_TARGET,
  manifestName,
  namespace,
  STABLE_WAIT,
} from "../manifest-kit/schema-fields.js";
import { undoRolloutManifestStage } from "./undo-rollout-manifest-stage.js";

export const undoRolloutManifestDefinition = defineStage({
  type: "undoRolloutManifest",
  label: "Undo Rollout (Manifest)",
  description: "Roll a Kubernetes Deployment, StatefulSet or DaemonSet back to an earlier revision.",
  group: "kubernetes",
  icon: "rollback",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      ...DYNAMIC_TARGET,
      numRevisionsBack: int("Revisions to go back.", { default: 1, minimum: 1 }),
      revision: int("The revision to go back to (instead of numRevisionsBack).", { minimum: 1 }),
      ...STABLE_WAIT,
    },
    allOf: [requiredUnless("manifestName", "criteria")],
    example: { id: "undo", type: "undoRolloutManifest", manifestName: "deployment myapp" },
  },
  outputs: [
    ...TARGET_OUTPUTS,
    { name: "revision", type: "number", description: "The revision rolled back to." },
  ],
  contextKeys: ["revision", "stableTargets"],
  import: { rules: { ...MANIFEST_COMMON, numRevisionsBack: asNumber(), revision: asNumber() } },
  docs: `Rolls \`manifestName\` back: \`kubectl rollout history\` lists its revisions and
\`numRevisionsBack\` (default 1) picks \`revisions[size - n - 1]\` ("There are N revision(s) in total,
cannot rollback M" when there are too few), or \`revision\` names one; then
\`kubectl rollout undo --to-revision=R\` and a wait until it is stable. Kubernetes rolls the old
configuration forward as a new revision. Only Deployments, StatefulSets and DaemonSets.

\`\`\`yaml
- id: undo
  type: undoRolloutManifest
  manifestName: deployment web
  numRevisionsBack: 1
\`\`\``,
  handler: undoRolloutManifestStage,
});
