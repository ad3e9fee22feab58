import { drop, keep } from "../../import/stage-rules.js";
import { bool, oneOfValues } from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { MANIFEST_COMMON, options, requiredArtifacts, textSource } from "../manifest-kit/import-rules.js";
import { TARGET_OUTPUTS } from "../manifest-kit/outputs.js";
import {
  account,
  DYNAMIC_TARGET,
  manifestName,
  namespace,
  STABLE_WAIT,
} from "../manifest-kit/schema-fields.js";
import { patchManifestStage } from "./patch-manifest-stage.js";

export const patchManifestDefinition = defineStage({
  type: "patchManifest",
  label: "Patch (Manifest)",
  description:
    "Update part of an existing Kubernetes object in place (kubectl patch) and wait until it is stable.",
  group: "kubernetes",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      ...DYNAMIC_TARGET,
      patchBody: {
        type: ["object", "array"],
        description:
          "The patch: a partial object (strategic/merge) or a list of JSON-patch operations (json); expressions inside are evaluated.",
      },
      mergeStrategy: oneOfValues(
        ["strategic", "merge", "json"],
        "Patch type (Spinnaker: options.mergeStrategy).",
        {
          default: "strategic",
        },
      ),
      record: bool("Record the patch in the object's change-cause annotation (kubectl --record).", {
        default: true,
      }),
      ...STABLE_WAIT,
    },
    required: ["patchBody"],
    allOf: [requiredUnless("manifestName", "criteria")],
    example: {
      id: "route-to-v2",
      type: "patchManifest",
      manifestName: "service myapp",
      patchBody: { spec: { selector: { version: "v2" } } },
    },
  },
  outputs: [
    ...TARGET_OUTPUTS,
    { name: "manifests", type: "list of objects", description: "The object after the patch." },
  ],
  contextKeys: ["manifestName", "resolvedManifestName", "stableTargets"],
  import: {
    rules: {
      ...MANIFEST_COMMON,
      source: textSource,
      patchBody: keep(),
      options: options({ mergeStrategy: "string", record: "bool" }),
      patchArtifactId: drop("the patch comes from an artifact: write it inline (patchBody)", "unsupported"),
      requiredArtifactIds: requiredArtifacts,
      requiredArtifacts,
      manifestArtifactId: drop(
        "the patch comes from an artifact: write it inline (patchBody)",
        "unsupported",
      ),
    },
  },
  docs: `Patches \`manifestName\` (or the dynamic target) in place with \`patchBody\`:
\`kubectl patch --type strategic|merge|json --patch ...\` (\`--record\` unless \`record: false\`),
then waits until it is stable. \`strategic\` and \`merge\` take one patch object, \`json\` a list of
operations.

\`\`\`yaml
- id: bump
  type: patchManifest
  manifestName: deployment web
  patchBody: { spec: { template: { metadata: { labels: { release: "\${ trigger.sha }" } } } } }
\`\`\``,
  handler: patchManifestStage,
});
