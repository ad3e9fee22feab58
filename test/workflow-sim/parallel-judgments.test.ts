import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePipelineText, foldJournal, mergeJournals } from "@capstan/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileArtifactStore } from "../../action/src/artifacts/file-artifact-store.js";
import { downloadJournals } from "../../action/src/journals.js";
import { checkExchanges } from "../github-double/openapi.js";
import { GithubDouble } from "../github-double/server.js";
import { simulate } from "./simulator.js";

const root = new URL("../../", import.meta.url);
const PATH = ".capstan/pipelines/parallel.yml";
const text = readFileSync(new URL("test/workflow-sim/fixtures/parallel-judgments.yml", root), "utf8");
const workflow = compilePipelineText(text, { pipelineFile: PATH }).workflow!;
let gh: GithubDouble;
let workspace: string;

beforeAll(async () => {
  gh = new GithubDouble();
  await gh.start();
  gh.addUser("bob");
  gh.setEnvironment("capstan-parallel-judgments-approve-eu", ["bob"]);
  gh.setEnvironment("us-approvals", ["bob"]);
  workspace = mkdtempSync(join(tmpdir(), "capstan-par-"));
  mkdirSync(join(workspace, ".capstan", "pipelines"), { recursive: true });
  writeFileSync(join(workspace, PATH), text);
});
afterAll(() => gh.stop());

describe("two judgments in parallel and a join below both", { timeout: 240_000 }, () => {
  it("runs each branch in its own job after its approval, then the join, with the secret only where read", async () => {
    const sim = await simulate({
      workflow,
      workspace,
      double: gh,
      bundle: new URL("action/dist/index.js", root).pathname,
      event: { name: "workflow_dispatch", payload: {}, inputs: { region: "us" } },
      secrets: { DEPLOY_TOKEN: "s3cr3t-token" },
      answer: (env) => ({ action: "approve", comment: env === "us-approvals" ? "skip" : "", user: "bob" }),
    });
    expect(Object.fromEntries([...sim.jobs.values()].map((j) => [j.id, j.result]))).toEqual({
      preflight: "success",
      run: "success",
      "gate-approve-eu": "success",
      "gate-approve-us": "success",
      "after-approve-eu": "success",
      "after-approve-us": "success",
      "after-approve-eu-approve-us": "success",
      finalize: "success",
    });
    const journals = await downloadJournals(new FileArtifactStore(sim.artifactDir), sim.order);
    const record = foldJournal(mergeJournals(...journals.map((j) => j.events)));
    expect(record.status).toBe("SUCCEEDED");
    expect(Object.fromEntries(record.stages.map((s) => [s.refId, s.status]))).toEqual({
      build: "SUCCEEDED",
      "approve-eu": "SUCCEEDED",
      "approve-us": "SUCCEEDED",
      eu: "SUCCEEDED",
      us: "SUCCEEDED",
      done: "SUCCEEDED",
    });
    expect(record.parameters).toMatchObject({ region: "us" });
    expect(record.stages.find((s) => s.refId === "approve-us")!.context.judgmentInput).toBe("skip");
    // Each stage ran exactly once across all jobs.
    const starts = journals.flatMap((j) => j.events).filter((e) => e.kind === "stage.started");
    expect(starts.map((e) => (e as { refId: string }).refId).sort()).toEqual(
      ["approve-eu", "approve-us", "build", "done", "eu", "us"].sort(),
    );
    // The action registers the secret as a mask, so the runner hides it in every log.
    expect(sim.jobs.get("after-approve-us")!.log).toContain("***");
    for (const j of sim.jobs.values()) expect(j.log).not.toContain("s3cr3t-token");
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });
});
