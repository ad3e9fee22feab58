import { keep } from "../../import/stage-rules.js";
import { list, str } from "../../schema/schema-kit.js";
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
import { disableManifestStage } from "./disable-manifest-stage.js";

export const disableManifestDefinition = defineStage({
  type: "disableManifest",
  label: "Disable (Manifest)",
  description:
    "Stop a Service's traffic to a workload's pods by removing the Service's selector labels from them.",
  group: "kubernetes",
  icon: "disable",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      ...DYNAMIC_TARGET,
      loadBalancers: list(
        str("A Service, `service name`."),
        "The Services; default the workload's traffic.spinnaker.io/load-balancers annotation.",
      ),
      ...STABLE_WAIT,
    },
    allOf: [requiredUnless("manifestName", "criteria")],
    example: { id: "disable-old", type: "disableManifest", manifestName: "replicaSet web-v000" },
  },
  outputs: TARGET_OUTPUTS,
  contextKeys: ["manifestName", "resolvedManifestName", "patched", "stableTargets"],
  import: { rules: { ...MANIFEST_COMMON, loadBalancers: keep() } },
  docs: `Disables \`manifestName\` (or the dynamic target \`cluster\` + \`criteria\`) as clouddriver does: for
each Service (\`loadBalancers\`, else the workload's \`traffic.spinnaker.io/load-balancers\`
annotation) a JSON patch removes the Service's selector labels from the pod template (a Pod's own
labels), then the same patch goes to each of its pods, one by one. The Service is never edited.
Disabling the last serving version of a guarded cluster fails (traffic guards).
Then it waits until the workload is stable.

\`\`\`yaml
- id: disable-old
  type: disableManifest
  manifestName: replicaSet web-v000
\`\`\``,
  handler: disableManifestStage,
});
