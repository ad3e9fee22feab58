import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { MANIFEST_COMMON } from "../manifest-kit/import-rules.js";
import { account, DYNAMIC_TARGET, manifestName, namespace } from "../manifest-kit/schema-fields.js";
import { findArtifactsFromResourceStage } from "./find-artifacts-from-resource-stage.js";

export const findArtifactsFromResourceDefinition = defineStage({
  type: "findArtifactsFromResource",
  label: "Find Artifacts From Resource (Manifest)",
  description:
    "Read a Kubernetes object and publish it and the artifacts it refers to (images, ConfigMaps, Secrets).",
  group: "kubernetes",
  schema: {
    properties: { account, namespace, manifestName, ...DYNAMIC_TARGET },
    allOf: [requiredUnless("manifestName", "criteria")],
    example: { id: "current", type: "findArtifactsFromResource", manifestName: "deployment web" },
  },
  outputs: [
    { name: "manifest", type: "object", description: "The object as the cluster has it." },
    {
      name: "artifacts",
      type: "list of artifacts",
      description:
        "What it refers to: `docker/image` of each container, `kubernetes/configMap` and `kubernetes/secret` it mounts or reads.",
    },
  ],
  import: { from: ["findArtifactFromResource", "findArtifactsFromResource"], rules: { ...MANIFEST_COMMON } },
  docs: `Reads \`manifestName\` (or the dynamic target; up to 5 tries, 1 s apart) and publishes it as
\`manifest\` and what it refers to as \`artifacts\`: container and init-container images, ConfigMaps
and Secrets in volumes, projected volumes, \`envFrom\` and \`valueFrom\`, an HPA's target. A later
\`deployManifest\` binds them (the image running in production, say). Spinnaker's type is
\`findArtifactFromResource\`.

\`\`\`yaml
- id: current
  type: findArtifactsFromResource
  manifestName: deployment web
\`\`\``,
  handler: findArtifactsFromResourceStage,
});
