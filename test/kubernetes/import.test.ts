import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { builtinStages, type ImportResult, importSpinnaker, validatePipelineText } from "@capstan/core";
import { describe, expect, it } from "vitest";

const KUBERNETES_TYPES = new Set(
  builtinStages()
    .definitions()
    .filter((d) => d.group === "kubernetes")
    .map((d) => d.type),
);

const read = (url: URL): ImportResult => importSpinnaker(readFileSync(fileURLToPath(url), "utf8"));
const fixtures = [
  ...readdirSync(fileURLToPath(new URL("../fixtures/spinnaker/", import.meta.url)))
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, new URL(`../fixtures/spinnaker/${f}`, import.meta.url)] as const),
  [
    "deck-kubernetes-pipelineConfigs.json",
    new URL("./fixtures/deck-kubernetes-pipelineConfigs.json", import.meta.url),
  ] as const,
];

const stagesOf = (r: ImportResult) => r.pipelines.flatMap((p) => p.value.stages as Record<string, unknown>[]);

describe("import: every Kubernetes stage of the public Spinnaker pipelines becomes a stage Capstan runs", () => {
  it.each(fixtures)("%s", (_name, url) => {
    const r = read(url);
    for (const p of r.pipelines) {
      const { diagnostics } = validatePipelineText(p.yaml, `${p.name}.yml`);
      const kube = (p.value.stages as Record<string, unknown>[]).filter((s) =>
        KUBERNETES_TYPES.has(String(s.type)),
      );
      expect(
        diagnostics.filter((d) => d.severity === "error"),
        p.name,
      ).toEqual([]);
      for (const s of kube)
        expect(builtinStages().registry().get(String(s.type)), String(s.type)).toBeDefined();
      // No "cannot run yet" warning is left on a Kubernetes stage.
      for (const d of diagnostics.filter((x) => /cannot run/.test(x.message)))
        for (const t of KUBERNETES_TYPES) expect(d.message).not.toContain(`'${t}'`);
    }
  });

  it("the deck fixture: bake from a helm/chart (reported), deploy from the baked artifact, restart, scale", () => {
    const r = read(fixtures.at(-1)![1]);
    const stages = stagesOf(r);
    expect(stages.map((s) => s.type)).toEqual([
      "deleteManifest",
      "bakeManifest",
      "deployManifest",
      "rollingRestartManifest",
      "scaleManifest",
    ]);
    expect(stages[0]).toMatchObject({
      account: "k8s-local",
      namespace: "spinnaker-dev",
      manifestName: "service dev-p01-nginx",
      cascading: true,
    });
    expect(stages[1]).toMatchObject({
      templateRenderer: "HELM2",
      outputName: "nginx",
      namespace: "spinnaker-dev",
    });
    expect(stages[2]).toMatchObject({
      account: "k8s-local",
      namespace: "spinnaker-dev",
      manifestArtifact: "nginx",
    });
    expect(stages[4]).toMatchObject({ manifestName: "deployment dev-p01-nginx", replicas: 5 });
    const notes = r.report.filter((n) => n.path.startsWith("$[0].stages[1].inputArtifacts"));
    expect(notes[0]).toMatchObject({ kind: "unsupported" });
    expect(notes[0].message).toContain("helm/chart");
  });

  it("the istio canary fixture: deployManifest keeps inline manifests; required config maps are bound", () => {
    const r = read(fixtures.find(([n]) => n === "gcp-istio-canary-deploy-pipeline.json")![1]);
    const deploy = stagesOf(r).find((s) => s.name === "Deploy Canary")!;
    expect(deploy).toMatchObject({ type: "deployManifest", account: "gke-1-acct" });
    expect((deploy.manifests as unknown[]).length).toBe(1);
    const note = r.report.find((n) => n.path === "$.stages[0].requiredArtifactIds[0]");
    expect(note?.message).toContain("Capstan binds the version an upstream deployManifest deployed");
  });
});

describe("import: artifact shapes", () => {
  const one = (stage: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    importSpinnaker(JSON.stringify({ name: "p", stages: [{ refId: "1", name: "s", ...stage }], ...extra }));

  it("a github/file manifest artifact becomes manifestFile; red/black traffic management carries over", () => {
    const r = one({
      type: "deployManifest",
      source: "artifact",
      manifestArtifact: { type: "github/file", name: "kubernetes/manifest.yml", artifactAccount: "github" },
      trafficManagement: {
        enabled: true,
        options: { enableTraffic: true, services: ["service web"], strategy: "redblack" },
      },
      namespaceOverride: "prod",
    });
    expect(stagesOf(r)[0]).toMatchObject({
      type: "deployManifest",
      manifestFile: "kubernetes/manifest.yml",
      namespace: "prod",
      trafficManagement: { enabled: true, options: { strategy: "redblack", services: ["service web"] } },
    });
    expect(r.report.find((n) => n.path === "$.stages[0].manifestArtifact")?.kind).toBe("changed");
  });

  it("an embedded artifact with content is written inline; an expected one from the pipeline resolves", () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    const r = one(
      { type: "deployManifest", source: "artifact", manifestArtifactId: "a1" },
      {
        expectedArtifacts: [
          {
            id: "a1",
            matchArtifact: { type: "embedded/base64", reference: Buffer.from(yaml).toString("base64") },
          },
        ],
      },
    );
    expect(stagesOf(r)[0].manifests).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } },
    ]);
  });

  it("undoRolloutManifest and dynamic targets", () => {
    const r = one({
      type: "undoRolloutManifest",
      manifestName: "deployment automatic-rollback-frontend",
      numRevisionsBack: 1,
      location: "prod",
    });
    expect(stagesOf(r)[0]).toMatchObject({
      manifestName: "deployment automatic-rollback-frontend",
      numRevisionsBack: 1,
      namespace: "prod",
    });
    const d = one({
      type: "disableManifest",
      mode: "dynamic",
      cluster: "replicaSet web",
      criteria: "second_newest",
      kind: "replicaSet",
      manifestName: "",
    });
    expect(stagesOf(d)[0]).toMatchObject({
      cluster: "replicaSet web",
      criteria: "second_newest",
      kind: "replicaSet",
    });
    const f = one({ type: "findArtifactFromResource", manifestName: "deployment web" });
    expect(stagesOf(f)[0].type).toBe("findArtifactsFromResource");
  });
});
