// Zero downtime on the local provider: a bounded loopback load generator sends requests to the
// cluster's load balancer while a red/black deploy and a rolling blue/green run; no request may fail,
// and the version answering must switch as the stages say.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM module shared with the benchmark (no type declarations).
import { imageTimeline, startLoad } from "../../bench/local/load-generator.mjs";
import { capstan, type Repo, repoPerTest, status } from "./kit.js";

interface Sample {
  at: number;
  ms: number;
  image: string;
}
interface LoadResult {
  sent: number;
  failed: number;
  failures: { at: number; error: string }[];
  samples: Sample[];
}
type Load = { stop(): Promise<LoadResult> };

let repo: Repo | undefined;
const freshRepo = repoPerTest();

async function lbOf(r: Repo): Promise<string> {
  const s = await status(r);
  const c = s.clusters.find((x) => x.name === "myapp-prod");
  if (!c) throw new Error("no myapp-prod cluster");
  return c.loadBalancer;
}

describe("zero downtime through the local load balancer", () => {
  it("red/black deploy: no failed request, traffic moves from blue to green", async () => {
    repo = freshRepo();
    const first = await capstan(repo, ["run", "examples/redblack.yml", "--param", "image=blue"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const load = startLoad(await lbOf(repo), { workers: 8, path: "/?delay=20", maxMs: 90_000 }) as Load;
    await new Promise((r) => setTimeout(r, 500));
    const deploy = await capstan(repo, ["run", "examples/redblack.yml", "--param", "image=green"]);
    const deployEnded = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const result = await load.stop();
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(result.failures).toEqual([]);
    expect(result.sent).toBeGreaterThan(200);
    const timeline = imageTimeline(result.samples) as { image: string; first: number; last: number }[];
    expect(timeline.map((t) => t.image)).toEqual(["blue", "green"]);
    // Once the deploy ended (blue disabled), only green answers requests sent afterwards.
    expect(result.samples.filter((s) => s.at > deployEnded && s.image !== "green")).toEqual([]);
    const s = await status(repo);
    const groups = s.clusters[0].serverGroups.map((g) => [g.name, g.image, g.disabled, g.takingTraffic]);
    expect(groups).toEqual([
      ["myapp-prod-v000", "blue", true, 0],
      ["myapp-prod-v001", "green", false, 4],
    ]);
  }, 240_000);

  it("red/black deploy of a crashing version rolls back: TERMINAL, blue keeps serving, no failed request", async () => {
    repo = freshRepo();
    const first = await capstan(repo, ["run", "examples/redblack.yml", "--param", "image=blue"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const load = startLoad(await lbOf(repo), { workers: 8, path: "/?delay=20", maxMs: 90_000 }) as Load;
    const deploy = await capstan(repo, [
      "run",
      "examples/redblack.yml",
      "--param",
      "image=broken",
      "--param",
      "broken=true",
      "--json",
    ]);
    const result = await load.stop();
    expect(deploy.code).toBe(1);
    const record = JSON.parse(deploy.stdout) as {
      status: string;
      stages: { status: string; error?: string }[];
    };
    expect(record.status).toBe("TERMINAL");
    expect(record.stages[0].error).toMatch(
      /^instance myapp-prod-v001-i\d of myapp-prod-v001 keeps exiting .*\(rolled back\)$/,
    );
    expect(result.failures).toEqual([]);
    expect(new Set(result.samples.map((s) => s.image))).toEqual(new Set(["blue"]));
    const s = await status(repo);
    expect(s.clusters[0].serverGroups.map((g) => [g.name, g.image, g.disabled, g.takingTraffic])).toEqual([
      ["myapp-prod-v000", "blue", false, 4],
      ["myapp-prod-v001", "broken", true, 0],
    ]);
  }, 240_000);

  it("rolling red/black with a validation pipeline per step: no failed request; a failing check rolls back", async () => {
    repo = freshRepo();
    const first = await capstan(repo, ["run", "examples/redblack.yml", "--param", "image=blue"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    let load = startLoad(await lbOf(repo), { workers: 8, path: "/?delay=20", maxMs: 90_000 }) as Load;
    const good = await capstan(repo, ["run", "examples/rolling-red-black.yml", "--param", "image=green"]);
    let result = await load.stop();
    expect(good.code, good.stdout + good.stderr).toBe(0);
    for (const p of [25, 50, 100])
      expect(good.stdout).toContain(`validation pipeline 'validate-rollout' at ${p}% succeeded`);
    expect(result.failures).toEqual([]);
    expect((imageTimeline(result.samples) as { image: string }[]).map((t) => t.image)).toEqual([
      "blue",
      "green",
    ]);

    load = startLoad(await lbOf(repo), { workers: 8, path: "/?delay=20", maxMs: 90_000 }) as Load;
    const bad = await capstan(repo, [
      "run",
      "examples/rolling-red-black.yml",
      "--param",
      "image=red",
      "--param",
      "healthy=false",
    ]);
    result = await load.stop();
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("validation pipeline 'validate-rollout' at 25% ended TERMINAL");
    expect(result.failures).toEqual([]);
    const s = await status(repo);
    expect(s.clusters[0].serverGroups.map((g) => [g.name, g.image, g.disabled, g.takingTraffic])).toEqual([
      ["myapp-prod-v000", "blue", true, 0],
      ["myapp-prod-v001", "green", false, 4],
      ["myapp-prod-v002", "red", true, 0],
    ]);
  }, 240_000);

  it("rolling blue/green (continue): no failed request; 1.11 alone, then both, then 1.12 alone", async () => {
    repo = freshRepo();
    const first = await capstan(repo, ["run", "examples/deploy.yml"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const load = startLoad(await lbOf(repo), { workers: 8, path: "/?delay=20", maxMs: 120_000 }) as Load;
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const run = await capstan(repo, ["run", "examples/rolling-blue-green.yml", "--judge", "judge=continue"]);
    const ended = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const result = await load.stop();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result.failures).toEqual([]);
    expect(result.samples.filter((s) => s.at < started).every((s) => s.image === "nginx:1.11")).toBe(true);
    expect(result.samples.filter((s) => s.at > ended).every((s) => s.image === "nginx:1.12")).toBe(true);
    const timeline = imageTimeline(result.samples) as { image: string; first: number; last: number }[];
    expect(timeline.map((t) => t.image)).toEqual(["nginx:1.11", "nginx:1.12"]);
    // Both versions answered for a while (V000 8 + V001 2 take traffic together before the switch).
    expect(timeline[1].first).toBeLessThan(timeline[0].last);
  }, 240_000);
});
