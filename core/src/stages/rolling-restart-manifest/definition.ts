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
import { rollingRestartManifestStage } from "./rolling-restart-manifest-stage.js";

export const rollingRestartManifestDefinition = defineStage({
  type: "rollingRestartManifest",
  label: "Rollout Restart (Manifest)",
  description:
    "Restart the pods of a Kubernetes Deployment, StatefulSet or DaemonSet, one rollout at a time.",
  group: "kubernetes",
  icon: "rollback",
  schema: {
    properties: { account, namespace, manifestName, ...DYNAMIC_TARGET, ...STABLE_WAIT },
    allOf: [requiredUnless("manifestName", "criteria")],
    example: { id: "restart", type: "rollingRestartManifest", manifestName: "deployment web" },
  },
  outputs: TARGET_OUTPUTS,
  contextKeys: ["manifestName", "resolvedManifestName", "stableTargets"],
  import: { rules: { ...MANIFEST_COMMON } },
  docs: `Runs \`kubectl rollout restart\` on \`manifestName\` (or the dynamic target) and waits until the
new pods are stable. Deployments, StatefulSets and DaemonSets only.

\`\`\`yaml
- id: restart
  type: rollingRestartManifest
  manifestName: deployment web
\`\`\``,
  handler: rollingRestartManifestStage,
});
