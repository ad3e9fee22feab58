import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";
import { type BakeRequest, helmArgs, overridesFileContent } from "./bake-manifest-stage.js";

const base: BakeRequest = {
  renderer: "HELM3",
  outputName: "web",
  template: "charts/web",
  valuesFiles: ["a.yaml", "b.yaml"],
  overrides: { "image.tag": "2", replicas: "3" },
  rawOverrides: false,
  namespace: "prod",
  includeCRDs: true,
  apiVersions: "batch/v1",
  kubeVersion: "1.32.0",
  overridesFileThreshold: 0,
};

describe("bakeManifest: Rosco's command lines", () => {
  it("helm 3, helm 2, raw overrides", () => {
    expect(helmArgs(base)).toEqual([
      "template",
      "web",
      "charts/web",
      "--namespace",
      "prod",
      "--include-crds",
      "--api-versions",
      "batch/v1",
      "--kube-version",
      "1.32.0",
      "--set-string",
      "image.tag=2,replicas=3",
      "--values",
      "a.yaml,b.yaml",
    ]);
    expect(helmArgs({ ...base, renderer: "HELM2", includeCRDs: true }).slice(0, 6)).toEqual([
      "template",
      "charts/web",
      "--name",
      "web",
      "--namespace",
      "prod",
    ]);
    expect(helmArgs({ ...base, rawOverrides: true })).toContain("--set");
  });
  it("an overrides file goes last; large numbers stay on --set", () => {
    const req = { ...base, rawOverrides: true, overrides: { big: "12345678", "a.b": "x" } };
    const args = helmArgs(req, "/tmp/o.yml");
    expect(args.slice(-4)).toEqual(["--set", "big=12345678", "--values", "a.yaml,b.yaml,/tmp/o.yml"]);
    expect(overridesFileContent(req)).toBe("a:\n  b: x\n");
  });

  it("runs helm through the runner and hands the manifests to deployManifest", async () => {
    const rig = new KubeRig();
    const repo = mkdtempSync(join(tmpdir(), "capstan-bake-"));
    mkdirSync(join(repo, "charts/web"), { recursive: true });
    writeFileSync(join(repo, "charts/web/Chart.yaml"), "name: web\n");
    rig.extra = { workingDirectory: repo };
    const original = rig.kubectl.run.bind(rig.kubectl);
    rig.kubectl.run = async (args, options) => {
      if (args[0] === "helm") {
        rig.kubectl.calls.push([...args]);
        return {
          code: 0,
          stderr: "",
          stdout: "---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: baked }\ndata: { a: b }\n",
        };
      }
      return original(args, options);
    };
    const r = await rig.run(`
name: b
stages:
  - { id: bake, type: bakeManifest, chart: charts/web, outputName: web, overrides: { tag: "7" } }
  - { id: deploy, type: deployManifest, dependsOn: [bake], manifestArtifact: web }
`);
    expect(r.status).toBe("SUCCEEDED");
    const helm = rig.kubectl.calls.find((c) => c[0] === "helm");
    expect(helm?.slice(0, 4)).toEqual(["helm", "template", "web", join(repo, "charts/web")]);
    expect(helm?.slice(4)).toEqual(["--set-string", "tag=7"]);
    expect(stageOf(r, "bake").outputs.artifacts).toMatchObject([{ type: "embedded/base64", name: "web" }]);
    expect(rig.kubectl.find("ConfigMap", "baked-v000")?.data).toEqual({ a: "b" });
  });

  it("kustomize with the machine's kubectl kustomize", async () => {
    const repo = mkdtempSync(join(tmpdir(), "capstan-kustomize-"));
    mkdirSync(join(repo, "k"), { recursive: true });
    writeFileSync(join(repo, "k/kustomization.yaml"), "namePrefix: prod-\nresources: [cm.yaml]\n");
    writeFileSync(
      join(repo, "k/cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: b }\n",
    );
    const rig = new KubeRig();
    rig.fake = false;
    // Loaded here: at the top, node-services would load the schema before the stage catalog.
    const { nodeProcessRunner } = await import("../../engine/node-services.js");
    rig.extra = {
      workingDirectory: repo,
      processes: nodeProcessRunner,
      env: { PATH: process.env.PATH ?? "" },
    };
    const r = await rig.run(`
name: k
stages:
  - { id: bake, type: bakeManifest, templateRenderer: KUSTOMIZE, kustomization: k/kustomization.yaml, outputName: k }
`);
    expect(r.status).toBe("SUCCEEDED");
    expect(stageOf(r, "bake").outputs.manifests).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "prod-c" }, data: { a: "b" } },
    ]);
    expect(rig.log(r, "bake")).toContain(`$ kubectl kustomize ${join(repo, "k")}`);
  });
});
