// The seed's rolling blue/green (000_4b92f214cb0e488b.txt) on the local provider, end to end through the
// CLI: myapp-prod-v000 at 10; green1 + blue1 leave V000 8 + V001 2 at the judgment; rollback restores
// 10 + 0 and destroys V001; continue ends at 0 + 10. Sizes are read from `capstan local status --json`.
import { describe, expect, it } from "vitest";
import {
  capstan,
  finished,
  type Repo,
  repoPerTest,
  sizes,
  startCapstan,
  waitFor,
  waitingExecution,
} from "./kit.js";

let repo: Repo | undefined;
const freshRepo = repoPerTest();

async function deployV000(r: Repo): Promise<void> {
  const deployed = await capstan(r, ["run", "examples/deploy.yml"]);
  expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
  expect(await sizes(r)).toEqual({ "myapp-prod-v000": { desired: 10, up: 10, traffic: 10 } });
}

/** Runs the pipeline without --judge, checks the sizes at the judgment, then judges from another CLI. */
async function judgedInteractively(r: Repo, input: "rollback" | "continue"): Promise<void> {
  const run = startCapstan(r, ["run", "examples/rolling-blue-green.yml"]);
  const id = await waitFor("the judgment", () => waitingExecution(run.out.stdout), 90_000);
  expect(await sizes(r)).toEqual({
    "myapp-prod-v000": { desired: 8, up: 8, traffic: 8 },
    "myapp-prod-v001": { desired: 2, up: 2, traffic: 2 },
  });
  const judged = await capstan(r, ["judge", id, "judge", input]);
  expect(judged.code, judged.stdout + judged.stderr).toBe(0);
  const end = await finished(run);
  expect(end.code, end.stdout + end.stderr).toBe(0);
  expect(end.stdout).toMatch(/SUCCEEDED/);
}

describe("rolling blue/green on the local provider (seed 000)", () => {
  it("judge=rollback: V000 8 + V001 2 at the judgment, then 10 + 0 with V001 destroyed", async () => {
    repo = freshRepo();
    await deployV000(repo);
    await judgedInteractively(repo, "rollback");
    expect(await sizes(repo)).toEqual({ "myapp-prod-v000": { desired: 10, up: 10, traffic: 10 } });
  }, 240_000);

  it("judge=continue: V000 8 + V001 2 at the judgment, then 0 + 10", async () => {
    repo = freshRepo();
    await deployV000(repo);
    await judgedInteractively(repo, "continue");
    expect(await sizes(repo)).toEqual({
      "myapp-prod-v000": { desired: 0, up: 0, traffic: 0 },
      "myapp-prod-v001": { desired: 10, up: 10, traffic: 10 },
    });
  }, 240_000);

  it("--judge judge=rollback and --judge judge=continue end SUCCEEDED with the seed's sizes", async () => {
    repo = freshRepo();
    await deployV000(repo);
    const rollback = await capstan(repo, [
      "run",
      "examples/rolling-blue-green.yml",
      "--judge",
      "judge=rollback",
      "--json",
    ]);
    expect(rollback.code, rollback.stderr).toBe(0);
    const record = JSON.parse(rollback.stdout) as {
      status: string;
      stages: { refId: string; status: string; outputs: Record<string, unknown> }[];
    };
    expect(record.status).toBe("SUCCEEDED");
    const byRef = Object.fromEntries(record.stages.map((s) => [s.refId, s]));
    expect(byRef.green1.outputs["deploy.server.groups"]).toEqual({ local: ["myapp-prod-v001"] });
    // blue1 took V000 from 10 to 8 (its original capacity is an output, as in Orca).
    expect(byRef.blue1.outputs["originalCapacity.myapp-prod-v000"]).toEqual({
      min: 10,
      desired: 10,
      max: 10,
    });
    expect(byRef.rblue1.outputs["originalCapacity.myapp-prod-v000"]).toEqual({ min: 8, desired: 8, max: 8 });
    expect(byRef.rgreen2.outputs["originalCapacity.myapp-prod-v001"]).toEqual({ min: 2, desired: 2, max: 2 });
    expect(byRef.continue.status).toBe("STOPPED");
    expect(byRef.green2.status).toBe("NOT_STARTED");
    expect(await sizes(repo)).toEqual({ "myapp-prod-v000": { desired: 10, up: 10, traffic: 10 } });

    const cont = await capstan(repo, [
      "run",
      "examples/rolling-blue-green.yml",
      "--judge",
      "judge=continue",
      "--json",
    ]);
    expect(cont.code, cont.stderr).toBe(0);
    const record2 = JSON.parse(cont.stdout) as {
      status: string;
      stages: { refId: string; status: string; outputs: Record<string, unknown> }[];
    };
    const byRef2 = Object.fromEntries(record2.stages.map((s) => [s.refId, s]));
    expect(byRef2.blue1.outputs["originalCapacity.myapp-prod-v000"]).toEqual({
      min: 10,
      desired: 10,
      max: 10,
    });
    expect(byRef2.green2.outputs["originalCapacity.myapp-prod-v001"]).toEqual({ min: 2, desired: 2, max: 2 });
    expect(byRef2.blue2.outputs["originalCapacity.myapp-prod-v000"]).toEqual({ min: 8, desired: 8, max: 8 });
    expect(byRef2.rollback.status).toBe("STOPPED");
    expect(await sizes(repo)).toEqual({
      "myapp-prod-v000": { desired: 0, up: 0, traffic: 0 },
      "myapp-prod-v001": { desired: 10, up: 10, traffic: 10 },
    });
  }, 240_000);
});
