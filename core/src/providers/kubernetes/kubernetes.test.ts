import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findKubernetesAccount, readKubernetesAccounts } from "./accounts.js";
import { bindArtifacts, referencedArtifacts } from "./artifacts.js";
import { decodeKubeconfig, kubeconfigSecretValues, prepareKubeconfig } from "./credentials.js";
import { JsonStreamSplitter } from "./json-stream.js";
import { kubectlArgs, parseRolloutHistory } from "./kubectl.js";
import {
  annotate,
  artifactOf,
  deployStrategyOf,
  isVersioned,
  type KubeObject,
  parseManifestName,
  sortForDeploy,
} from "./manifest.js";
import { manifestStatus } from "./stability.js";
import { strategySteps } from "./strategy.js";
import { pickTarget, readCriteria } from "./targets.js";
import { attachServices, parseLoadBalancer, trafficPatch } from "./traffic.js";
import { chooseVersion, versionsToPrune } from "./versioning.js";

const rs = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name, namespace: "prod" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "web:1" }] },
    },
  },
  ...extra,
});

describe("kubectl argument lists (clouddriver's KubectlJobExecutor)", () => {
  const ref = { kind: "Deployment", name: "web", namespace: "prod" };
  it("apply, server-side apply, replace, create", () => {
    expect(kubectlArgs.apply({ kind: "apply" })).toEqual(["apply", "-o", "json", "-f", "-"]);
    expect(kubectlArgs.apply({ kind: "server-side", forceConflicts: false })).toEqual([
      "apply",
      "--server-side=true",
      "-o",
      "json",
      "-f",
      "-",
    ]);
    expect(kubectlArgs.apply({ kind: "server-side", forceConflicts: true })).toContain(
      "--force-conflicts=true",
    );
    expect(kubectlArgs.apply({ kind: "replace" })).toEqual(["replace", "-o", "json", "-f", "-"]);
    expect(kubectlArgs.apply({ kind: "create" })).toEqual(["create", "-o", "json", "-f", "-"]);
  });
  it("delete, scale, rollout, patch, get, watch", () => {
    expect(kubectlArgs.delete({ ref }, { cascade: "foreground", gracePeriodSeconds: 5 })).toEqual([
      "delete",
      "deployment/web",
      "--ignore-not-found=true",
      "--cascade=foreground",
      "--grace-period=5",
    ]);
    expect(kubectlArgs.delete({ kinds: ["deployment"], labelSelector: "app=web" })).toEqual([
      "delete",
      "deployment",
      "-l",
      "app=web",
      "--ignore-not-found=true",
    ]);
    expect(kubectlArgs.scale(ref, 3)).toEqual(["scale", "deployment/web", "--replicas=3"]);
    expect(kubectlArgs.rolloutUndo(ref, 2)).toEqual(["rollout", "undo", "deployment/web", "--to-revision=2"]);
    expect(kubectlArgs.patch(ref, "merge", { a: 1 }, true)).toEqual([
      "patch",
      "deployment/web",
      "--record",
      "--type",
      "merge",
      "--patch",
      '{"a":1}',
    ]);
    expect(kubectlArgs.get(ref)).toEqual(["get", "deployment/web", "-o", "json", "--ignore-not-found=true"]);
    expect(kubectlArgs.watch(ref, false)).toEqual(["get", "deployment/web", "-w", "-o", "json"]);
    expect(kubectlArgs.watch(ref, true)).toEqual(["get", "deployment/web", "--watch-only", "-o", "json"]);
  });
  it("reads rollout history as clouddriver does (first column of lines 3 onward, ascending)", () => {
    expect(
      parseRolloutHistory(
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n3         <none>\n1         <none>\n2  x\n",
      ),
    ).toEqual([1, 2, 3]);
  });
  it("splits a watch's stream of pretty-printed objects at any chunk boundary", () => {
    const seen: unknown[] = [];
    const s = new JsonStreamSplitter((v) => seen.push(v));
    const text = `${JSON.stringify({ a: "}{", b: [1, { c: '"' }] }, null, 2)}\n${JSON.stringify({ d: 2 }, null, 2)}\n`;
    for (const ch of text) s.push(ch);
    expect(seen).toEqual([{ a: "}{", b: [1, { c: '"' }] }, { d: 2 }]);
  });
});

describe("manifests", () => {
  it("parses manifestName and sorts in clouddriver's deploy priority", () => {
    expect(parseManifestName("replicaSet web-v001")).toEqual({ kind: "ReplicaSet", name: "web-v001" });
    expect(parseManifestName("deployment/web")).toEqual({ kind: "Deployment", name: "web" });
    expect(parseManifestName("nonsense")).toBeUndefined();
    const kinds = sortForDeploy(
      ["Deployment", "Service", "ConfigMap", "Namespace", "VirtualService", "Role"].map((kind) => ({ kind })),
    ).map((o) => o.kind);
    expect(kinds).toEqual(["Namespace", "Role", "ConfigMap", "Service", "Deployment", "VirtualService"]);
  });
  it("versioned: the annotation, else the stage, else the kind default", () => {
    expect(isVersioned(rs("web"))).toBe(true);
    expect(isVersioned({ kind: "Deployment" })).toBe(false);
    expect(isVersioned({ kind: "Deployment" }, true)).toBe(true);
    expect(
      isVersioned(
        { kind: "ConfigMap", metadata: { annotations: { "strategy.spinnaker.io/versioned": "false" } } },
        true,
      ),
    ).toBe(false);
  });
  it("deploy strategy precedence: recreate > replace > server-side-apply > apply", () => {
    const a = (annotations: Record<string, string>) =>
      deployStrategyOf({ kind: "Deployment", metadata: { annotations } });
    expect(a({})).toEqual({ kind: "apply" });
    expect(a({ "strategy.spinnaker.io/server-side-apply": "force-conflicts" })).toEqual({
      kind: "server-side",
      forceConflicts: true,
    });
    expect(
      a({ "strategy.spinnaker.io/server-side-apply": "true", "strategy.spinnaker.io/replace": "true" }),
    ).toEqual({ kind: "replace" });
    expect(a({ "strategy.spinnaker.io/replace": "true", "strategy.spinnaker.io/recreate": "true" })).toEqual({
      kind: "recreate",
    });
  });
  it("annotates moniker (not overwriting), artifact and labels, on the object and its pod template", () => {
    const o = rs("web-v001", {
      metadata: {
        name: "web-v001",
        namespace: "prod",
        annotations: { "moniker.spinnaker.io/cluster": "mine" },
      },
    });
    const out = annotate(
      o,
      { app: "shop", cluster: "replicaSet web", sequence: 1 },
      artifactOf(o, "prod", 1),
    );
    expect(out.metadata?.annotations).toMatchObject({
      "moniker.spinnaker.io/application": "shop",
      "moniker.spinnaker.io/cluster": "mine",
      "moniker.spinnaker.io/sequence": "1",
      "artifact.spinnaker.io/type": "kubernetes/replicaSet",
      "artifact.spinnaker.io/name": "web",
      "artifact.spinnaker.io/location": "prod",
      "artifact.spinnaker.io/version": "v001",
    });
    const tm = (out.spec?.template as KubeObject | undefined)?.metadata;
    expect(tm?.annotations?.["moniker.spinnaker.io/application"]).toBe("shop");
    expect(tm?.labels).toMatchObject({ app: "web", "app.kubernetes.io/name": "shop" });
    expect(o.metadata?.annotations?.["moniker.spinnaker.io/application"]).toBeUndefined();
  });
});

describe("versioning (ResourceVersioner)", () => {
  const applied = (name: string, spec: KubeObject) => {
    const o = structuredClone(spec);
    o.metadata = {
      name,
      namespace: "prod",
      annotations: {
        "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ ...spec, metadata: { name } }),
      },
    };
    return o;
  };
  it("reuses an earlier version equal apart from metadata, else max + 1, else 0", () => {
    const v1 = rs("web");
    const v2 = rs("web");
    (v2.spec as { replicas: number }).replicas = 5;
    expect(chooseVersion(v1, [])).toEqual({ version: 0, reused: false });
    const existing = [applied("web-v000", v1), applied("web-v003", v2)];
    expect(chooseVersion(v1, existing)).toEqual({ version: 0, reused: true });
    const v3 = rs("web");
    (v3.spec as { replicas: number }).replicas = 9;
    expect(chooseVersion(v3, existing)).toEqual({ version: 4, reused: false });
  });
  it("max-version-history prunes the oldest by creation time", () => {
    const at = (name: string, t: string) => ({
      kind: "ReplicaSet",
      metadata: { name, creationTimestamp: t },
    });
    const pruned = versionsToPrune(
      [
        at("a-v002", "2024-01-03T00:00:00Z"),
        at("a-v000", "2024-01-01T00:00:00Z"),
        at("a-v001", "2024-01-02T00:00:00Z"),
      ],
      2,
    );
    expect(pruned.map((o) => o.metadata.name)).toEqual(["a-v000"]);
  });
});

describe("stability (clouddriver's rules per kind)", () => {
  const deploy = (status: Record<string, unknown>, generation = 2): KubeObject => ({
    kind: "Deployment",
    metadata: { generation },
    spec: { replicas: 2 },
    status,
  });
  it("Deployment", () => {
    expect(manifestStatus({ kind: "Deployment", spec: {} })).toMatchObject({
      stable: false,
      message: "No status reported yet",
    });
    expect(manifestStatus(deploy({ observedGeneration: 1 })).stable).toBe(false);
    expect(
      manifestStatus(
        deploy({
          observedGeneration: 2,
          updatedReplicas: 2,
          replicas: 3,
          availableReplicas: 2,
          readyReplicas: 2,
        }),
      ).message,
    ).toBe("Waiting for old replicas to finish termination");
    expect(
      manifestStatus(
        deploy({
          observedGeneration: 2,
          updatedReplicas: 2,
          replicas: 2,
          availableReplicas: 2,
          readyReplicas: 2,
        }),
      ),
    ).toEqual({ stable: true, failed: false });
    expect(
      manifestStatus(deploy({ conditions: [{ type: "Progressing", reason: "ProgressDeadlineExceeded" }] })),
    ).toMatchObject({ failed: true, message: "Deployment exceeded its progress deadline" });
  });
  it("ReplicaSet, Job, Pod, StatefulSet, DaemonSet, Service", () => {
    expect(
      manifestStatus({
        kind: "ReplicaSet",
        spec: { replicas: 2 },
        status: { fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1 },
      }).message,
    ).toBe("Waiting for all replicas to be ready");
    expect(manifestStatus({ kind: "Job", spec: {}, status: {} }).message).toBe("Waiting for jobs to finish");
    expect(
      manifestStatus({
        kind: "Job",
        spec: {},
        status: { conditions: [{ type: "Failed", status: "True", message: "BackoffLimitExceeded" }] },
      }),
    ).toMatchObject({ failed: true });
    expect(manifestStatus({ kind: "Job", spec: { completions: 1 }, status: { succeeded: 1 } }).stable).toBe(
      true,
    );
    expect(manifestStatus({ kind: "Pod", status: { phase: "Failed" } })).toMatchObject({
      stable: false,
      failed: false,
    });
    expect(
      manifestStatus({ kind: "StatefulSet", spec: { updateStrategy: { type: "OnDelete" } }, status: {} })
        .stable,
    ).toBe(true);
    expect(
      manifestStatus({
        kind: "StatefulSet",
        metadata: { generation: 1 },
        spec: { replicas: 3, updateStrategy: { rollingUpdate: { partition: 2 } } },
        status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 0 },
      }).message,
    ).toBe("Waiting for partitioned roll out to finish");
    expect(
      manifestStatus({
        kind: "DaemonSet",
        spec: {},
        status: { desiredNumberScheduled: 2, currentNumberScheduled: 1 },
      }).message,
    ).toBe("Waiting for all replicas to be scheduled");
    expect(manifestStatus({ kind: "Service" }).stable).toBe(true);
  });
});

describe("traffic (what enable/disable edit)", () => {
  const svc = [{ name: "web", text: "service web", selector: { frontedBy: "web" } }];
  it("attach writes the load-balancers annotation and copies the selector onto the pod template", () => {
    const out = attachServices(rs("web"), svc, true) as KubeObject;
    expect(out.metadata?.annotations?.["traffic.spinnaker.io/load-balancers"]).toBe('["service web"]');
    expect((out.spec?.template as KubeObject | undefined)?.metadata?.labels).toEqual({
      app: "web",
      frontedBy: "web",
    });
    expect((attachServices(rs("web"), svc, false) as KubeObject).spec?.template).toEqual(
      rs("web").spec?.template,
    );
  });
  it("refuses overlapping keys, a different annotation, bad load balancer names", () => {
    expect(
      attachServices(rs("web"), [{ name: "x", text: "service x", selector: { app: "web" } }], true),
    ).toEqual({
      error: "Service selector must have no label keys in common with target workload",
    });
    const annotated = rs("web", {
      metadata: { name: "web", annotations: { "traffic.spinnaker.io/load-balancers": '["service other"]' } },
    });
    expect((attachServices(annotated, svc, true) as { error: string }).error).toContain(
      "Manifest already has traffic.spinnaker.io/load-balancers",
    );
    expect(parseLoadBalancer("web")).toHaveProperty("error");
  });
  it("enable/disable are JSON patches of the selector keys", () => {
    const enabled = attachServices(rs("web"), svc, true) as KubeObject;
    expect(trafficPatch(enabled, { frontedBy: "web" }, false, "template")).toEqual([
      { op: "remove", path: "/spec/template/metadata/labels/frontedBy" },
    ]);
    expect(trafficPatch(rs("web"), { "a/b": "1" }, true, "template")).toEqual([
      { op: "add", path: "/spec/template/metadata/labels/a~1b", value: "1" },
    ]);
  });
  it("strategies: redblack disables old ones (deletes unsettled), highlander disables then deletes", () => {
    const cluster = "replicaSet web";
    const withMoniker = (name: string, status: Record<string, unknown>) =>
      rs(name, {
        metadata: {
          name,
          namespace: "prod",
          annotations: {
            "moniker.spinnaker.io/cluster": cluster,
            "moniker.spinnaker.io/application": "shop",
          },
        },
        status,
      });
    const all = [
      withMoniker("web-v000", { fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 }),
      withMoniker("web-v001", { fullyLabeledReplicas: 0 }),
      withMoniker("web-v002", {}),
    ];
    const deployed = {
      kind: "ReplicaSet",
      name: "web-v002",
      namespace: "prod",
      moniker: { app: "shop", cluster },
    };
    expect(strategySteps("redblack", deployed, all).map((s) => `${s.op} ${s.target.name}`)).toEqual([
      "disable web-v000",
      "delete web-v001",
    ]);
    expect(strategySteps("highlander", deployed, all).map((s) => `${s.op} ${s.target.name}`)).toEqual([
      "disable web-v000",
      "disable web-v001",
      "delete web-v000",
      "delete web-v001",
    ]);
    expect(strategySteps("none", deployed, all)).toEqual([]);
  });
});

describe("dynamic targets", () => {
  const at = (name: string, t: string, replicas: number) =>
    rs(name, {
      metadata: {
        name,
        creationTimestamp: t,
        annotations: { "moniker.spinnaker.io/cluster": "replicaSet web" },
      },
      spec: { replicas },
    });
  const list = [
    at("web-v000", "2024-01-01T00:00:00Z", 5),
    at("web-v001", "2024-01-02T00:00:00Z", 1),
    at("web-v002", "2024-01-03T00:00:00Z", 3),
  ];
  it.each([
    ["newest", "web-v002"],
    ["second_newest", "web-v001"],
    ["oldest", "web-v000"],
    ["largest", "web-v000"],
    ["smallest", "web-v001"],
  ] as const)("%s", (criteria, name) => {
    expect(
      (pickTarget(list, "replicaSet web", criteria) as { object: KubeObject }).object.metadata?.name,
    ).toBe(name);
  });
  it("reads second-newest and reports no match", () => {
    expect(readCriteria("second-newest")).toBe("second_newest");
    expect(pickTarget(list, "replicaSet api", "newest")).toHaveProperty("error");
  });
});

describe("artifacts", () => {
  const d: KubeObject = {
    kind: "Deployment",
    metadata: { name: "web", namespace: "prod" },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: "a",
              image: "gcr.io/x/web:1",
              env: [{ name: "R", valueFrom: { configMapKeyRef: { name: "cfg", key: "R" } } }],
            },
          ],
          volumes: [{ name: "s", secret: { secretName: "creds" } }],
        },
      },
    },
  };
  it("finds images, config maps and secrets", () => {
    expect(referencedArtifacts(d).map((a) => `${a.type} ${a.name}`)).toEqual([
      "docker/image gcr.io/x/web",
      "kubernetes/configMap cfg",
      "kubernetes/secret creds",
    ]);
  });
  it("binds deployed versions and images by name", () => {
    const { object, bound } = bindArtifacts(d, [
      { type: "kubernetes/configMap", name: "cfg", location: "prod", version: "v003", reference: "cfg-v003" },
      { type: "docker/image", name: "gcr.io/x/web", location: "", reference: "gcr.io/x/web:2" },
    ]);
    expect(bound).toHaveLength(2);
    expect(JSON.stringify(object)).toContain('"cfg-v003"');
    expect(JSON.stringify(object)).toContain('"gcr.io/x/web:2"');
  });
});

describe("accounts and credentials", () => {
  const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: u, user: { token: "s3cr3t-token-value" } }]
contexts: [{ name: prod, context: { cluster: c, user: u } }]
current-context: prod
`;
  it("reads kubernetes accounts from application settings", () => {
    const problems: string[] = [];
    const s = readKubernetesAccounts(
      {
        accounts: [
          { name: "prod", provider: "kubernetes", kubeconfigSecret: "KUBECONFIG_PROD", namespace: "web" },
          { name: "l", provider: "local" },
        ],
      },
      problems,
    );
    expect(problems).toEqual([]);
    expect(s.accounts).toMatchObject([
      { name: "prod", kubeconfigSecret: "KUBECONFIG_PROD", namespace: "web" },
    ]);
    expect(findKubernetesAccount(s, undefined)).toMatchObject({ name: "prod" });
    expect(findKubernetesAccount(s, "nope")).toHaveProperty("error");
    expect(findKubernetesAccount({ accounts: [] }, undefined)).toMatchObject({ name: "default" });
  });
  it("writes content to a 0600 file, masks the content and its token, removes the file", () => {
    const prepared = prepareKubeconfig(
      { name: "prod", kubeconfigSecret: "KUBECONFIG_PROD", namespaces: [], default: false },
      { env: { KUBECONFIG_PROD: Buffer.from(kubeconfig).toString("base64") } },
    );
    if ("error" in prepared) throw new Error(prepared.error);
    expect(readFileSync(prepared.file as string, "utf8")).toBe(kubeconfig);
    expect(statSync(prepared.file as string).mode & 0o777).toBe(0o600);
    expect(prepared.secretValues).toContain("s3cr3t-token-value");
    expect(prepared.secretValues).toContain(Buffer.from(kubeconfig).toString("base64"));
    prepared.cleanup();
    expect(existsSync(prepared.file as string)).toBe(false);
    expect(kubeconfigSecretValues(kubeconfig)).toContain("s3cr3t-token-value");
    expect(decodeKubeconfig(kubeconfig)).toBe(kubeconfig);
  });
  it("names a missing secret", () => {
    expect(
      prepareKubeconfig(
        { name: "prod", kubeconfigSecret: "KUBECONFIG_PROD", namespaces: [], default: false },
        {},
      ),
    ).toEqual({
      error:
        "Kubernetes account 'prod' reads its kubeconfig from KUBECONFIG_PROD, which is not set (a secret or environment variable)",
    });
  });
});
