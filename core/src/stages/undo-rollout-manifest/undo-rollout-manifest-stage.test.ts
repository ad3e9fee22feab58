import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";
import { revisionBack } from "./undo-rollout-manifest-stage.js";

const deploy = (image: string) => `
  - id: d${image.replace(/\W/g, "")}
    type: deployManifest
    manifests:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web }
        spec:
          replicas: 1
          selector: { matchLabels: { app: web } }
          template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: web, image: "${image}" }] } }`;

describe("undoRolloutManifest", () => {
  it("picks revisions[size - n - 1] and names too few", () => {
    expect(revisionBack([1, 2, 3], 1)).toBe(2);
    expect(revisionBack([1, 2, 3], 2)).toBe(1);
    expect(revisionBack([1], 1)).toEqual({ error: "There are 1 revision(s) in total, cannot rollback 1" });
  });

  it("restores the previous revision", async () => {
    const rig = new KubeRig();
    await rig.run(`name: a\nstages:${deploy("web:1")}`);
    await rig.run(`name: b\nstages:${deploy("web:2")}`);
    const image = () => JSON.stringify(rig.kubectl.find("Deployment", "web")?.spec?.template);
    expect(image()).toContain("web:2");
    const r = await rig.run(`
name: undo
stages:
  - { id: undo, type: undoRolloutManifest, manifestName: deployment web, numRevisionsBack: 1 }
`);
    expect(r.status).toBe("SUCCEEDED");
    expect(image()).toContain("web:1");
    expect(stageOf(r, "undo").outputs.revision).toBe(1);
    expect(rig.kubectl.calls.map((c) => c.slice(1).join(" "))).toContain(
      "--namespace=default rollout undo deployment/web --to-revision=1",
    );
  });

  it("refuses a ReplicaSet", async () => {
    const rig = new KubeRig();
    const r = await rig.run(
      `name: u\nstages:\n  - { id: u, type: undoRolloutManifest, manifestName: replicaSet web-v000 }`,
    );
    expect(stageOf(r, "u").error).toBe("replicaSet web-v000: ReplicaSet does not support undo rollout");
  });
});
