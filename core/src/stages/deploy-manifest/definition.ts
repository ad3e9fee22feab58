import { isRecord } from "../../import/json-path.js";
import { asBoolean, isEmpty, keep, type Rule, silent } from "../../import/stage-rules.js";
import { bool, list, str } from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import {
  MANIFEST_COMMON,
  manifestArtifact,
  manifestArtifactId,
  requiredArtifacts,
  textSource,
} from "../manifest-kit/import-rules.js";
import { MANIFEST_OUTPUTS } from "../manifest-kit/outputs.js";
import { account, STABLE_WAIT, trafficManagement } from "../manifest-kit/schema-fields.js";
import { deployManifestStage } from "./deploy-manifest-stage.js";

/** With `source: text` Orca reads `manifests` and ignores the artifact fields: said, then dropped. */
const textIgnores: Rule = (value, path, ctx, stage) => {
  if (stage.source !== "text" && stage.source !== undefined) return undefined;
  if (stage.source === undefined && !Array.isArray(stage.manifests)) return undefined;
  if (!isEmpty(value))
    ctx.note(
      path,
      "dropped",
      "source is text: Spinnaker deploys the inline manifests and ignores this artifact",
    );
  return {};
};

export const deployManifestDefinition = defineStage({
  type: "deployManifest",
  label: "Deploy (Manifest)",
  description:
    "Apply Kubernetes manifests (inline, from a file in the repository, or baked upstream) with Spinnaker's versioning, annotations and traffic management, and wait for them to become stable.",
  group: "kubernetes",
  icon: "deploy",
  schema: {
    properties: {
      account,
      namespace: str(
        "Namespace of every namespaced object, overriding theirs (Spinnaker: namespaceOverride); default: their own, else the account's.",
      ),
      manifests: list(
        { type: "object", description: "A Kubernetes object." },
        "Inline manifests; expressions inside are evaluated unless `skipExpressionEvaluation`.",
        { minItems: 1 },
      ),
      manifestFile: str(
        "Path of a YAML file of manifests, relative to the repository root (instead of `manifests`); expressions inside are evaluated.",
        { examples: ["deploy/app.yml"] },
      ),
      manifestArtifact: str(
        "Name of an artifact an upstream stage produced holding the manifests: a bakeManifest's `outputName` (Spinnaker: manifestArtifactId).",
      ),
      skipExpressionEvaluation: bool("Apply the manifests as written, without evaluating expressions.", {
        default: false,
      }),
      versioned: bool(
        "Version every object as `name-vNNN` (the `strategy.spinnaker.io/versioned` annotation wins); default: ReplicaSet, Pod, ConfigMap and Secret are versioned.",
      ),
      enableArtifactBinding: bool(
        "Bind artifacts of upstream stages (deployed ConfigMap/Secret versions, images) into the manifests by name.",
        { default: true },
      ),
      trafficManagement,
      rollbackOnFailure: bool(
        "When the objects do not become stable: delete a new version, roll a Deployment/StatefulSet/DaemonSet back to the revision it had.",
        { default: false },
      ),
      noOutput: bool("Publish no outputs (Spinnaker: noOutput).", { default: false }),
      ...STABLE_WAIT,
    },
    allOf: [
      {
        if: { properties: { manifestFile: {} }, required: ["manifestFile"] },
        else: requiredUnless("manifests", "manifestArtifact"),
      },
    ],
    example: {
      id: "deploy",
      type: "deployManifest",
      account: "prod",
      manifestFile: "deploy/web.yml",
      trafficManagement: {
        enabled: true,
        options: { enableTraffic: true, services: ["service web"], strategy: "redblack" },
      },
    },
  },
  outputs: MANIFEST_OUTPUTS,
  contextKeys: [
    "deployedManifests",
    "deploy.server.groups",
    "deploy.account.name",
    "deployPhase",
    "strategySteps",
    "stableTargets",
  ],
  import: {
    rules: {
      ...MANIFEST_COMMON,
      namespaceOverride: keep("namespace"),
      source: textSource,
      manifests: (value, path, ctx, stage) =>
        stage.source === "artifact" && (stage.manifestArtifactId || stage.manifestArtifact)
          ? {}
          : keep()(value, path, ctx, stage),
      // Only `true` changes anything (expressions in the manifests are left alone).
      skipExpressionEvaluation: (value, path, ctx, stage) =>
        value === false ? {} : asBoolean()(value, path, ctx, stage),
      manifestArtifactId: (value, path, ctx, stage) =>
        textIgnores(value, path, ctx, stage) ?? manifestArtifactId(value, path, ctx, stage),
      manifestArtifact: (value, path, ctx, stage) =>
        textIgnores(value, path, ctx, stage) ?? manifestArtifact(value, path, ctx, stage),
      requiredArtifactIds: requiredArtifacts,
      requiredArtifacts,
      versioned: asBoolean(),
      enableArtifactBinding: asBoolean(),
      noOutput: asBoolean(),
      trafficManagement: (value) => {
        if (!isRecord(value) || value.enabled !== true) return {}; // the switched-off default deck writes
        return { trafficManagement: value };
      },
      namespace: silent,
    },
  },
  deploysServerGroups: true,
  docs: `Applies Kubernetes manifests through kubectl, as Spinnaker's clouddriver does, and waits until they
are stable. The manifests are written inline (\`manifests\`), in a file of the repository
(\`manifestFile\`), or come from an upstream \`bakeManifest\` (\`manifestArtifact: <outputName>\`);
expressions in them are evaluated unless \`skipExpressionEvaluation\`.

- Objects go out in clouddriver's order (namespaces, RBAC, config, services, workloads ...), each
  with \`kubectl apply -o json -f -\`, or as its \`strategy.spinnaker.io/*\` annotation says:
  \`server-side-apply\` (\`true\` or \`force-conflicts\`), \`replace\`, \`recreate\`;
  \`metadata.generateName\` is created.
- ReplicaSets, Pods, ConfigMaps and Secrets (or any object with \`versioned: true\` or the
  \`strategy.spinnaker.io/versioned\` annotation) become \`name-v000\`, \`name-v001\` ...; an
  earlier version identical apart from metadata is reused. \`max-version-history\` deletes the
  oldest versions, \`use-source-capacity\` keeps the running version's replicas.
- Every object gets the \`moniker.spinnaker.io/*\` and \`artifact.spinnaker.io/*\` annotations; a
  Deployment that refers to a ConfigMap deployed upstream (or earlier in the same stage) is bound
  to its version.
- \`trafficManagement\` attaches the workloads to \`services\`: each Service's selector is copied onto
  the pod template (the Service is never edited); \`enableTraffic: false\` deploys dark. With a
  \`strategy\`, once the new ReplicaSet is stable the cluster's older ones are disabled (\`redblack\`,
  \`bluegreen\`) or disabled and deleted (\`highlander\`). Traffic guards of
  \`.capstan/application.yml\` apply.
- Stability follows clouddriver's rules per kind (Deployment, ReplicaSet, StatefulSet, DaemonSet,
  Pod, Job; Services and config are stable at once), watched, so the stage ends within a second of
  the cluster reporting it. A Deployment past its progress deadline or a failed Job ends the stage
  TERMINAL with the events that explain it; so does \`stableTimeout\` (30m).
- \`rollbackOnFailure\` deletes a new version that never became stable and rolls an updated
  Deployment back to its previous revision.

See [kubernetes.md](kubernetes.md) for accounts and a red/black walk-through.

\`\`\`yaml
- id: deploy
  type: deployManifest
  account: prod
  manifestFile: deploy/web.yml
  trafficManagement:
    enabled: true
    options: { enableTraffic: true, services: [service web], strategy: redblack }
\`\`\``,
  handler: deployManifestStage,
});
