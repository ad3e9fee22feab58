// `capstan local down` stays down (issue 17 item 9): a pipeline that does not deploy must not bring
// the stopped server groups back; `capstan local up` or a pipeline that deploys does.
import { describe, expect, it } from "vitest";
import { capstan, repoPerTest, status } from "./kit.js";

const newRepo = repoPerTest();

describe("capstan local down stays down", { timeout: 180_000 }, () => {
  it("until `local up` or a pipeline that deploys; a pipeline that only resizes is told so", async () => {
    const repo = newRepo();
    const deployed = await capstan(repo, ["run", "examples/deploy.yml"]);
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    expect((await capstan(repo, ["local", "down"])).code).toBe(0);

    // resize.yml acts on myapp-prod without deploying: it must not start the supervisor.
    const resized = await capstan(repo, ["run", "examples/resize.yml", "--judge", "judge=continue"]);
    expect(resized.code).toBe(1);
    expect(resized.stdout).toContain("stopped with 'capstan local down'");
    expect(resized.stdout).toContain("capstan local up");
    expect((await status(repo)).running).toBe(false);

    // `local up` brings the server groups back, and a later pipeline may use them.
    expect((await capstan(repo, ["local", "up"])).code).toBe(0);
    const up = await status(repo);
    expect(up.running).toBe(true);
    expect(up.clusters.find((c) => c.name === "myapp-prod")?.serverGroups.map((g) => g.name)).toEqual([
      "myapp-prod-v000",
    ]);

    // Down again; a pipeline that deploys starts it (and with it the server groups it had).
    expect((await capstan(repo, ["local", "down"])).code).toBe(0);
    const again = await capstan(repo, ["run", "examples/deploy.yml"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const after = await status(repo);
    expect(after.running).toBe(true);
    expect(after.clusters.find((c) => c.name === "myapp-prod")?.serverGroups.map((g) => g.name)).toEqual([
      "myapp-prod-v000",
      "myapp-prod-v001",
    ]);
  });
});
