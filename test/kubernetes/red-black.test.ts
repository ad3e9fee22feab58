// The red/black example end to end: the real kubectl against the API-server double, pods as local
// processes behind the Service's loopback proxy, traffic under load while the versions switch.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ExecutionRecord } from "@capstan/core";
import { describe, expect, it } from "vitest";
import { doublePerTest, until } from "../kube-double/kit.js";
import { DoubleRig, get, KUBECTL, load, ROOT } from "./kit.js";

const start = doublePerTest();
const EXAMPLE = readFileSync(join(ROOT, "examples/kubernetes-red-black.yml"), "utf8");
/** The example without its judgment and rollback stages (they need a reviewer). */
const DEPLOY_ONLY = EXAMPLE.slice(0, EXAMPLE.indexOf("  - id: judge"));

const stage = (r: ExecutionRecord, id: string) =>
  r.stages.find((s) => s.refId === id) as unknown as {
    status: string;
    error?: string;
    outputs: Record<string, unknown>;
  };

describe.skipIf(!KUBECTL)("kubernetes red/black with the real kubectl", () => {
  it("v000 then v001 behind the Service, 0 failed requests under load; highlander deletes the old ones", async () => {
    const double = await start({ runtime: "process" });
    const rig = new DoubleRig(double);

    const first = await rig.run(DEPLOY_ONLY, { version: "v1" });
    expect(stage(first, "deploy").error).toBeUndefined();
    expect(first.status).toBe("SUCCEEDED");
    expect(double.get("ReplicaSet", "default", "web-v000")).toBeDefined();
    const url = await double.serviceUrl("default", "web");
    await until("v1 answers", async () => (await get(url)).body.includes("v1"));

    const traffic = load(url);
    const second = await rig.run(DEPLOY_ONLY, { version: "v2" });
    await new Promise((r) => setTimeout(r, 500));
    const seen = await traffic.stop();
    expect(stage(second, "deploy").error).toBeUndefined();
    expect(second.status).toBe("SUCCEEDED");
    expect(stage(second, "deploy").outputs).toMatchObject({
      disabledManifests: ["replicaSet web-v000"],
      "deploy.server.groups": { default: ["replicaSet web-v001"] },
    });
    expect(seen.failed).toBe(0);
    expect(seen.ok).toBeGreaterThan(20);
    expect(double.serviceStats("default", "web")?.failed).toBe(0);
    const bodies = [...seen.bodies.keys()].join("\n");
    expect(bodies).toContain("v1");
    expect(bodies).toContain("v2");
    expect((await get(url)).body).toContain("v2");
    // The old version still runs, out of the Service.
    const v0 = double.get("ReplicaSet", "default", "web-v000") as unknown as {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    expect(v0.spec.template.metadata.labels.frontedBy).toBeUndefined();

    const third = await rig.run(DEPLOY_ONLY, { version: "v3", strategy: "highlander" });
    expect(stage(third, "deploy").error).toBeUndefined();
    expect(stage(third, "deploy").outputs).toMatchObject({
      deletedManifests: ["replicaSet web-v000", "replicaSet web-v001"],
    });
    await until(
      "old versions gone",
      () =>
        double
          .list("ReplicaSet", "default")
          .map((o) => o.metadata.name)
          .join(",") === "web-v002",
    );
    expect((await get(url)).body).toContain("v3");
  }, 120_000);

  it("the whole example: a reviewer's rollback enables the previous version and disables the new one", async () => {
    const double = await start({ runtime: "process" });
    const rig = new DoubleRig(double);
    const first = await rig.run(EXAMPLE, { version: "v1" }, { judgments: { judge: "keep" } });
    expect(first.status).toBe("SUCCEEDED");
    expect(stage(first, "enable-previous").status).toBe("SKIPPED");
    const url = await double.serviceUrl("default", "web");
    const traffic = load(url);
    const second = await rig.run(EXAMPLE, { version: "v2" }, { judgments: { judge: "rollback" } });
    const seen = await traffic.stop();
    for (const id of ["deploy", "judge", "enable-previous", "disable-new"])
      expect(stage(second, id).error, id).toBeUndefined();
    expect(second.status).toBe("SUCCEEDED");
    expect(
      (stage(second, "enable-previous") as unknown as { context: Record<string, unknown> }).context
        .manifestName,
    ).toBe("replicaSet web-v000");
    expect(seen.failed).toBe(0);
    expect([...seen.bodies.keys()].join("\n")).toContain("v2");
    // Back on v1: v000 serves, v001 runs out of the Service.
    await until("v1 answers again", async () => (await get(url)).body.includes("v1"));
    const labels = (name: string) =>
      (
        double.get("ReplicaSet", "default", name) as unknown as {
          spec: { template: { metadata: { labels: Record<string, string> } } };
        }
      ).spec.template.metadata.labels;
    expect(labels("web-v000").frontedBy).toBe("web");
    expect(labels("web-v001").frontedBy).toBeUndefined();
  }, 120_000);

  it("undoRolloutManifest restores the previous revision of a Deployment", async () => {
    const double = await start();
    const rig = new DoubleRig(double);
    const deploy = (image: string) => `
name: d
stages:
  - id: deploy
    type: deployManifest
    manifests:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: { name: api }
        spec:
          replicas: 2
          selector: { matchLabels: { app: api } }
          template:
            metadata: { labels: { app: api } }
            spec: { containers: [{ name: api, image: "${image}" }] }
`;
    for (const image of ["api:1", "api:2"]) {
      const r = await rig.run(deploy(image));
      expect(stage(r, "deploy").error).toBeUndefined();
    }
    const image = () =>
      (
        double.get("Deployment", "default", "api") as unknown as {
          spec: { template: { spec: { containers: { image: string }[] } } };
        }
      ).spec.template.spec.containers[0].image;
    expect(image()).toBe("api:2");
    const undo = await rig.run(`
name: undo
stages:
  - { id: undo, type: undoRolloutManifest, manifestName: deployment api, numRevisionsBack: 1 }
`);
    expect(stage(undo, "undo").error).toBeUndefined();
    expect(undo.status).toBe("SUCCEEDED");
    expect(image()).toBe("api:1");
    expect(rig.log(undo, "undo")).toContain("rolled deployment api back to revision 1");
  }, 60_000);
});
