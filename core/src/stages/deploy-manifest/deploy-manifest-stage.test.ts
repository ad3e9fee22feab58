import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../providers/kubernetes/manifest.js";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";

const service = `
          - apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec: { selector: { frontedBy: web }, ports: [{ port: 80 }] }`;

const rsManifest = (image: string) => `
          - apiVersion: apps/v1
            kind: ReplicaSet
            metadata: { name: web }
            spec:
              replicas: 2
              selector: { matchLabels: { app: web } }
              template:
                metadata: { labels: { app: web } }
                spec: { containers: [{ name: web, image: "${image}" }] }`;

const redblack = (image: string, strategy = "redblack") => `
name: rb
stages:
  - id: deploy
    type: deployManifest
    namespace: prod
    manifests:${service}${rsManifest(image)}
    trafficManagement:
      enabled: true
      options: { enableTraffic: true, services: [service web], strategy: ${strategy} }
`;

const labels = (o: KubeObject | undefined) =>
  (o?.spec?.template as KubeObject | undefined)?.metadata?.labels ?? {};

describe("deployManifest", () => {
  it("red/black: v000 then v001 behind the Service, the old one disabled (template and pods); highlander deletes", async () => {
    const rig = new KubeRig();
    const first = await rig.run(redblack("web:1"));
    expect(first.status).toBe("SUCCEEDED");
    const v0 = rig.kubectl.find("ReplicaSet", "web-v000", "prod");
    expect(labels(v0)).toMatchObject({ app: "web", frontedBy: "web", "moniker.spinnaker.io/sequence": "0" });
    expect(v0?.metadata?.annotations).toMatchObject({
      "moniker.spinnaker.io/application": "shop",
      "moniker.spinnaker.io/cluster": "replicaSet web",
      "artifact.spinnaker.io/version": "v000",
      "traffic.spinnaker.io/load-balancers": '["service web"]',
    });
    // The Service is never versioned nor edited.
    expect(rig.kubectl.find("Service", "web", "prod")?.spec?.selector).toEqual({ frontedBy: "web" });
    expect(stageOf(first, "deploy").outputs).toMatchObject({
      manifestNamesByNamespace: { prod: ["service web", "replicaSet web-v000"] },
      "deploy.server.groups": { prod: ["replicaSet web-v000"] },
      versions: { "replicaSet web": "v000" },
    });

    const second = await rig.run(redblack("web:2"));
    expect(second.status).toBe("SUCCEEDED");
    expect(labels(rig.kubectl.find("ReplicaSet", "web-v001", "prod"))).toMatchObject({ frontedBy: "web" });
    expect(labels(rig.kubectl.find("ReplicaSet", "web-v000", "prod")).frontedBy).toBeUndefined();
    const oldPods = rig.kubectl.list("Pod", "prod").filter((p) => p.metadata?.name?.startsWith("web-v000"));
    expect(oldPods).toHaveLength(2);
    for (const p of oldPods) expect(p.metadata?.labels?.frontedBy).toBeUndefined();
    expect(stageOf(second, "deploy").outputs).toMatchObject({
      disabledManifests: ["replicaSet web-v000"],
      deletedManifests: [],
    });
    const applied = rig.kubectl.calls.filter((c) => c.includes("apply")).map((c) => c.slice(1).join(" "));
    expect(applied.at(-1)).toBe("--namespace=prod apply -o json -f -");
    const patches = rig.kubectl.calls.filter((c) => c.includes("patch"));
    expect(patches[0]).toContain("json");

    const third = await rig.run(redblack("web:3", "highlander"));
    expect(third.status).toBe("SUCCEEDED");
    expect(rig.kubectl.list("ReplicaSet", "prod").map((o) => o.metadata?.name)).toEqual(["web-v002"]);
    expect(stageOf(third, "deploy").outputs).toMatchObject({
      deletedManifests: ["replicaSet web-v000", "replicaSet web-v001"],
    });
  });

  it("reuses an identical earlier version instead of creating one", async () => {
    const rig = new KubeRig();
    await rig.run(redblack("web:1"));
    await rig.run(redblack("web:2"));
    const again = await rig.run(redblack("web:1"));
    expect(again.status).toBe("SUCCEEDED");
    expect(
      rig.kubectl
        .list("ReplicaSet", "prod")
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(["web-v000", "web-v001"]);
    expect(rig.log(again, "deploy")).toContain("reused");
    // v000 is enabled again (its labels are back), v001 disabled.
    expect(labels(rig.kubectl.find("ReplicaSet", "web-v000", "prod")).frontedBy).toBe("web");
    expect(labels(rig.kubectl.find("ReplicaSet", "web-v001", "prod")).frontedBy).toBeUndefined();
  });

  it("versions a ConfigMap and binds the Deployment to it; evaluates expressions", async () => {
    const rig = new KubeRig();
    const yaml = (rate: string) => `
name: cfg
stages:
  - id: deploy
    type: deployManifest
    manifests:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: { name: app }
        spec:
          replicas: 1
          selector: { matchLabels: { app: app } }
          template:
            metadata: { labels: { app: app } }
            spec:
              containers:
                - name: app
                  image: app:1
                  env: [{ name: RATE, valueFrom: { configMapKeyRef: { name: app-config, key: RATE } } }]
      - apiVersion: v1
        kind: ConfigMap
        metadata: { name: app-config }
        data: { RATE: "\${ ${rate} }" }
`;
    const r = await rig.run(yaml("10 * 2"));
    expect(r.status).toBe("SUCCEEDED");
    expect(rig.kubectl.find("ConfigMap", "app-config-v000")?.data).toEqual({ RATE: "20" });
    expect(JSON.stringify(rig.kubectl.find("Deployment", "app")?.spec)).toContain('"app-config-v000"');
    const r2 = await rig.run(yaml("30"));
    expect(r2.status).toBe("SUCCEEDED");
    expect(JSON.stringify(rig.kubectl.find("Deployment", "app")?.spec)).toContain('"app-config-v001"');
    expect(stageOf(r2, "deploy").outputs.createdArtifacts).toContainEqual(
      expect.objectContaining({
        type: "kubernetes/configMap",
        name: "app-config",
        version: "v001",
        reference: "app-config-v001",
      }),
    );
  });

  it("a Deployment past its progress deadline ends TERMINAL with the events; rollbackOnFailure undoes it", async () => {
    const rig = new KubeRig();
    const d = (image: string, rollback: boolean) => `
name: d
stages:
  - id: deploy
    type: deployManifest
    rollbackOnFailure: ${rollback}
    manifests:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: { name: api }
        spec:
          replicas: 1
          selector: { matchLabels: { app: api } }
          template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: api, image: "${image}" }] } }
`;
    expect((await rig.run(d("api:1", false))).status).toBe("SUCCEEDED");
    rig.kubectl.failing.add("api");
    rig.kubectl.events.push({
      kind: "Event",
      type: "Warning",
      reason: "Failed",
      message: 'Failed to pull image "api:bad"',
      involvedObject: { kind: "Pod", name: "api-5d4f-x1" },
    });
    const failed = await rig.run(d("api:bad", true));
    expect(failed.status).toBe("TERMINAL");
    const stage = stageOf(failed, "deploy");
    expect(stage.error).toContain(
      "'deployment api' in 'default' for account default: Deployment exceeded its progress deadline",
    );
    expect(stage.error).toContain('Warning Failed Pod/api-5d4f-x1: Failed to pull image "api:bad"');
    expect(stage.error).toContain("rolled back: deployment api rolled back to revision 1");
    expect(
      rig.kubectl.calls.some((c) => c.join(" ").includes("rollout undo deployment/api --to-revision=1")),
    ).toBe(true);
  });

  it("times out with the message it waited on", async () => {
    const rig = new KubeRig();
    rig.kubectl.autoSettle = false;
    const r = await rig.run(`
name: t
stages:
  - id: deploy
    type: deployManifest
    stableTimeout: 30s
    manifests:
      - { apiVersion: v1, kind: Pod, metadata: { name: p }, spec: { containers: [{ name: c, image: i }] } }
`);
    expect(r.status).toBe("TERMINAL");
    expect(stageOf(r, "deploy").error).toMatch(
      /^timed out after 30s waiting for pod p-v000 to stabilize: pod p-v000: No status reported yet/,
    );
  });

  it("a cancel stops the wait at once and keeps what was applied", async () => {
    const rig = new KubeRig();
    rig.kubectl.autoSettle = false;
    const r = await rig.run(`
name: c
stages:
  - id: deploy
    type: deployManifest
    manifests:
      - { apiVersion: v1, kind: Pod, metadata: { name: p }, spec: { containers: [{ name: c, image: i }] } }
  - { id: pause, type: wait, duration: 5s }
  - id: fail
    type: checkPreconditions
    dependsOn: [pause]
    preconditions: [{ type: expression, expression: "\\${false}" }]
`);
    expect(stageOf(r, "deploy").status).toBe("CANCELED");
    expect(stageOf(r, "deploy").context.canceledWith).toEqual(["pod p-v000 stays as it is"]);
    expect(rig.kubectl.find("Pod", "p-v000")).toBeDefined();
    expect(rig.log(r, "deploy")).toContain("cancel: pod p-v000 stays as it is; nothing rolled back");
  });

  it("a traffic guard stops red/black from disabling the only serving version", async () => {
    const rig = new KubeRig();
    expect((await rig.run(redblack("web:1"))).status).toBe("SUCCEEDED");
    rig.guards = [{ cluster: "replicaSet web" }];
    // The new version never gets ready replicas: disabling v000 would leave nothing serving.
    const original = rig.kubectl.settle.bind(rig.kubectl);
    rig.kubectl.settle = () => {
      original();
      const v1 = rig.kubectl.find("ReplicaSet", "web-v001", "prod");
      if (v1)
        v1.status = {
          replicas: 2,
          readyReplicas: 0,
          availableReplicas: 0,
          fullyLabeledReplicas: 2,
          observedGeneration: v1.metadata?.generation,
        };
    };
    const second = await rig.run(
      redblack("web:2").replace(
        "trafficManagement:",
        "stableTimeout: 5s\n    waitForStable: false\n    trafficManagement:",
      ),
    );
    expect(second.status).toBe("TERMINAL");
    expect(stageOf(second, "deploy").error).toContain(
      "has traffic guards enabled. Disabling [web-v000] would leave the cluster with no instances up",
    );
    expect(labels(rig.kubectl.find("ReplicaSet", "web-v000", "prod")).frontedBy).toBe("web");
  });

  it("max-version-history keeps the newest N versions", async () => {
    const rig = new KubeRig();
    const yaml = (n: number) => `
name: h
stages:
  - id: deploy
    type: deployManifest
    manifests:
      - apiVersion: v1
        kind: ConfigMap
        metadata: { name: cfg, annotations: { strategy.spinnaker.io/max-version-history: "2" } }
        data: { n: "${n}" }
`;
    for (const n of [1, 2, 3, 4]) expect((await rig.run(yaml(n))).status).toBe("SUCCEEDED");
    expect(rig.kubectl.list("ConfigMap").map((o) => o.metadata?.name)).toEqual(["cfg-v002", "cfg-v003"]);
  });

  it("refuses max-version-history below 2 with red/black", async () => {
    const rig = new KubeRig();
    const r = await rig.run(
      redblack("web:1").replace(
        "metadata: { name: web }\n            spec:\n              replicas",
        'metadata: { name: web, annotations: { strategy.spinnaker.io/max-version-history: "1" } }\n            spec:\n              replicas',
      ),
    );
    expect(r.status).toBe("TERMINAL");
    expect(stageOf(r, "deploy").error).toContain(
      "conflicts with the behavior of the Red/Black rollout strategy",
    );
  });

  it("masks the account's kubeconfig content and token in logs and errors", async () => {
    const rig = new KubeRig();
    const token = "tok-0123456789abcdef";
    rig.settings = {
      accounts: [{ name: "prod", kubeconfigSecret: "KUBECONFIG_PROD", namespaces: [], default: false }],
    };
    rig.extra = {
      env: {
        KUBECONFIG_PROD: `apiVersion: v1\nkind: Config\nusers: [{ name: u, user: { token: ${token} } }]\n`,
      },
    };
    const original = rig.kubectl.run.bind(rig.kubectl);
    rig.kubectl.run = async (args, options) => {
      if (args.includes("apply"))
        return { code: 1, stdout: "", stderr: `error: Unauthorized (token ${token})` };
      return original(args, options);
    };
    const r = await rig.run(`
name: m
stages:
  - id: deploy
    type: deployManifest
    account: prod
    manifests: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: c }, data: { a: b } }]
`);
    expect(r.status).toBe("TERMINAL");
    const stage = stageOf(r, "deploy");
    expect(stage.error).toContain("Unauthorized (token ***)");
    expect(JSON.stringify(r)).not.toContain(token);
    expect(rig.log(r, "deploy")).not.toContain(token);
    const kubeconfigArg = rig.kubectl.calls.flat().find((a) => a.startsWith("--kubeconfig="));
    expect(kubeconfigArg).toBeDefined();
  });
});
