import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";

describe("scaleManifest", () => {
  it("scales a static target and the newest of a cluster (dynamic), then waits for stability", async () => {
    const rig = new KubeRig();
    for (const [name, t] of [
      ["web-v000", 1],
      ["web-v001", 2],
    ] as const)
      rig.kubectl.seed({
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name,
          annotations: {
            "moniker.spinnaker.io/cluster": "replicaSet web",
            "moniker.spinnaker.io/sequence": String(t),
          },
        },
        spec: { replicas: 1, template: { metadata: { labels: { app: "web" } } } },
      });
    const r = await rig.run(`
name: s
stages:
  - { id: a, type: scaleManifest, manifestName: replicaSet web-v000, replicas: 0 }
  - { id: b, type: scaleManifest, dependsOn: [a], cluster: replicaSet web, criteria: newest, replicas: 3 }
`);
    expect(r.status).toBe("SUCCEEDED");
    expect(rig.kubectl.find("ReplicaSet", "web-v000")?.spec?.replicas).toBe(0);
    expect(rig.kubectl.find("ReplicaSet", "web-v001")?.spec?.replicas).toBe(3);
    expect(stageOf(r, "b").context.manifestName).toBe("replicaSet web-v001");
    expect(rig.kubectl.calls.map((c) => c.slice(1).join(" "))).toContain(
      "--namespace=default scale replicaset/web-v001 --replicas=3",
    );
  });

  it("keeps to the account's namespaces; validation names a bad manifestName", async () => {
    const rig = new KubeRig();
    rig.settings = { accounts: [{ name: "prod", namespaces: ["web"], default: true }] };
    const r = await rig.run(`
name: s
stages:
  - { id: a, type: scaleManifest, namespace: kube-system, manifestName: deployment coredns, replicas: 0 }
`);
    expect(stageOf(r, "a").error).toBe(
      "Kubernetes account 'prod' may only use the namespaces web, not 'kube-system'",
    );
    const { validatePipelineText } = await import("../../validate/index.js");
    const d = validatePipelineText(
      "name: v\nstages:\n  - { id: a, type: scaleManifest, manifestName: coredns, replicas: 1 }\n",
      "v.yml",
    ).diagnostics;
    expect(d.map((x) => x.code)).toContain("manifest-name-invalid");
  });

  it("refuses kinds that cannot scale", async () => {
    const rig = new KubeRig();
    const r = await rig.run(`
name: s
stages:
  - { id: a, type: scaleManifest, manifestName: daemonSet agent, replicas: 2 }
`);
    expect(stageOf(r, "a").error).toBe(
      "DaemonSet cannot be scaled (only Deployment, ReplicaSet, StatefulSet)",
    );
  });
});
