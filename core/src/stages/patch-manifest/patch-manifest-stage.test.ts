import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";

describe("patchManifest", () => {
  it("merge and json patches; strategic and merge take one object", async () => {
    const rig = new KubeRig();
    rig.kubectl.seed({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { v: "1" } },
    });
    const r = await rig.run(`
name: p
stages:
  - { id: m, type: patchManifest, manifestName: service web, mergeStrategy: merge, patchBody: { spec: { selector: { v: "\${ 1 + 1 }" } } } }
  - id: j
    type: patchManifest
    dependsOn: [m]
    manifestName: service web
    mergeStrategy: json
    record: false
    patchBody: [{ op: add, path: /metadata/labels, value: { tier: front } }]
  - { id: bad, type: patchManifest, dependsOn: [j], manifestName: service web, patchBody: [{ a: 1 }, { b: 2 }] }
`);
    expect(stageOf(r, "m").status).toBe("SUCCEEDED");
    expect(rig.kubectl.find("Service", "web")?.metadata?.labels).toEqual({ tier: "front" });
    expect(rig.kubectl.find("Service", "web")?.spec?.selector).toEqual({ v: 2 });
    expect(stageOf(r, "bad").error).toBe(
      "Only one patch object is valid when patching with `strategic` and `merge` patch strategies.",
    );
    const patches = rig.kubectl.calls.filter((c) => c.includes("patch")).map((c) => c.slice(2, 6).join(" "));
    expect(patches).toEqual(["patch service/web --record --type", "patch service/web --type json"]);
  });
});
