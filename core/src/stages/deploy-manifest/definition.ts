import { isRecord } from "../../import/json-path.js";
import { asBoolean, drop, keep } from "../../import/stage-rules.js";
import { bool, list, str } from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { ARTIFACTS, MANIFEST_COMMON, textSource } from "../manifest-kit/import-rules.js";
import { account } from "../manifest-kit/schema-fields.js";

export const deployManifestDefinition = defineStage({
  type: "deployManifest",
  label: "Deploy (Manifest)",
  description:
    "Apply Kubernetes manifests (inline or from a file in the repository) and wait for them to become stable.",
  group: "kubernetes",
  icon: "deploy",
  schema: {
    properties: {
      account,
      namespace: str("Namespace for objects that do not set one (Spinnaker: namespaceOverride)."),
      manifests: list(
        { type: "object", description: "A Kubernetes object." },
        "Inline manifests; expressions inside are evaluated unless `skipExpressionEvaluation`.",
        { minItems: 1 },
      ),
      manifestFile: str(
        "Path of a YAML file of manifests, relative to the repository root (instead of `manifests`).",
        {
          examples: ["deploy/app.yml"],
        },
      ),
      skipExpressionEvaluation: bool("Apply the manifests as written, without evaluating expressions.", {
        default: false,
      }),
      waitForStable: bool("Wait until the applied objects are stable (rolled out).", { default: true }),
    },
    allOf: [requiredUnless("manifests", "manifestFile")],
    example: { id: "apply", type: "deployManifest", namespace: "prod", manifestFile: "deploy/app.yml" },
  },
  import: {
    rules: {
      ...MANIFEST_COMMON,
      namespaceOverride: keep("namespace"),
      source: textSource,
      manifests: keep(),
      // Only `true` changes anything (expressions in the manifests are left alone).
      skipExpressionEvaluation: (value, path, ctx, stage) =>
        value === false ? {} : asBoolean()(value, path, ctx, stage),
      manifestArtifactId: drop(ARTIFACTS, "unsupported"),
      manifestArtifact: drop(ARTIFACTS, "unsupported"),
      requiredArtifactIds: drop(ARTIFACTS, "unsupported"),
      requiredArtifacts: drop(ARTIFACTS, "unsupported"),
      trafficManagement: (value, path, ctx) => {
        if (isRecord(value) && value.enabled !== true) return {}; // the switched-off default deck writes
        return drop(
          "Spinnaker's traffic management (Service selection per ReplicaSet) is not supported",
          "unsupported",
        )(value, path, ctx, {});
      },
    },
  },
  deploysServerGroups: true,
  docs: `Applies Kubernetes manifests, written inline (\`manifests\`) or in a file of the repository
(\`manifestFile\`), and waits until they are stable. The type is part of the format and validates,
but this version of Capstan cannot run it yet (the Kubernetes provider is next; see
[providers.md](providers.md)): \`capstan validate\` warns, and a run fails when it reaches the stage.`,
});
