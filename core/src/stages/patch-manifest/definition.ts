import { drop, keep } from "../../import/stage-rules.js";
import { bool, oneOfValues } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { ARTIFACTS, MANIFEST_COMMON, options, textSource } from "../manifest-kit/import-rules.js";
import { account, manifestName, namespace } from "../manifest-kit/schema-fields.js";

export const patchManifestDefinition = defineStage({
  type: "patchManifest",
  label: "Patch (Manifest)",
  description: "Update part of an existing Kubernetes object in place (kubectl patch).",
  group: "kubernetes",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      patchBody: {
        type: ["object", "array"],
        description:
          "The patch: a partial object (strategic/merge) or a list of JSON-patch operations (json).",
      },
      mergeStrategy: oneOfValues(
        ["strategic", "merge", "json"],
        "Patch type (Spinnaker: options.mergeStrategy).",
        {
          default: "strategic",
        },
      ),
      record: bool("Record the patch in the object's change-cause annotation.", { default: true }),
    },
    required: ["manifestName", "patchBody"],
    example: {
      id: "route-to-v2",
      type: "patchManifest",
      manifestName: "service myapp",
      patchBody: { spec: { selector: { version: "v2" } } },
    },
  },
  import: {
    rules: {
      ...MANIFEST_COMMON,
      source: textSource,
      patchBody: keep(),
      options: options({ mergeStrategy: "string", record: "bool" }),
      patchArtifactId: drop(ARTIFACTS, "unsupported"),
      requiredArtifactIds: drop(ARTIFACTS, "unsupported"),
      manifestArtifactId: drop(ARTIFACTS, "unsupported"),
    },
  },
  docs: `Patches the Kubernetes object \`manifestName\` in place with \`patchBody\` (\`mergeStrategy\`
\`strategic\`, \`merge\` or \`json\`, as \`kubectl patch\`). The type is part of the format and
validates, but this version of Capstan cannot run it yet (the Kubernetes provider is next; see
[providers.md](providers.md)): \`capstan validate\` warns, and a run fails when it reaches the stage.`,
});
