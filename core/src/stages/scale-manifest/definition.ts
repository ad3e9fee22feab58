import { asNumber } from "../../import/stage-rules.js";
import { int } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { MANIFEST_COMMON } from "../manifest-kit/import-rules.js";
import { account, manifestName, namespace } from "../manifest-kit/schema-fields.js";

export const scaleManifestDefinition = defineStage({
  type: "scaleManifest",
  label: "Scale (Manifest)",
  description: "Set the replica count of a Kubernetes object.",
  group: "kubernetes",
  icon: "resize",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      replicas: int("Replicas to run.", { minimum: 0, examples: [3] }),
    },
    required: ["manifestName", "replicas"],
    example: { id: "scale", type: "scaleManifest", manifestName: "deployment myapp", replicas: 3 },
  },
  import: { rules: { ...MANIFEST_COMMON, replicas: asNumber() } },
  docs: `Sets the replica count of the Kubernetes object \`manifestName\` to \`replicas\`. The type is part
of the format and validates, but this version of Capstan cannot run it yet (the Kubernetes provider
is next; see [providers.md](providers.md)): \`capstan validate\` warns, and a run fails when it
reaches the stage.`,
});
