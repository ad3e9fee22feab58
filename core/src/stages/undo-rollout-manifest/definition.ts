import { asNumber } from "../../import/stage-rules.js";
import { int } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { MANIFEST_COMMON } from "../manifest-kit/import-rules.js";
import { account, manifestName, namespace } from "../manifest-kit/schema-fields.js";

export const undoRolloutManifestDefinition = defineStage({
  type: "undoRolloutManifest",
  label: "Undo Rollout (Manifest)",
  description: "Roll a Kubernetes object back a number of revisions.",
  group: "kubernetes",
  icon: "rollback",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      numRevisionsBack: int("Revisions to go back.", { default: 1, minimum: 1 }),
    },
    required: ["manifestName"],
    example: { id: "undo", type: "undoRolloutManifest", manifestName: "deployment myapp" },
  },
  import: { rules: { ...MANIFEST_COMMON, numRevisionsBack: asNumber() } },
  docs: `Rolls the Kubernetes object \`manifestName\` back \`numRevisionsBack\` revisions (default 1). The
type is part of the format and validates, but this version of Capstan cannot run it yet (the
Kubernetes provider is next; see [providers.md](providers.md)): \`capstan validate\` warns, and a run
fails when it reaches the stage.`,
});
