import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../providers/kubernetes/manifest.js";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";

const labels = (o: KubeObject | undefined) =>
  (o?.spec?.template as KubeObject | undefined)?.metadata?.labels ?? {};

describe("enableManifest / disableManifest", () => {
  it("flip the Service selector labels on the template and the pods; the Service stays as it is", async () => {
    const rig = new KubeRig();
    rig.kubectl.seed({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { frontedBy: "web" } },
    });
    rig.kubectl.seed({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: "web-v000",
        annotations: {
          "traffic.spinnaker.io/load-balancers": '["service web"]',
          "moniker.spinnaker.io/cluster": "replicaSet web",
        },
      },
      spec: { replicas: 2, template: { metadata: { labels: { app: "web" } } } },
    });
    const r = await rig.run(`
name: t
stages:
  - { id: on, type: enableManifest, manifestName: replicaSet web-v000 }
`);
    expect(r.status).toBe("SUCCEEDED");
    expect(labels(rig.kubectl.find("ReplicaSet", "web-v000"))).toEqual({ app: "web", frontedBy: "web" });
    for (const p of rig.kubectl.list("Pod")) expect(p.metadata?.labels?.frontedBy).toBe("web");
    expect(stageOf(r, "on").context.patched).toEqual([
      "replicaSet web-v000",
      "pod web-v000-p0",
      "pod web-v000-p1",
    ]);
    const off = await rig.run(`
name: t
stages:
  - { id: off, type: disableManifest, cluster: replicaSet web, criteria: newest, loadBalancers: [service web] }
`);
    expect(off.status).toBe("SUCCEEDED");
    expect(labels(rig.kubectl.find("ReplicaSet", "web-v000"))).toEqual({ app: "web" });
    for (const p of rig.kubectl.list("Pod")) expect(p.metadata?.labels?.frontedBy).toBeUndefined();
    expect(rig.kubectl.find("Service", "web")?.spec?.selector).toEqual({ frontedBy: "web" });
  });
});
