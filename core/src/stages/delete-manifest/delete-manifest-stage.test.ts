import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";
import { readCascade } from "./delete-manifest-stage.js";

describe("deleteManifest", () => {
  it("maps cascading and orphanDependents as clouddriver does", () => {
    expect(readCascade({})).toBeUndefined();
    expect(readCascade({ options: { cascading: true } })).toBe("background");
    expect(readCascade({ cascading: false })).toBe("orphan");
    expect(readCascade({ cascading: "foreground" })).toBe("foreground");
    expect(readCascade({ options: { cascading: "true", orphanDependents: "true" } })).toBe("orphan");
  });

  it("deletes by kinds and label selector, and by name", async () => {
    const rig = new KubeRig();
    rig.kubectl.seed({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "c1", namespace: "app", labels: { app: "canary" } },
    });
    rig.kubectl.seed({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "p1", namespace: "app", labels: { app: "prod" } },
    });
    const r = await rig.run(`
name: d
stages:
  - { id: sel, type: deleteManifest, namespace: app, kinds: [deployment], labelSelector: app=canary, cascading: true }
  - { id: one, type: deleteManifest, dependsOn: [sel], namespace: app, manifestName: deployment p1, gracePeriodSeconds: 0 }
`);
    expect(r.status).toBe("SUCCEEDED");
    expect(rig.kubectl.list("Deployment", "app")).toEqual([]);
    expect(stageOf(r, "sel").outputs).toEqual({
      manifestNamesByNamespace: { app: ["deployment c1"] },
      deletedManifests: ["deployment c1"],
    });
    const calls = rig.kubectl.calls.map((c) => c.slice(1).join(" ")).filter((c) => c.includes("delete"));
    expect(calls).toEqual([
      "--namespace=app delete deployment -l app=canary --ignore-not-found=true --cascade=background",
      "--namespace=app delete deployment/p1 --ignore-not-found=true --grace-period=0",
    ]);
  });

  it("a traffic guard stops deleting the last serving version of a guarded cluster", async () => {
    const rig = new KubeRig();
    rig.guards = [{ cluster: "replicaSet web" }];
    rig.kubectl.seed({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web-v000", annotations: { "moniker.spinnaker.io/cluster": "replicaSet web" } },
      spec: { replicas: 1, template: { metadata: { labels: { app: "web" } } } },
    });
    const r = await rig.run(`
name: g
stages:
  - { id: rm, type: deleteManifest, manifestName: replicaSet web-v000 }
`);
    expect(r.status).toBe("TERMINAL");
    expect(stageOf(r, "rm").error).toBe(
      "This cluster ('replicaSet web' in default/default) has traffic guards enabled. Destroying [web-v000] would leave the cluster with no instances up.",
    );
    expect(rig.kubectl.find("ReplicaSet", "web-v000")).toBeDefined();
  });
});
