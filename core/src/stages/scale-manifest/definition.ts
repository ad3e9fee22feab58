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
import { scaleManifestStage } from "./scale-manifest-stage.js";

export const scaleManifestDefinition = defineStage({
  type: "scaleManifest",
  label: "Scale (Manifest)",
  description:
    "Set the replica count of a Kubernetes Deployment, ReplicaSet or StatefulSet and wait until it is stable.",
  group: "kubernetes",
  icon: "resize",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      ...DYNAMIC_TARGET,
      replicas: int("Replicas to run.", { minimum: 0, examples: [3] }),
      ...STABLE_WAIT,
    },
    required: ["replicas"],
    allOf: [requiredUnless("manifestName", "criteria")],
    example: { id: "scale", type: "scaleManifest", manifestName: "deployment myapp", replicas: 3 },
  },
  outputs: TARGET_OUTPUTS,
  contextKeys: ["manifestName", "resolvedManifestName", "stableTargets"],
  import: { rules: { ...MANIFEST_COMMON, replicas: asNumber() } },
  docs: `Runs \`kubectl scale --replicas=N\` on \`manifestName\` (or the dynamic target \`cluster\` +
\`criteria\`) and waits until it is stable. Only Deployments, ReplicaSets and StatefulSets scale (a
DaemonSet does not, as in Spinnaker). Scaling to 0 the last serving version of a guarded cluster
fails (traffic guards).

\`\`\`yaml
- id: scale
  type: scaleManifest
  manifestName: deployment web
  replicas: 4
\`\`\``,
  handler: scaleManifestStage,
});
