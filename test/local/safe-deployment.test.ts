// The seeds' safe-deployment pipeline (004: a judgment with continue/rollback choosing between
// conditional stages, the deploy behind an execution window) run as written in examples/, through
// the real CLI on the local provider, for each judgment input.
import { describe, expect, it } from "vitest";
import { capstan, finished, type Repo, repoPerTest, startCapstan, waitFor } from "./kit.js";

let repo: Repo | undefined;
const freshRepo = repoPerTest();

interface RecordJson {
  status: string;
  stages: { refId: string; status: string; context: { [key: string]: unknown } }[];
}

const statuses = (record: RecordJson) => Object.fromEntries(record.stages.map((s) => [s.refId, s.status]));

describe("examples/safe-deployment.yml on the local provider", () => {
  it("rollback: the deploy is skipped and the Rollback stage runs; the pipeline succeeds", async () => {
    repo = freshRepo();
    const r = await capstan(repo, [
      "run",
      "examples/safe-deployment.yml",
      "--judge",
      "judgment=rollback",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout) as RecordJson;
    expect(record.status).toBe("SUCCEEDED");
    expect(statuses(record)).toEqual({ judgment: "SUCCEEDED", deploy: "SKIPPED", rollback: "SUCCEEDED" });
  });

  it("continue: the deploy runs (its window released if closed) and Rollback is skipped", async () => {
    repo = freshRepo();
    const run = startCapstan(repo, [
      "run",
      "examples/safe-deployment.yml",
      "--judge",
      "judgment=continue",
      "--json",
    ]);
    const out = (run as { out?: { stdout: string; stderr: string } }).out;
    const id = await waitFor("the execution id", () => /execution (\S+) of/.exec(out?.stderr ?? "")?.[1]);
    // Outside Mon-Fri 07:00-18:00 Los Angeles time the deploy waits for its window: release it as
    // a person would (`capstan skip-window`); inside the window the stage is already past it.
    while (run.exitCode === null) {
      if (/deploy: waiting for execution window|SUSPENDED/.test(out?.stderr ?? "")) {
        await capstan(repo, ["skip-window", id, "deploy"], 20_000);
        break;
      }
      if (/deploy: (SUCCEEDED|TERMINAL)/.test(out?.stderr ?? "")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await finished(run, 180_000);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout) as RecordJson;
    expect(statuses(record)).toEqual({ judgment: "SUCCEEDED", deploy: "SUCCEEDED", rollback: "SKIPPED" });
    expect(record.stages.find((s) => s.refId === "deploy")?.context["deploy.server.groups"]).toEqual({
      local: ["app-prod-v000"],
    });
  });
});
