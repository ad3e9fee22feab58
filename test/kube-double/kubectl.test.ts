// The real kubectl (the machine's and v1.35 from npm) against the double: client-side apply,
// reads, scale, the three patch kinds, rollouts (status, history, undo), wait and cascading delete.
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { bind, doublePerTest, KUBECTLS } from "./kit.js";
import type { Deployment, ReplicaSet } from "./types.js";

const DATA = join(import.meta.dirname, "testdata");
const start = doublePerTest();

test("both kubectl versions are available", () => {
  expect(KUBECTLS.map((k) => k.name)).toEqual(["system", "npm-v1.35"]);
});

describe.each(KUBECTLS)("kubectl ($name)", (k) => {
  test("apply, get -o json, scale, patch (strategic, merge, json)", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    expect(await kubectl("apply", "-f", join(DATA, "web.yaml"))).toBe(
      "deployment.apps/web created\nservice/web created\n",
    );
    const live = JSON.parse(await kubectl("get", "deployment", "web", "-o", "json")) as Deployment;
    expect(live.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"]).toContain(
      '"name":"web"',
    );
    expect(live.metadata.generation).toBe(1);
    expect(await kubectl("apply", "-f", join(DATA, "web.yaml"))).toBe(
      "deployment.apps/web unchanged\nservice/web unchanged\n",
    );
    await kubectl("wait", "--for=condition=Available", "deployment/web", "--timeout=20s");

    expect(await kubectl("scale", "deployment/web", "--replicas=3")).toBe("deployment.apps/web scaled\n");
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    expect((d.get("Deployment", "default", "web") as Deployment).status?.readyReplicas).toBe(3);

    await kubectl("patch", "deployment", "web", "--type", "merge", "-p", '{"spec":{"replicas":1}}');
    await kubectl(
      "patch",
      "deployment",
      "web",
      "--type",
      "json",
      "-p",
      '[{"op":"add","path":"/metadata/labels/tier","value":"front"}]',
    );
    await kubectl(
      "patch",
      "deployment",
      "web",
      "--type",
      "strategic",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.29"}]}}}}',
    );
    const patched = d.get("Deployment", "default", "web") as Deployment;
    expect(patched.spec.replicas).toBe(1);
    expect(patched.metadata.labels).toEqual({ app: "web", tier: "front" });
    // Strategic merge: the container list is merged by name, its ports kept.
    expect(patched.spec.template.spec.containers).toHaveLength(1);
    expect(patched.spec.template.spec.containers[0]).toMatchObject({
      image: "nginx:1.29",
      ports: [{ containerPort: 80, name: "http" }],
    });
    expect(patched.metadata.generation).toBe(4);
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    expect((d.get("Deployment", "default", "web") as Deployment).status?.observedGeneration).toBe(4);
  });

  test("rollout status, history and undo over ReplicaSet revisions", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    await kubectl("apply", "-f", join(DATA, "web-v2.yaml"));
    const status = await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    expect(status).toMatch(/deployment "web" successfully rolled out\n$/);
    expect(await kubectl("rollout", "history", "deployment/web")).toMatch(
      /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+image 1\.28\n/,
    );
    const rs = d.list("ReplicaSet", "default") as ReplicaSet[];
    expect(rs).toHaveLength(2);
    for (const r of rs) {
      expect(r.metadata.name).toBe(`web-${r.metadata.labels?.["pod-template-hash"]}`);
      expect(r.metadata.ownerReferences?.[0]).toMatchObject({
        kind: "Deployment",
        name: "web",
        controller: true,
      });
    }
    expect(await kubectl("rollout", "history", "deployment/web", "--revision=2")).toContain(
      "Image:\tnginx:1.28",
    );
    expect(await kubectl("rollout", "undo", "deployment/web", "--to-revision=1")).toBe(
      "deployment.apps/web rolled back\n",
    );
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    // The old ReplicaSet is reused and becomes revision 3.
    expect(await kubectl("rollout", "history", "deployment/web")).toMatch(
      /REVISION\s+CHANGE-CAUSE\n2\s+image 1\.28\n3\s+<none>\n/,
    );
    expect(d.list("ReplicaSet", "default")).toHaveLength(2);
    const dep = d.get("Deployment", "default", "web") as Deployment;
    expect(dep.spec.template.spec.containers[0].image).toBe("nginx:1.27");
    expect(dep.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
  });

  test("delete --cascade=foreground removes the ReplicaSets and pods first", async () => {
    const d = await start();
    const kubectl = bind(k, d);
    await kubectl("apply", "-f", join(DATA, "web.yaml"));
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s");
    const seen: string[] = [];
    const stop = d.api.store.subscribe((e) => {
      if (e.type === "DELETED") seen.push(`deleted ${e.resource.kind}`);
      else if (
        e.object.metadata.finalizers?.includes("foregroundDeletion") &&
        !e.previous?.metadata.finalizers?.includes("foregroundDeletion")
      )
        seen.push(`finalizer ${e.resource.kind}`);
    });
    const out = await kubectl("delete", "deployment", "web", "--cascade=foreground");
    stop();
    expect(out).toMatch(/^deployment.apps "web" deleted/);
    expect(d.list("Deployment", "default")).toHaveLength(0);
    expect(d.list("ReplicaSet", "default")).toHaveLength(0);
    expect(d.list("Pod", "default")).toHaveLength(0);
    // The owner waits with its foregroundDeletion finalizer until its dependents are gone.
    expect(seen[0]).toBe("finalizer Deployment");
    expect(seen[seen.length - 1]).toBe("deleted Deployment");
    expect(seen.filter((s) => s === "deleted Pod")).toHaveLength(2);
    expect(seen.indexOf("deleted ReplicaSet")).toBeGreaterThan(seen.lastIndexOf("deleted Pod"));
  });
});
