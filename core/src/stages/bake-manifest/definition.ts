import type { ImportContext } from "../../import/context.js";
import { childPath, isRecord, show } from "../../import/json-path.js";
import { asBoolean, keep, type Rule, silent } from "../../import/stage-rules.js";
import { bool, list, map, oneOfValues, str } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { expectedArtifacts, expectedArtifactsOf } from "../manifest-kit/import-rules.js";
import { bakeManifestStage } from "./bake-manifest-stage.js";

type Data = Record<string, unknown>;

/** The artifact an input names: inline, or an expected artifact by id. */
function inputArtifact(value: unknown, ctx: ImportContext): Data | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.artifact)) return value.artifact;
  const id =
    typeof value.id === "string"
      ? value.id
      : typeof value.expectedArtifactId === "string"
        ? value.expectedArtifactId
        : undefined;
  const expected = id ? expectedArtifactsOf(ctx).get(id) : undefined;
  if (expected)
    return (isRecord(expected.matchArtifact) ? expected.matchArtifact : expected.defaultArtifact) as
      | Data
      | undefined;
  return value.type ? value : undefined;
}

/** A repository path for an input artifact, or undefined (reported). */
function repoPath(
  artifact: Data | undefined,
  path: string,
  ctx: ImportContext,
  what: string,
  subPath?: string,
): string | undefined {
  const type = String(artifact?.type ?? "");
  const name = typeof artifact?.name === "string" ? artifact.name : undefined;
  if (type === "git/repo") {
    const sub =
      subPath ??
      (isRecord(artifact?.metadata) && typeof artifact.metadata.subPath === "string"
        ? artifact.metadata.subPath
        : undefined);
    ctx.note(
      path,
      "changed",
      `the ${what} comes from the git repository ${show(artifact?.reference ?? "")}; Capstan reads ${show(sub ?? ".")} of this repository`,
    );
    return sub ?? ".";
  }
  if (["github/file", "gitlab/file", "bitbucket/file"].includes(type) && name) {
    ctx.note(path, "changed", `the ${what} ${show(name)} is read from this repository`);
    return name.replace(/^\/+/, "");
  }
  ctx.note(
    path,
    "unsupported",
    `a ${type || "untyped"} artifact ${show(name ?? "")} as the ${what}: Capstan renders charts and kustomizations from the repository; put it there`,
  );
  return undefined;
}

const inputArtifacts: Rule = (value, path, ctx, stage) => {
  const list = Array.isArray(value) ? value : [];
  const out: Data = {};
  const kustomize = String(stage.templateRenderer ?? "")
    .toUpperCase()
    .startsWith("KUSTOMIZE");
  list.forEach((item, i) => {
    const artifact = inputArtifact(item, ctx);
    const where = childPath(path, i);
    if (i === 0) {
      const chartPath =
        typeof stage.helmChartFilePath === "string"
          ? stage.helmChartFilePath.replace(/\/?Chart\.ya?ml$/i, "")
          : undefined;
      const p = repoPath(artifact, where, ctx, kustomize ? "kustomization" : "chart", chartPath);
      if (p) out[kustomize ? "kustomization" : "chart"] = p;
    } else {
      const p = repoPath(artifact, where, ctx, "values file");
      if (p) out.valuesFiles = [...((out.valuesFiles as string[] | undefined) ?? []), p];
    }
  });
  return out;
};

const single: Rule = (value, path, ctx, stage) => {
  const artifact = inputArtifact(value, ctx);
  const kustomize = String(stage.templateRenderer ?? "")
    .toUpperCase()
    .startsWith("KUSTOMIZE");
  const file = typeof stage.kustomizeFilePath === "string" ? stage.kustomizeFilePath : undefined;
  const p = repoPath(artifact, path, ctx, kustomize ? "kustomization" : "chart");
  if (!p) return {};
  if (kustomize) return { kustomization: file ? file.replace(/\/?kustomization\.ya?ml$/i, "") || p : p };
  return { chart: p };
};

/** Exactly one expected artifact, embedded/base64: its name is the output's. */
const expected: Rule = (value, path, ctx, stage) => {
  expectedArtifacts(value, path, ctx, stage);
  const list = Array.isArray(value) ? value : [];
  if (list.length !== 1) {
    ctx.note(path, "dropped", `bakeManifest needs exactly one expected artifact (got ${list.length})`);
    return {};
  }
  const m = isRecord(list[0]) && isRecord(list[0].matchArtifact) ? list[0].matchArtifact : undefined;
  if (m && typeof m.name === "string" && m.name !== stage.outputName) return { artifactName: m.name };
  return {};
};

export const bakeManifestDefinition = defineStage({
  type: "bakeManifest",
  label: "Bake (Manifest)",
  description:
    "Render Kubernetes manifests with helm template or kustomize build (Rosco's command lines); a later deployManifest deploys them.",
  group: "kubernetes",
  schema: {
    properties: {
      templateRenderer: oneOfValues(["HELM3", "HELM2", "KUSTOMIZE", "KUSTOMIZE4"], "The renderer.", {
        default: "HELM3",
      }),
      chart: str("The chart's folder in the repository (helm).", { examples: ["charts/web"] }),
      kustomization: str("The kustomization's folder in the repository (kustomize).", {
        examples: ["deploy/overlays/prod"],
      }),
      valuesFiles: list(
        str("A values file of the repository."),
        "Values files, in order (helm `--values a,b`).",
      ),
      overrides: map(
        { type: ["string", "number", "boolean"] },
        "Values set on the command line (`--set-string`, or `--set` with rawOverrides); they win over values files.",
      ),
      rawOverrides: bool("Pass overrides with `--set` (typed) instead of `--set-string`.", {
        default: false,
      }),
      outputName: str(
        "The release name, and the name of the artifact a deployManifest reads (`manifestArtifact`).",
      ),
      artifactName: str(
        "The produced artifact's name when it differs from outputName (Spinnaker's expected artifact).",
      ),
      namespace: str("helm `--namespace`."),
      includeCRDs: bool("helm 3 `--include-crds`.", { default: false }),
      apiVersions: str("helm `--api-versions`."),
      kubeVersion: str("helm `--kube-version`.", { examples: ["1.32.0"] }),
      overridesFileThreshold: {
        type: "integer",
        minimum: 0,
        description:
          "Overrides longer than this (characters) go to a values file passed last; 0 never (Rosco's overridesFileThreshold).",
      },
    },
    required: ["outputName"],
    example: {
      id: "bake",
      type: "bakeManifest",
      chart: "charts/web",
      valuesFiles: ["charts/web/values-prod.yaml"],
      overrides: { "image.tag": "${ trigger.sha }" },
      outputName: "web",
    },
  },
  outputs: [
    {
      name: "artifacts",
      type: "list of artifacts",
      description: "The rendered manifests as one `embedded/base64` artifact named `outputName`.",
    },
    { name: "manifests", type: "list of objects", description: "The rendered objects." },
  ],
  import: {
    rules: {
      templateRenderer: keep(),
      inputArtifacts,
      inputArtifact: single,
      overrides: keep(),
      evaluateOverrideExpressions: silent,
      rawOverrides: asBoolean(),
      outputName: keep(),
      namespace: keep(),
      includeCRDs: asBoolean(),
      apiVersions: keep(),
      kubeVersion: keep(),
      helmChartFilePath: silent,
      kustomizeFilePath: silent,
      expectedArtifacts: expected,
      cloudProvider: silent,
      account: silent,
      environment: (value, path, ctx) => {
        if (value) ctx.note(path, "dropped", "helmfile environments are not supported");
        return {};
      },
    },
  },
  docs: `Renders manifests as Rosco does, with the runner's helm (or kustomize):
\`helm template <outputName> <chart> [--namespace ns] [--include-crds] [--api-versions X]
[--kube-version V] [--set-string k=v,... | --set k=v,...] [--values a,b]\` (helm 2:
\`helm template <chart> --name <outputName> ...\`); overrides win over values files, and with
\`overridesFileThreshold\` long overrides go to a values file passed last (large numbers stay on
\`--set\` so helm keeps them integers). Kustomize: \`kustomize build <dir>\` (\`kubernetes.kustomize\`
of \`.capstan/application.yml\`) or \`kubectl kustomize <dir>\`. The output is an \`embedded/base64\`
artifact named \`outputName\` that a later \`deployManifest\` deploys with \`manifestArtifact\`.

\`\`\`yaml
- id: bake
  type: bakeManifest
  chart: charts/web
  valuesFiles: [charts/web/values-prod.yaml]
  overrides: { image.tag: "\${ trigger.sha }" }
  outputName: web
- id: deploy
  type: deployManifest
  dependsOn: [bake]
  manifestArtifact: web
\`\`\``,
  handler: bakeManifestStage,
});
