import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";

describe("rollingRestartManifest", () => {
  it("restarts a Deployment and waits; refuses a ReplicaSet", async () => {
    const rig = new KubeRig();
    rig.kubectl.seed({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: 1, template: { metadata: {} } },
    });
    const r = await rig.run(`
name: r
stages:
  - { id: go, type: rollingRestartManifest, manifestName: deployment web }
  - { id: no, type: rollingRestartManifest, dependsOn: [go], manifestName: replicaSet web-v000 }
`);
    expect(stageOf(r, "go").status).toBe("SUCCEEDED");
    expect(rig.kubectl.calls.map((c) => c.slice(1).join(" "))).toContain(
      "--namespace=default rollout restart deployment/web",
    );
    expect(stageOf(r, "no").error).toContain("cannot be restarted");
  });
});
