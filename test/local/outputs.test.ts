// Server-group stage outputs are Spinnaker-shaped, so expressions downstream work:
// #deployedServerGroups(), #stage(...).outputs, findImageFromCluster's image.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capstan, type Repo, repoPerTest } from "./kit.js";

let repo: Repo | undefined;
const freshRepo = repoPerTest();

const pipeline = `name: outputs
stages:
  - id: deploy
    type: deploy
    clusters:
      - provider: local
        application: myapp
        stack: test
        capacity: { min: 1, desired: 1, max: 1 }
        image: app:7
        command: node examples/app/server.js
        healthCheck: { path: /healthz }
  - id: show
    type: evaluateVariables
    dependsOn: [deploy]
    variables:
      - key: names
        value: "\${ #deployedServerGroups().![serverGroup] }"
      - key: region
        value: "\${ #deployedServerGroups()[0].region }"
  - id: image
    type: findImageFromCluster
    dependsOn: [deploy]
    cluster: myapp-test
  - id: clone
    type: cloneServerGroup
    dependsOn: [image]
    cluster: myapp-test
    target: newest
    image: "\${ #stage('image').outputs.image }-clone"
    capacity: { min: 2, desired: 2, max: 2 }
`;

describe("server-group stage outputs", () => {
  it("feed #deployedServerGroups(), findImageFromCluster and a clone", async () => {
    repo = freshRepo();
    writeFileSync(join(repo.dir, "outputs.yml"), pipeline);
    const r = await capstan(repo, ["run", "outputs.yml", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout) as { stages: { refId: string; outputs: Record<string, unknown> }[] };
    const out = Object.fromEntries(record.stages.map((s) => [s.refId, s.outputs]));
    expect(out.deploy["deploy.server.groups"]).toEqual({ local: ["myapp-test-v000"] });
    expect(out.deploy.loadBalancers).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)]);
    expect(out.show).toEqual({ names: ["myapp-test-v000"], region: "local" });
    expect(out.image.image).toBe("app:7");
    expect(out.clone["deploy.server.groups"]).toEqual({ local: ["myapp-test-v001"] });
    const status = JSON.parse((await capstan(repo, ["local", "status", "--json"])).stdout) as {
      clusters: { serverGroups: { name: string; image: string; capacity: { desired: number } }[] }[];
    };
    expect(status.clusters[0].serverGroups.map((g) => [g.name, g.image, g.capacity.desired])).toEqual([
      ["myapp-test-v000", "app:7", 1],
      ["myapp-test-v001", "app:7-clone", 2],
    ]);
  }, 120_000);
});
