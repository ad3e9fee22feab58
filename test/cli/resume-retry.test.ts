// After a crash, an interrupted non-retryable `run` stage has a way on (issue 17 item 10):
// `capstan resume EXECUTION --retry STAGE`, when a person decides running it again is safe.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, capstan, cleanup, makeRepo, type Repo, startCapstan, waitFor } from "../local/kit.js";

const PIPELINE = `name: retry-me
stages:
  - id: slow
    type: run
    command: "echo started >> marks; while [ ! -f go ]; do sleep 0.1; done"
  - id: after
    type: run
    dependsOn: [slow]
    command: "echo after >> marks"
`;

const repos: Repo[] = [];
beforeAll(() => buildCli(), 180_000);
afterAll(async () => {
  for (const r of repos) {
    // Let any command left waiting by a killed run end.
    writeFileSync(join(r.dir, "go"), "");
    await cleanup(r);
  }
});

const marks = (repo: Repo) =>
  existsSync(join(repo.dir, "marks"))
    ? readFileSync(join(repo.dir, "marks"), "utf8").split("\n").filter(Boolean)
    : [];

/** Starts the pipeline and SIGKILLs `capstan run` while `slow` runs; returns the execution id. */
async function crashed(): Promise<{ repo: Repo; id: string }> {
  const repo = makeRepo();
  repos.push(repo);
  writeFileSync(join(repo.dir, "retry.yml"), PIPELINE);
  const run = startCapstan(repo, ["run", "retry.yml"]);
  await waitFor("slow to start", () => marks(repo).includes("started"), 30_000);
  run.kill("SIGKILL");
  await new Promise((r) => run.once("exit", r));
  const [id] = readdirSync(join(repo.dir, ".capstan", "executions"));
  return { repo, id };
}

describe("capstan resume --retry", { timeout: 120_000 }, () => {
  it("an ended TERMINAL 'interrupted' stage says how to go on, and --retry runs it and what follows", async () => {
    const { repo, id } = await crashed();
    const resumed = await capstan(repo, ["resume", id, "--json"]);
    expect(resumed.code).toBe(1);
    const ended = JSON.parse(resumed.stdout) as {
      status: string;
      stages: { refId: string; error?: string }[];
    };
    expect(ended.status).toBe("TERMINAL");
    const slow = ended.stages.find((s) => s.refId === "slow")!;
    expect(slow.error).toMatch(/^interrupted/);
    expect(slow.error).toContain(`capstan resume ${id} --retry slow`);

    writeFileSync(join(repo.dir, "go"), "");
    const retried = await capstan(repo, ["resume", id, "--retry", "slow", "--json"]);
    expect(retried.code, retried.stderr).toBe(0);
    const record = JSON.parse(retried.stdout) as {
      status: string;
      stages: { refId: string; status: string }[];
    };
    expect(record.status).toBe("SUCCEEDED");
    expect(record.stages.map((s) => s.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(marks(repo)).toEqual(["started", "started", "after"]);
    // The journal says who decided to run it again.
    expect(readFileSync(join(repo.dir, ".capstan", "executions", id, "journal.jsonl"), "utf8")).toMatch(
      /"kind":"stage.restarted","refId":"slow","user":"tester"/,
    );
  });

  it("on an execution still left running by the crash, --retry runs the stage again at once", async () => {
    const { repo, id } = await crashed();
    writeFileSync(join(repo.dir, "go"), "");
    const retried = await capstan(repo, ["resume", id, "--retry", "slow", "--json"]);
    expect(retried.code, retried.stderr).toBe(0);
    expect((JSON.parse(retried.stdout) as { status: string }).status).toBe("SUCCEEDED");
    expect(marks(repo)).toEqual(["started", "started", "after"]);
  });

  it("refuses a stage that was not interrupted, before changing anything", async () => {
    const { repo, id } = await crashed();
    const wrong = await capstan(repo, ["resume", id, "--retry", "after"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("'after' is NOT_STARTED");
    const unknown = await capstan(repo, ["resume", id, "--retry", "slw"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Did you mean 'slow'?");
  });
});
