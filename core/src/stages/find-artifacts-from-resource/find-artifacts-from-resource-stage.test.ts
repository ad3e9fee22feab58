import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";

describe("findArtifactsFromResource", () => {
  it("publishes the object and its artifacts, which a later deployManifest binds", async () => {
    const rig = new KubeRig();
    rig.kubectl.seed({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { containers: [{ name: "web", image: "gcr.io/x/web:7" }] } } },
    });
    const r = await rig.run(`
name: f
stages:
  - { id: find, type: findArtifactsFromResource, manifestName: deployment web }
  - id: deploy
    type: deployManifest
    dependsOn: [find]
    manifests:
      - { apiVersion: v1, kind: Pod, metadata: { name: copy }, spec: { containers: [{ name: c, image: "gcr.io/x/web" }] } }
`);
    expect(r.status).toBe("SUCCEEDED");
    expect(stageOf(r, "find").outputs.artifacts).toEqual([
      { type: "docker/image", name: "gcr.io/x/web", reference: "gcr.io/x/web:7", location: "", version: "7" },
    ]);
    expect(JSON.stringify(rig.kubectl.find("Pod", "copy-v000")?.spec)).toContain("gcr.io/x/web:7");
  });
});
