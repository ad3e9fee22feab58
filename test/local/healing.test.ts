// Healing on the local provider: a killed instance is restarted by the supervisor (and the load
// balancer retries the requests it refused); a killed supervisor (and CLI) mid-pipeline is resumed and
// re-adopts the running instances, losing nothing.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM module shared with the benchmark (no type declarations).
import { startLoad } from "../../bench/local/load-generator.mjs";
import {
  capstan,
  finished,
  type GroupView,
  type Repo,
  repoPerTest,
  sizes,
  startCapstan,
  status,
  waitFor,
  waitingExecution,
} from "./kit.js";

let repo: Repo | undefined;
const freshRepo = repoPerTest();

async function group(r: Repo, name: string): Promise<GroupView | undefined> {
  const s = await status(r);
  return s.clusters?.[0]?.serverGroups.find((g) => g.name === name);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("healing", () => {
  it("restarts instances killed mid-run, without a failed request, and the pipeline ends as the seed says", async () => {
    repo = freshRepo();
    expect((await capstan(repo, ["run", "examples/deploy.yml"])).code).toBe(0);
    const lb = (await status(repo)).clusters[0].loadBalancer;
    const load = startLoad(lb, { workers: 4, maxMs: 120_000 }) as {
      stop(): Promise<{ sent: number; failures: unknown[] }>;
    };
    const run = startCapstan(repo, ["run", "examples/rolling-blue-green.yml"]);
    const id = await waitFor("the judgment", () => waitingExecution(run.out.stdout), 90_000);
    const green = (await group(repo, "myapp-prod-v001"))!;
    const blue = (await group(repo, "myapp-prod-v000"))!;
    const victims = [green.instances[0], blue.instances[3]];
    // One at a time: the load balancer retries a refused request once, on another instance.
    for (const v of victims) {
      process.kill(v.pid!, "SIGKILL");
      // The victim comes back under the same id with a new process, and is Up again.
      await waitFor(`${v.id} to be restarted`, async () => {
        const s = await status(repo!);
        const i = s.clusters[0].serverGroups.flatMap((g) => g.instances).find((x) => x.id === v.id);
        return i && i.pid !== v.pid && i.healthState === "Up" && (i.restarts ?? 0) >= 1;
      });
    }
    expect(await sizes(repo)).toEqual({
      "myapp-prod-v000": { desired: 8, up: 8, traffic: 8 },
      "myapp-prod-v001": { desired: 2, up: 2, traffic: 2 },
    });
    expect((await capstan(repo, ["judge", id, "judge", "continue"])).code).toBe(0);
    const end = await finished(run);
    expect(end.code, end.stdout + end.stderr).toBe(0);
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.sent).toBeGreaterThan(100);
    expect(await sizes(repo)).toEqual({
      "myapp-prod-v000": { desired: 0, up: 0, traffic: 0 },
      "myapp-prod-v001": { desired: 10, up: 10, traffic: 10 },
    });
  }, 240_000);

  it("a supervisor and CLI killed at the judgment are resumed: instances re-adopted, execution continued", async () => {
    repo = freshRepo();
    expect((await capstan(repo, ["run", "examples/deploy.yml"])).code).toBe(0);
    const run = startCapstan(repo, ["run", "examples/rolling-blue-green.yml"]);
    const id = await waitFor("the judgment", () => waitingExecution(run.out.stdout), 90_000);
    const before = await status(repo);
    const pids = before.clusters[0].serverGroups.flatMap((g) => g.instances.map((i) => i.pid!));
    expect(pids).toHaveLength(10);
    process.kill(before.pid, "SIGKILL");
    run.kill("SIGKILL");
    await finished(run);
    expect(pids.every(alive)).toBe(true);

    // `capstan run` finds the execution cut short and resumes it; the supervisor starts again by itself.
    const resumed = await capstan(repo, [
      "run",
      "examples/rolling-blue-green.yml",
      "--judge",
      "judge=continue",
    ]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout + resumed.stderr).toContain(`resuming execution ${id}`);
    const after = await status(repo);
    expect(after.pid).not.toBe(before.pid);
    const v001 = after.clusters[0].serverGroups.find((g) => g.name === "myapp-prod-v001")!;
    const greenBefore = before.clusters[0].serverGroups.find((g) => g.name === "myapp-prod-v001")!;
    // The two V001 instances that ran before the crash are the same processes (re-adopted, not restarted).
    for (const i of greenBefore.instances) {
      expect(v001.instances.find((x) => x.id === i.id)).toMatchObject({ pid: i.pid, healthState: "Up" });
    }
    expect(v001.instances.every((i) => (i.restarts ?? 0) === 0)).toBe(true);
    expect(await sizes(repo)).toEqual({
      "myapp-prod-v000": { desired: 0, up: 0, traffic: 0 },
      "myapp-prod-v001": { desired: 10, up: 10, traffic: 10 },
    });
  }, 240_000);

  it("a supervisor killed while a deploy waits for health is restarted by the stage and the deploy succeeds", async () => {
    repo = freshRepo();
    // Health takes at least 3 s (threshold 3, every second), so the kill lands while the stage waits.
    writeFileSync(
      join(repo.dir, "slow-deploy.yml"),
      `name: slow-deploy
stages:
  - id: deploy
    type: deploy
    clusters:
      - provider: local
        application: myapp
        stack: prod
        capacity: { min: 3, desired: 3, max: 3 }
        image: v1
        command: node examples/app/server.js
        healthCheck: { path: /healthz, interval: 1s, healthyThreshold: 3 }
  - id: grow
    type: resizeServerGroup
    dependsOn: [deploy]
    cluster: myapp-prod
    action: scaleUp
    amount: 2
`,
    );
    const run = startCapstan(repo, ["run", "slow-deploy.yml"]);
    const s = await waitFor("the server group to exist", async () => {
      const st = await status(repo!).catch(() => undefined);
      return st?.running && st.clusters?.[0]?.serverGroups?.[0]?.instances?.length ? st : undefined;
    });
    const pids = s.clusters[0].serverGroups[0].instances.map((i) => i.pid);
    expect(run.exitCode).toBeNull();
    process.kill(s.pid, "SIGKILL");
    const end = await finished(run);
    expect(end.code, end.stdout + end.stderr).toBe(0);
    const after = await status(repo);
    expect(after.pid).not.toBe(s.pid);
    expect(await sizes(repo)).toEqual({ "myapp-prod-v000": { desired: 5, up: 5, traffic: 5 } });
    // The instances started before the kill were re-adopted, not restarted.
    const now = after.clusters[0].serverGroups[0].instances.map((i) => i.pid);
    for (const pid of pids) expect(now).toContain(pid);
  }, 240_000);
});
