// Traffic guards from .capstan/application.yml on the local provider: disable, destroy and resize to
// zero that would leave a guarded cluster with no instance up fail with Orca's message; the same
// operations pass when another server group keeps instances up, and unguarded clusters are free.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capstan, cleanup, makeRepo, type Repo, repoPerTest, sizes } from "./kit.js";

let repo: Repo | undefined;
const freshRepo = repoPerTest();

const deploy = (image: string) => `name: deploy-${image}
stages:
  - id: deploy
    type: deploy
    clusters:
      - provider: local
        application: myapp
        stack: prod
        capacity: { min: 2, desired: 2, max: 2 }
        image: ${image}
        command: node examples/app/server.js
        healthCheck: { path: /healthz, interval: 500ms }
`;

const single = (type: string, extra = "") => `name: ${type}
stages:
  - id: op
    type: ${type}
    cluster: myapp-prod
    target: newest
${extra}`;

function write(r: Repo, name: string, text: string): string {
  writeFileSync(join(r.dir, name), text);
  return name;
}

interface Record {
  status: string;
  stages: { refId: string; status: string; error?: string }[];
}

async function run(r: Repo, file: string): Promise<Record> {
  const result = await capstan(r, ["run", file, "--json"]);
  return JSON.parse(result.stdout) as Record;
}

const message = (op: string, group: string) =>
  `This cluster ('myapp-prod' in local/local) has traffic guards enabled. ${op} [${group}] would leave the cluster with no instances up.`;

describe("traffic guards on the local provider", () => {
  it("blocks disable, destroy and resize to zero of the only group up, with Orca's message", async () => {
    repo = freshRepo("name: myapp\ntrafficGuards:\n  - { stack: prod }\n");
    expect((await capstan(repo, ["run", write(repo, "d1.yml", deploy("v1"))])).code).toBe(0);
    for (const [type, extra, op] of [
      ["disableServerGroup", "", "Disabling"],
      ["destroyServerGroup", "", "Destroying"],
      ["resizeServerGroup", "    action: scaleDown\n    percent: 100\n", "Removal of all instances in"],
    ] as const) {
      const record = await run(repo, write(repo, `${type}.yml`, single(type, extra)));
      expect(record.status, type).toBe("TERMINAL");
      expect(record.stages[0].error, type).toBe(message(op, "myapp-prod-v000"));
    }
    // Nothing was taken away.
    expect(await sizes(repo)).toEqual({ "myapp-prod-v000": { desired: 2, up: 2, traffic: 2 } });
    // A cluster-wide disable that would leave no group enabled is blocked the same way.
    const cluster = await run(
      repo,
      write(
        repo,
        "dc.yml",
        "name: dc\nstages:\n  - { id: op, type: disableCluster, cluster: myapp-prod, remainingEnabledServerGroups: 0 }\n",
      ),
    );
    expect(cluster.stages[0].error).toBe(message("Running disableServerGroup on", "myapp-prod-v000"));
  }, 240_000);

  it("lets the old group go while the new one keeps instances up, and ignores unguarded clusters", async () => {
    repo = freshRepo("name: myapp\ntrafficGuards:\n  - { cluster: myapp-prod }\n");
    expect((await capstan(repo, ["run", write(repo, "d1.yml", deploy("v1"))])).code).toBe(0);
    expect((await capstan(repo, ["run", write(repo, "d2.yml", deploy("v2"))])).code).toBe(0);
    const disableOld = await run(
      repo,
      write(repo, "old.yml", single("disableServerGroup").replace("newest", "previous")),
    );
    expect(disableOld.status).toBe("SUCCEEDED");
    // Now v001 is the only group up: disabling it is refused.
    const disableNew = await run(repo, write(repo, "new.yml", single("disableServerGroup")));
    expect(disableNew.stages[0].error).toBe(message("Disabling", "myapp-prod-v001"));
    expect(await sizes(repo)).toEqual({
      "myapp-prod-v000": { desired: 2, up: 0, traffic: 0 },
      "myapp-prod-v001": { desired: 2, up: 2, traffic: 2 },
    });

    const unguarded = makeRepo("name: myapp\ntrafficGuards:\n  - { cluster: other-prod }\n");
    try {
      expect((await capstan(unguarded, ["run", write(unguarded, "d1.yml", deploy("v1"))])).code).toBe(0);
      const destroyed = await run(unguarded, write(unguarded, "x.yml", single("destroyServerGroup")));
      expect(destroyed.status).toBe("SUCCEEDED");
      expect(await sizes(unguarded)).toEqual({});
    } finally {
      await cleanup(unguarded);
    }
  }, 240_000);
});
