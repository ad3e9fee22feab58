// `capstan approve` and `capstan reject` against the GitHub double while a compiled workflow waits on
// a judgment's gate: the CLI reviews through the pending-deployments API as a required reviewer
// would, and the gate job (the bundled action's judge mode) and the job after it see the input.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePipelineText, foldJournal, mergeJournals } from "@capstan/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileArtifactStore } from "../../action/src/artifacts/file-artifact-store.js";
import { downloadJournals } from "../../action/src/journals.js";
import type { CliIo } from "../../cli/src/io.js";
import { main } from "../../cli/src/main.js";
import { checkExchanges } from "../github-double/openapi.js";
import { GithubDouble, type RunState } from "../github-double/server.js";
import { simulate } from "./simulator.js";

const root = new URL("../../", import.meta.url);
const bundle = process.env.CAPSTAN_SIM_BUNDLE ?? new URL("action/dist/index.js", root).pathname;
const PIPELINE_PATH = ".capstan/pipelines/deploy.yml";
const DEPLOY = `name: Deploy
stages:
  - { id: canary, type: wait, duration: 100ms }
  - id: judge
    type: manualJudgment
    dependsOn: [canary]
    instructions: Check the canary dashboard, then continue or roll back.
    inputs: [continue, rollback]
    environment: production-approval
  - id: rollout
    type: wait
    duration: 100ms
    dependsOn: [judge]
    if: "\${ #judgment('judge') == 'continue' }"
  - id: rollback
    type: wait
    duration: 100ms
    dependsOn: [judge]
    if: "\${ #judgment('judge') == 'rollback' }"
`;

let gh: GithubDouble;
let workspace: string;
const workflow = compilePipelineText(DEPLOY, { pipelineFile: PIPELINE_PATH }).workflow!;

beforeAll(async () => {
  gh = new GithubDouble();
  await gh.start();
  gh.addUser("alice");
  gh.addUser("mallory");
  gh.setEnvironment("production-approval", ["alice"]);
  // The reviewer's checkout: the pipeline, its compiled workflow, origin on GitHub.
  workspace = mkdtempSync(join(tmpdir(), "capstan-approve-"));
  mkdirSync(join(workspace, ".capstan", "pipelines"), { recursive: true });
  mkdirSync(join(workspace, ".github", "workflows"), { recursive: true });
  writeFileSync(join(workspace, PIPELINE_PATH), DEPLOY);
  writeFileSync(join(workspace, ".github", "workflows", "capstan-deploy.yml"), workflow);
  execFileSync("git", ["init", "-q"], { cwd: workspace });
  execFileSync("git", ["remote", "add", "origin", "git@github.com:acme/shop.git"], { cwd: workspace });
});
afterAll(async () => {
  await gh?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

/** `capstan …` in the reviewer's checkout, with their token, against the double. */
async function capstan(args: string[], env: NodeJS.ProcessEnv = { GITHUB_TOKEN: "ghp_alice" }) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: workspace,
    env: { PATH: process.env.PATH, GITHUB_API_URL: gh.url, ...env },
    isTTY: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const runUrl = (run: RunState) => `${gh.url}/web/acme/shop/actions/runs/${run.id}`;

async function record(artifactDir: string, order: string[]) {
  const journals = await downloadJournals(new FileArtifactStore(artifactDir), order);
  return foldJournal(mergeJournals(...journals.map((j) => j.events)));
}

describe("capstan approve / reject against the GitHub double", { timeout: 240_000 }, () => {
  it("approves the waiting judgment with an input; the gate job records it and the next job takes its branch", async () => {
    const seen: Record<string, { code: number; stdout: string; stderr: string }> = {};
    const sim = await simulate({
      workflow,
      workspace,
      double: gh,
      bundle,
      event: { name: "workflow_dispatch", payload: {}, inputs: {} },
      answer: async (environment, _job, run) => {
        expect(environment).toBe("production-approval");
        // Typos are refused before anything is sent, with a did-you-mean.
        seen.input = await capstan(["approve", runUrl(run), "judge", "rollbak"]);
        seen.judgment = await capstan(["approve", runUrl(run), "jugde", "rollback"]);
        // Someone who is not a required reviewer is told so.
        seen.mallory = await capstan(["approve", runUrl(run), "judge", "rollback"], {
          GITHUB_TOKEN: "ghp_mallory",
        });
        expect(run.approvals).toEqual([]);
        seen.approve = await capstan([
          "approve",
          runUrl(run),
          "judge",
          "rollback",
          "--comment",
          "error rate doubled",
        ]);
        return { action: "external" };
      },
    });

    expect(seen.input.code).toBe(2);
    expect(seen.input.stderr).toContain(
      "'rollbak' is not an input of 'judge' (inputs: continue, rollback). Did you mean 'rollback'? Nothing was sent.",
    );
    // The instructions and inputs came first.
    expect(seen.input.stdout).toContain("Check the canary dashboard, then continue or roll back.");
    expect(seen.judgment.code).toBe(1);
    expect(seen.judgment.stderr).toContain("has no judgment 'jugde' waiting");
    expect(seen.judgment.stderr).toContain("Did you mean 'judge'?");
    expect(seen.mallory.code).toBe(1);
    expect(seen.mallory.stderr).toContain(
      "not a required reviewer of environment production-approval (reviewers: alice)",
    );

    expect(seen.approve.stderr).toBe("");
    expect(seen.approve.code).toBe(0);
    const out = seen.approve.stdout;
    expect(out.indexOf("Check the canary dashboard")).toBeGreaterThan(-1);
    expect(out.indexOf("Inputs: continue, rollback")).toBeLessThan(
      out.indexOf("✓ approved 'judge' with rollback"),
    );
    expect(sim.run.approvals).toEqual([
      {
        environments: ["production-approval"],
        state: "approved",
        user: "alice",
        comment: "rollback error rate doubled",
      },
    ]);

    // The gate job read the approval and recorded the input; the next job took the rollback branch.
    const jobs = Object.fromEntries([...sim.jobs.values()].map((j) => [j.id, j.result]));
    expect(jobs).toMatchObject({
      run: "success",
      "gate-judge": "success",
      "after-judge": "success",
      finalize: "success",
    });
    expect(sim.jobs.get("gate-judge")!.log).toContain("alice chose 'rollback'");
    const r = await record(sim.artifactDir, sim.order);
    const stage = (id: string) => r.stages.find((s) => s.refId === id)!;
    expect(stage("judge").context).toMatchObject({ judgmentStatus: "continue", judgmentInput: "rollback" });
    expect(stage("rollback").status).toBe("SUCCEEDED");
    expect(stage("rollout").status).toBe("SKIPPED");
    expect(r.status).toBe("SUCCEEDED");
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("rejects by run id, the repository from the checkout's origin; the pipeline stops at the judgment", async () => {
    const seen: Record<string, { code: number; stdout: string; stderr: string }> = {};
    const sim = await simulate({
      workflow,
      workspace,
      double: gh,
      bundle,
      event: { name: "workflow_dispatch", payload: {}, inputs: {} },
      answer: async (_environment, _job, run) => {
        seen.reject = await capstan(["reject", String(run.id), "judge", "--comment", "not today"]);
        return { action: "external" };
      },
    });
    expect(seen.reject.stderr).toBe("");
    expect(seen.reject.code).toBe(0);
    expect(seen.reject.stdout).toContain("✓ rejected 'judge'");
    expect(sim.run.approvals).toEqual([
      { environments: ["production-approval"], state: "rejected", user: "alice", comment: "not today" },
    ]);
    expect(sim.jobs.get("gate-judge")!.result).toBe("failure");
    expect(sim.jobs.get("after-judge")!.result).toBe("skipped");
    const r = await record(sim.artifactDir, sim.order);
    expect(r.stages.find((s) => s.refId === "judge")!.status).toBe("TERMINAL");
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("says how to get a token when neither GITHUB_TOKEN nor gh gives one", async () => {
    const run = gh.createRun({
      name: "Capstan: Deploy",
      path: ".github/workflows/capstan-deploy.yml",
      event: "push",
    });
    const r = await capstan(["approve", runUrl(run), "judge", "continue"], {
      GITHUB_TOKEN: "",
      PATH: "/nonexistent",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "no GitHub token: GITHUB_TOKEN is not set and the GitHub CLI (gh) is not installed",
    );
  });

  it("a run that waits on nothing says so", async () => {
    const run = gh.createRun({
      name: "Capstan: Deploy",
      path: ".github/workflows/capstan-deploy.yml",
      event: "push",
    });
    run.status = "completed";
    const r = await capstan(["approve", runUrl(run), "judge", "continue"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `run ${run.id} (Capstan: Deploy) is not waiting for a judgment (status: completed).`,
    );
  });
});
