// kubectl against the double, beyond the basics: validation (server-side strict decoding and 422s),
// server-side apply with field managers and conflicts, watches (get -w, resume, 410), stale
// updates, progress deadlines, orphaning and adoption, StatefulSet/DaemonSet rollouts, namespaces,
// and the request transcript.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { bind, doublePerTest, KUBECTLS, until } from "./kit.js";
import type { Deployment, Pod, ReplicaSet, StatefulSet } from "./types.js";

const DATA = join(import.meta.dirname, "testdata");
const start = doublePerTest();

describe.each(KUBECTLS)("kubectl ($name)", (k) => {
  test("invalid manifests: unknown fields rejected by strict decoding, semantic errors as 422", async () => {
    const d = await start({ transcript: true });
    const kubectl = bind(k, d);
    const bad = await kubectl.raw(["apply", "-f", join(DATA, "invalid.yaml")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    );
    const post = d.transcript().find((e) => e.method === "POST");
    expect(post?.path).toContain("fieldValidation=Strict");
    expect(post?.status).toBe(400);
    expect(post?.responseBody).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400 });
    // With validation off kubectl asks the server to ignore unknown fields: they are dropped.
    expect((await kubectl.raw(["apply", "--validate=false", "-f", join(DATA, "invalid.yaml")])).code).toBe(0);
    const stored = d.get("Deployment", "default", "broken") as Deployment;
    expect(stored.spec.template.spec.containers[0]).not.toHaveProperty("imagePullPolicyy");

    const mismatch = await kubectl.raw(["apply", "-f", join(DATA, "mismatch.yaml")]);
    expect(mismatch.stderr).toContain(
      'The Deployment "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"two"}: `selector` does not match template `labels`',
    );
    const invalid = d.transcript().filter((e) => e.status === 422);
    expect(invalid[0]?.responseBody).toMatchObject({
      reason: "Invalid",
      details: { kind: "Deployment", causes: [{ field: "spec.template.metadata.labels" }] },
    });
    // A wrong JSON type fails decoding (400), a missing required field validation (422).
    const typed = await kubectl.raw(
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: 1 } }),
    );
    expect(typed.stderr).toContain(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    );
    const required = await kubectl.raw(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ name: "c" }] },
      }),
    );
    expect(required.stderr).toContain('The Pod "p" is invalid: spec.containers[0].image: Required value');
  });

  test("client-side validation: with no server-side field validation advertised, kubectl rejects the manifest itself", async () => {
    const d = await start({ transcript: true, transcriptSkipsDiscovery: false, clientSideValidation: true });
    const kubectl = bind(k, d);
    const bad = await kubectl.raw(["apply", "-f", join(DATA, "invalid.yaml")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'error validating data: ValidationError(Deployment.spec.template.spec.containers[0]): unknown field "imagePullPolicyy" in io.k8s.api.core.v1.Container',
    );
    const noImage = await kubectl.raw(
      ["create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ image: "x", names: "c" }] },
      }),
    );
    expect(noImage.stderr).toMatch(
      /ValidationError\(Pod\.spec\.containers\[0\]\): (unknown field "names"|missing required field "name")/,
    );
    // Nothing reached the server but reads.
    expect(d.transcript().filter((e) => e.method !== "GET")).toEqual([]);
    expect(d.transcript().some((e) => e.path.startsWith("/openapi/v2"))).toBe(true);
    expect(await kubectl("apply", "-f", join(DATA, "web.yaml"))).toBe(
      "deployment.apps/web created\nservice/web created\n",
    );
    expect(await kubectl("apply", "-f", join(DATA, "web-v2.yaml"))).toBe("deployment.apps/web configured\n");
  });

  test("server-side apply: field managers, conflicts, --force-conflicts, removal of fields no longer applied", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    const config = (replicas: number, extraLabel?: string) =>
      JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", labels: { app: "web", ...(extraLabel ? { [extraLabel]: "yes" } : {}) } },
        spec: {
          replicas,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
          },
        },
      });
    expect(await kubectl.raw(["apply", "--server-side", "-f", "-"], config(2, "team"))).toMatchObject({
      code: 0,
      stdout: "deployment.apps/web serverside-applied\n",
    });
    let live = d.get("Deployment", "default", "web") as Deployment;
    expect(live.metadata.managedFields?.find((m) => m.manager === "kubectl")).toMatchObject({
      operation: "Apply",
    });
    expect(live.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"]).toBeUndefined();
    const clash = await kubectl.raw(
      ["apply", "--server-side", "--field-manager=other", "-f", "-"],
      config(3),
    );
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('conflict with "kubectl" using apps/v1: .spec.replicas');
    const forced = await kubectl.raw(
      ["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-"],
      config(3),
    );
    expect(forced.code).toBe(0);
    expect((d.get("Deployment", "default", "web") as Deployment).spec.replicas).toBe(3);
    // kubectl's own manager applies again without the team label: the label goes, replicas stay (now other's).
    await kubectl.raw(
      ["apply", "--server-side", "-f", "-"],
      JSON.stringify({
        ...JSON.parse(config(3)),
        spec: { ...JSON.parse(config(3)).spec, replicas: undefined },
      }),
    );
    live = d.get("Deployment", "default", "web") as Deployment;
    expect(live.metadata.labels).toEqual({ app: "web" });
    expect(live.spec.replicas).toBe(3);
  });

  test("client-side apply upgrades to server-side apply and back without conflicts (kubectl's manager)", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    // The image changes on the switch: the field came from the last-applied configuration, so it moves over.
    expect(await kubectl("apply", "--server-side", "-f", join(DATA, "web-v2.yaml"))).toBe(
      "deployment.apps/web serverside-applied\n",
    );
    // The Service's port is keyed by port and protocol; the applied one leaves protocol to its default.
    const clusterIP = (d.get("Service", "default", "web") as unknown as { spec: { clusterIP: string } }).spec
      .clusterIP;
    const upgraded = await kubectl.raw(["apply", "--server-side", "-f", join(DATA, "web.yaml")]);
    expect(upgraded).toMatchObject({
      code: 0,
      stdout: "deployment.apps/web serverside-applied\nservice/web serverside-applied\n",
    });
    // kubectl's re-apply after migrating the managed fields succeeds too (it warns when it does not).
    expect(upgraded.stderr).toBe("");
    // The registry keeps the allocated clusterIP though no manager applies it.
    expect(
      (d.get("Service", "default", "web") as unknown as { spec: { clusterIP: string } }).spec.clusterIP,
    ).toBe(clusterIP);
    expect(
      (d.get("Service", "default", "web") as unknown as { spec: { ports: unknown[] } }).spec.ports,
    ).toHaveLength(1);
    expect((d.get("Deployment", "default", "web") as Deployment).spec.template.spec.containers[0].image).toBe(
      "nginx:1.27",
    );
    expect(await kubectl("apply", "-f", join(DATA, "web-v2.yaml"))).toBe("deployment.apps/web configured\n");
    expect((d.get("Deployment", "default", "web") as Deployment).spec.template.spec.containers[0].image).toBe(
      "nginx:1.28",
    );
  });

  test("get -w prints rows as pods come and go; a watch resumes from a resourceVersion or gets 410", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    const watch = kubectl.start("get", "pods", "-w", "-l", "app=web");
    await until(
      "the initial rows",
      () =>
        watch
          .output()
          .split("\n")
          .filter((l) => l.includes("Running")).length >= 2,
    );
    await kubectl("scale", "deployment/web", "--replicas=3");
    await until("the new pod running in the watch", () => {
      const names = new Set(
        watch
          .output()
          .split("\n")
          .filter((l) => / 1\/1 +Running/.test(l))
          .map((l) => l.split(/\s+/)[0]),
      );
      return names.size >= 3;
    });
    const out = (await watch.stop()).stdout;
    expect(out.split("\n")[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(out).toMatch(/0\/1\s+(Pending|ContainerCreating)/);

    // The same watch over HTTP: resume after a resourceVersion, and 410 when it is too old.
    const rv = Number(d.api.store.resourceVersion);
    await kubectl("scale", "deployment/web", "--replicas=4");
    const resumed = await readWatch(
      `${d.url}/apis/apps/v1/namespaces/default/deployments?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
    );
    expect(resumed[0]).toMatchObject({ type: "MODIFIED", object: { spec: { replicas: 4 } } });
    const gone = await readWatch(`${d.url}/api/v1/pods?watch=true&resourceVersion=-5&timeoutSeconds=1`);
    expect(gone[0]).toMatchObject({ type: "ERROR", object: { code: 410, reason: "Expired" } });
  });

  test("a stale update is a conflict; replace with the current resourceVersion succeeds", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { a: "1" } };
    await kubectl.raw(["create", "-f", "-"], JSON.stringify(cm));
    const current = d.get("ConfigMap", "default", "settings");
    const stale = { ...cm, metadata: { ...cm.metadata, resourceVersion: "1" }, data: { a: "2" } };
    const r = await kubectl.raw(["replace", "-f", "-"], JSON.stringify(stale));
    expect(r.stderr).toContain(
      'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again',
    );
    const fresh = {
      ...cm,
      metadata: { ...cm.metadata, resourceVersion: current?.metadata.resourceVersion },
      data: { a: "3" },
    };
    expect((await kubectl.raw(["replace", "-f", "-"], JSON.stringify(fresh))).stdout).toBe(
      "configmap/settings replaced\n",
    );
  });

  test("pods that never become ready: ProgressDeadlineExceeded ends rollout status", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "stuck.yaml"));
    const r = await kubectl.raw(["rollout", "status", "deployment/stuck", "--timeout=30s"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: deployment "stuck" exceeded its progress deadline');
    const dep = d.get("Deployment", "default", "stuck") as Deployment;
    expect(dep.status?.conditions?.find((c) => c.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: `ReplicaSet "${(d.list("ReplicaSet", "default")[0] as ReplicaSet).metadata.name}" has timed out progressing.`,
    });
    expect(dep.status?.conditions?.find((c) => c.type === "Available")).toMatchObject({
      status: "False",
      reason: "MinimumReplicasUnavailable",
    });
  });

  test("rollout strategies: RollingUpdate stays within maxSurge/maxUnavailable, Recreate stops old pods first", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    const deployment = (image: string, strategy: unknown) =>
      JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: {
          replicas: 4,
          strategy,
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image }] } },
        },
      });
    const rolling = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    await kubectl.raw(["apply", "-f", "-"], deployment("nginx:1", rolling));
    await kubectl("rollout", "status", "deployment/web", "--timeout=30s");
    const pods = () => (d.list("Pod", "default") as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
    const images = () => pods().map((p) => p.spec.containers[0].image);
    let maxPods = 0;
    let minReady = 99;
    let overlap = false;
    const watch = d.api.store.subscribe((e) => {
      if (e.resource.kind !== "Pod") return;
      const live = pods();
      maxPods = Math.max(maxPods, live.length);
      minReady = Math.min(
        minReady,
        live.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
          .length,
      );
      const is = new Set(images());
      if (is.has("nginx:2") && is.has("nginx:3")) overlap = true;
    });
    await kubectl.raw(["apply", "-f", "-"], deployment("nginx:2", rolling));
    await kubectl("rollout", "status", "deployment/web", "--timeout=30s");
    expect(maxPods).toBeLessThanOrEqual(5);
    expect(minReady).toBeGreaterThanOrEqual(3);
    expect(images()).toEqual(["nginx:2", "nginx:2", "nginx:2", "nginx:2"]);
    await kubectl.raw(["apply", "-f", "-"], deployment("nginx:3", { type: "Recreate" }));
    await kubectl("rollout", "status", "deployment/web", "--timeout=30s");
    watch();
    expect(overlap).toBe(false);
    expect(images()).toEqual(["nginx:3", "nginx:3", "nginx:3", "nginx:3"]);
  });

  test("a Deployment scaled in the middle of a stuck rollout is scaled proportionally across its ReplicaSets", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    const deployment = (image: string, ready: boolean) =>
      JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: {
          replicas: 4,
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } },
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: {
              labels: { app: "web" },
              annotations: ready ? {} : { "kube-double.capstan.dev/ready": "false" },
            },
            spec: { containers: [{ name: "web", image }] },
          },
        },
      });
    await kubectl.raw(["apply", "-f", "-"], deployment("nginx:1", true));
    await kubectl("rollout", "status", "deployment/web", "--timeout=30s");
    await kubectl.raw(["apply", "-f", "-"], deployment("nginx:2", false));
    const sizes = () =>
      (d.list("ReplicaSet", "default") as ReplicaSet[])
        .map((rs) => [rs.spec.template?.spec.containers[0].image, rs.spec.replicas])
        .sort()
        .map(([i, n]) => `${i}=${n}`)
        .join(" ");
    await until("the new ReplicaSet at its surge", () => sizes() === "nginx:1=4 nginx:2=2");
    await kubectl("scale", "deployment/web", "--replicas=8");
    // 10 allowed (8 + maxSurge 2) over 6: old 4 -> round(4 * 10 / 6) = 7, new 2 -> round(2 * 10 / 6) = 3.
    await until("proportional sizes", () => sizes() === "nginx:1=7 nginx:2=3");
    await d.settle();
    expect(sizes()).toBe("nginx:1=7 nginx:2=3");
  });

  test("delete --cascade=orphan keeps the ReplicaSet; the re-applied Deployment adopts it", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    const [rs] = d.list("ReplicaSet", "default") as ReplicaSet[];
    await kubectl("delete", "deployment", "web", "--cascade=orphan");
    const orphan = d.get("ReplicaSet", "default", rs.metadata.name ?? "") as ReplicaSet;
    expect(orphan.metadata.ownerReferences).toBeUndefined();
    expect((d.list("Pod", "default") as Pod[]).filter((p) => p.status?.phase === "Running")).toHaveLength(2);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    const all = d.list("ReplicaSet", "default") as ReplicaSet[];
    expect(all.map((x) => x.metadata.name)).toEqual([rs.metadata.name]);
    expect(all[0].metadata.ownerReferences?.[0]).toMatchObject({
      kind: "Deployment",
      name: "web",
      uid: d.get("Deployment", "default", "web")?.metadata.uid,
    });
  });

  test("StatefulSet and DaemonSet: rollout status, history and undo over ControllerRevisions", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "sets.yaml"));
    await kubectl("rollout", "status", "statefulset/db", "--timeout=30s");
    await kubectl("rollout", "status", "daemonset/agent", "--timeout=30s");
    expect(
      (d.list("Pod", "default") as Pod[]).map((p) => p.metadata.name).filter((n) => n?.startsWith("db-")),
    ).toEqual(["db-0", "db-1", "db-2"]);
    await kubectl(
      "patch",
      "statefulset",
      "db",
      "--type",
      "strategic",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"db","image":"postgres:17"}]}}}}',
    );
    const status = await kubectl("rollout", "status", "statefulset/db", "--timeout=30s");
    expect(status).toMatch(/partitioned roll out complete|rolling update complete/);
    expect(await kubectl("rollout", "history", "statefulset/db")).toMatch(
      /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/,
    );
    await kubectl("rollout", "undo", "statefulset/db");
    await kubectl("rollout", "status", "statefulset/db", "--timeout=30s");
    const sts = d.get("StatefulSet", "default", "db") as StatefulSet;
    expect(sts.spec.template.spec.containers[0].image).toBe("postgres:16");
    expect(sts.status?.currentRevision).toBe(sts.status?.updateRevision);
    expect(await kubectl("rollout", "history", "statefulset/db")).toMatch(/\n2\s+<none>\n3\s+<none>\n/);
    // A partitioned update stops at the partition: only ordinals >= 2 move.
    await kubectl(
      "patch",
      "statefulset",
      "db",
      "--type",
      "merge",
      "-p",
      '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}',
    );
    await kubectl(
      "patch",
      "statefulset",
      "db",
      "--type",
      "strategic",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"db","image":"postgres:18"}]}}}}',
    );
    expect(await kubectl("rollout", "status", "statefulset/db", "--timeout=30s")).toContain(
      "partitioned roll out complete: 1 new pods have been updated...",
    );
    const images = () =>
      (d.list("Pod", "default") as Pod[])
        .filter((p) => p.metadata.name?.startsWith("db-"))
        .map((p) => p.spec.containers[0].image);
    expect(images()).toEqual(["postgres:16", "postgres:16", "postgres:18"]);
    const partitioned = d.get("StatefulSet", "default", "db") as StatefulSet;
    expect(partitioned.status).toMatchObject({ updatedReplicas: 1, currentReplicas: 2 });
    expect(partitioned.status?.currentRevision).not.toBe(partitioned.status?.updateRevision);
    await kubectl(
      "patch",
      "daemonset",
      "agent",
      "--type",
      "merge",
      "-p",
      '{"spec":{"template":{"metadata":{"labels":{"app":"agent","v":"2"}}}}}',
    );
    await kubectl("rollout", "status", "daemonset/agent", "--timeout=30s");
    expect(
      (d.list("Pod", "default") as Pod[])
        .filter((p) => p.metadata.labels?.app === "agent")
        .map((p) => p.metadata.labels?.v),
    ).toEqual(["2"]);
  });

  test("kinds stored without a controller: ServiceAccount, RBAC, Ingress, HPA, PDB, CronJob, PVC, NetworkPolicy", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    const out = await kubectl("apply", "-f", join(DATA, "extras.yaml"));
    expect(out.trim().split("\n")).toEqual([
      "serviceaccount/web created",
      "role.rbac.authorization.k8s.io/reader created",
      "rolebinding.rbac.authorization.k8s.io/web-reader created",
      "clusterrole.rbac.authorization.k8s.io/system:web-viewer created",
      "ingress.networking.k8s.io/web created",
      "horizontalpodautoscaler.autoscaling/web created",
      "poddisruptionbudget.policy/web created",
      "cronjob.batch/nightly created",
      "persistentvolumeclaim/data created",
      "networkpolicy.networking.k8s.io/web created",
    ]);
    expect(await kubectl("apply", "-f", join(DATA, "extras.yaml"))).toContain(
      "cronjob.batch/nightly unchanged",
    );
    expect(await kubectl("get", "hpa,pdb,cj,ing,pvc,sa", "-o", "name")).toBe(
      "horizontalpodautoscaler.autoscaling/web\npoddisruptionbudget.policy/web\ncronjob.batch/nightly\ningress.networking.k8s.io/web\npersistentvolumeclaim/data\nserviceaccount/web\n",
    );
    // Validated against their published schemas like the rest.
    const bad = await kubectl.raw(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "x" },
        spec: { maxReplicas: "five", scaleTargetRef: { kind: "Deployment", name: "web" } },
      }),
    );
    expect(bad.stderr).toContain(
      "cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32",
    );
    expect(await kubectl("delete", "-f", join(DATA, "extras.yaml"))).toMatch(
      /cronjob.batch "nightly" deleted/,
    );
    expect(d.list("CronJob", "default")).toEqual([]);
  });

  test("a deleted namespace takes its content with it", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl.raw(
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } }),
    );
    await kubectl("apply", "-n", "team", "-f", join(DATA, "web.yaml"));
    await kubectl("rollout", "status", "-n", "team", "deployment/web", "--timeout=20s");
    expect(await kubectl("get", "ns", "team", "-o", "jsonpath={.status.phase}")).toBe("Active");
    await kubectl("delete", "namespace", "team", "--timeout=30s");
    for (const kind of ["Deployment", "ReplicaSet", "Pod", "Service", "Endpoints"])
      expect(d.list(kind, "team")).toEqual([]);
    const r = await kubectl.raw(["get", "ns", "team"]);
    expect(r.stderr).toContain('namespaces "team" not found');
  });
});

test("the transcript records method, path and body of each request (to a file too)", async () => {
  const file = join(
    import.meta.dirname,
    "..",
    "..",
    "node_modules",
    ".cache",
    `kube-double-transcript-${process.pid}.jsonl`,
  );
  const d = await start({ transcript: file });
  const kubectl = bind(KUBECTLS[0], d);
  await kubectl("apply", "-f", join(DATA, "web.yaml"));
  const t = d.transcript();
  expect(t.map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`)).toEqual([
    "GET /apis/apps/v1/namespaces/default/deployments/web 404",
    "POST /apis/apps/v1/namespaces/default/deployments 201",
    "GET /api/v1/namespaces/default/services/web 404",
    "POST /api/v1/namespaces/default/services 201",
  ]);
  expect(t[1].requestBody).toMatchObject({ kind: "Deployment", metadata: { name: "web" } });
  // As a fixture: nothing run-specific is left.
  const { toFixture } = await import("./transcript.js");
  const fixture = JSON.stringify(toFixture(t));
  expect(fixture).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  expect(fixture).not.toContain(String(d.port));
  expect(toFixture(t)[1]).toMatchObject({
    method: "POST",
    path: "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
    status: 201,
  });
  const lines = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { method: string });
  expect(lines.map((l) => l.method)).toEqual(["GET", "POST", "GET", "POST"]);
});

async function readWatch(url: string): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const res = await fetch(url);
  const text = await res.text();
  return text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

test("the double as its own process (bin.mjs): kubectl applies to it, SIGTERM stops it", async () => {
  const { spawnKubeDouble } = await import("./spawn.js");
  const p = await spawnKubeDouble();
  try {
    const kubectl = bind(KUBECTLS[0], p);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    expect(await kubectl("rollout", "status", "deployment/web", "--timeout=30s")).toContain(
      "successfully rolled out",
    );
  } finally {
    await p.stop();
  }
  expect(p.child.exitCode).toBe(0);
}, 90_000);
