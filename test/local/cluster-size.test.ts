// clusterSize preconditions through the CLI against the local provider: the count is of server
// groups (Orca's ClusterSizePreconditionTask), read from the supervisor after two deploys.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capstan, type Repo, repoPerTest } from "./kit.js";

let repo: Repo | undefined;
const freshRepo = repoPerTest();

const deploy = (id: string, desired: number, after?: string) => `
  - id: ${id}
    type: deploy
    ${after ? `dependsOn: [${after}]` : ""}
    clusters:
      - provider: local
        application: myapp
        stack: size
        strategy: none
        capacity: { min: ${desired}, desired: ${desired}, max: ${desired} }
        image: app:${id}
        command: node examples/app/server.js
        healthCheck: { path: /healthz }`;

const pipeline = `name: cluster-size
stages:${deploy("first", 1)}${deploy("second", 2, "first")}
  - id: two-groups
    type: checkPreconditions
    dependsOn: [second]
    preconditions:
      - { type: clusterSize, cluster: myapp-size, comparison: "==", expected: 2 }
  - id: three-or-more
    type: checkPreconditions
    dependsOn: [second]
    preconditions:
      - { type: clusterSize, cluster: myapp-size, comparison: ">=", expected: 3, failPipeline: false }
  - id: only-with-three
    type: wait
    duration: 0s
    dependsOn: [three-or-more]
`;

describe("clusterSize precondition on the local provider", () => {
  it("passes with == 2 after two deploys and stops its branch with >= 3", async () => {
    repo = freshRepo();
    writeFileSync(join(repo.dir, "cluster-size.yml"), pipeline);
    const r = await capstan(repo, ["run", "cluster-size.yml", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout) as {
      status: string;
      stages: { refId: string; status: string; error?: string; context: Record<string, unknown> }[];
    };
    const byId = Object.fromEntries(record.stages.map((s) => [s.refId, s]));
    expect(record.status).toBe("SUCCEEDED");
    expect(byId.second.context["deploy.server.groups"]).toEqual({ local: ["myapp-size-v001"] });
    expect(byId["two-groups"].status).toBe("SUCCEEDED");
    expect(byId["two-groups"].context.preconditionResults).toEqual([
      expect.objectContaining({ passed: true, actualSize: 2, message: "2 server groups in myapp-size == 2" }),
    ]);
    expect(byId["three-or-more"].status).toBe("STOPPED");
    expect(byId["three-or-more"].error).toBe(
      "precondition failed: expected server groups in myapp-size >= 3, found 2",
    );
    expect(byId["only-with-three"].status).toBe("NOT_STARTED");
  }, 120_000);
});
