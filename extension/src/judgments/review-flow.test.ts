// The editor's "Review Waiting Judgments" flow without an editor: its UI is a script, GitHub is the
// double (every exchange checked against GitHub's OpenAPI description), and the run is a compiled
// workflow played by the simulator with the bundled action, so the job after the gate shows what
// the approval chose.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GithubClient } from "@capstan/cli/github";
import { compilePipelineText, foldJournal, mergeJournals } from "@capstan/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileArtifactStore } from "../../../action/src/artifacts/file-artifact-store.js";
import { downloadJournals } from "../../../action/src/journals.js";
import { checkExchanges } from "../../../test/github-double/openapi.js";
import { GithubDouble } from "../../../test/github-double/server.js";
import { simulate } from "../../../test/workflow-sim/simulator.js";
import {
  type Decision,
  decisionsFor,
  type JudgmentItem,
  type ReviewUi,
  reviewWaitingJudgment,
} from "./review-flow.js";

const root = new URL("../../../", import.meta.url);
const bundle = process.env.CAPSTAN_SIM_BUNDLE ?? new URL("action/dist/index.js", root).pathname;
const PIPELINE = `name: Deploy
stages:
  - { id: canary, type: wait, duration: 100ms }
  - id: judge
    name: Canary check
    type: manualJudgment
    dependsOn: [canary]
    instructions: Check the canary dashboard, then continue or roll back.
    inputs: [continue, rollback]
    environment: production-approval
  - id: rollout
    type: wait
    duration: 100ms
    dependsOn: [judge]
    if: "\${ #judgment('Canary check') == 'continue' }"
  - id: rollback
    type: wait
    duration: 100ms
    dependsOn: [judge]
    if: "\${ #judgment('Canary check') == 'rollback' }"
`;
const workflow = compilePipelineText(PIPELINE, { pipelineFile: ".capstan/pipelines/deploy.yml" }).workflow!;
const repository = { owner: "acme", repo: "shop" };
let gh: GithubDouble;
let folder: string;

beforeAll(async () => {
  gh = new GithubDouble();
  await gh.start();
  gh.addUser("alice");
  gh.addUser("mallory");
  gh.setEnvironment("production-approval", ["alice"]);
  folder = mkdtempSync(join(tmpdir(), "capstan-ext-review-"));
  mkdirSync(join(folder, ".capstan", "pipelines"), { recursive: true });
  writeFileSync(join(folder, ".capstan", "pipelines", "deploy.yml"), PIPELINE);
});
afterAll(async () => {
  await gh?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** A UI that picks by label and records what it was shown. */
function scripted(choose: { judgment: string; decision: string; comment?: string }) {
  const shown: { items: JudgmentItem[]; decisions: Decision[]; info: string[]; errors: string[] } = {
    items: [],
    decisions: [],
    info: [],
    errors: [],
  };
  const ui: ReviewUi = {
    pickJudgment: async (items) => {
      shown.items = items;
      return items.find((i) => i.label.endsWith(choose.judgment));
    },
    pickDecision: async (_item, decisions) => {
      shown.decisions = decisions;
      return decisions.find((d) => d.label.endsWith(choose.decision));
    },
    comment: async () => choose.comment,
    info: (m) => shown.info.push(m),
    error: (m) => shown.errors.push(m),
  };
  return { ui, shown };
}

describe("Review Waiting Judgments (the editor's flow) against the GitHub double", {
  timeout: 240_000,
}, () => {
  it("lists the waiting judgment, approves it with the input picked, and the next job sees that input", async () => {
    let outcome: Awaited<ReturnType<typeof reviewWaitingJudgment>> | undefined;
    let shown: ReturnType<typeof scripted>["shown"] | undefined;
    const sim = await simulate({
      workflow,
      workspace: folder,
      double: gh,
      bundle,
      event: { name: "workflow_dispatch", payload: {}, inputs: {} },
      answer: async () => {
        const script = scripted({
          judgment: "Canary check",
          decision: "Approve: rollback",
          comment: "from the editor",
        });
        shown = script.shown;
        outcome = await reviewWaitingJudgment(
          { client: new GithubClient({ apiUrl: gh.url, token: "ghp_alice" }), repository, folder },
          script.ui,
        );
        return { action: "external" };
      },
    });
    expect(shown!.errors).toEqual([]);
    expect(shown!.items.map((i) => [i.label, i.detail])).toEqual([
      [
        "$(debug-pause) Canary check",
        "Check the canary dashboard, then continue or roll back. · continue | rollback · environment production-approval",
      ],
    ]);
    expect(shown!.decisions.map((d) => d.label)).toEqual([
      "$(check) Approve: continue",
      "$(check) Approve: rollback",
      "$(close) Reject",
    ]);
    expect(outcome).toEqual({
      kind: "reviewed",
      runId: sim.run.id,
      environment: "production-approval",
      state: "approved",
      input: "rollback",
      comment: "rollback from the editor",
    });
    expect(shown!.info[0]).toContain("approved 'Canary check' with rollback");
    const journals = await downloadJournals(new FileArtifactStore(sim.artifactDir), sim.order);
    const record = foldJournal(mergeJournals(...journals.map((j) => j.events)));
    const stage = (id: string) => record.stages.find((s) => s.refId === id)!;
    expect(stage("judge").context).toMatchObject({ judgmentInput: "rollback", judgedBy: "alice" });
    expect(stage("rollback").status).toBe("SUCCEEDED");
    expect(stage("rollout").status).toBe("SKIPPED");
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("someone who is not a reviewer sees the judgment marked and is refused; nothing waiting says so", async () => {
    const run = gh.createRun({
      name: "Capstan: Deploy",
      path: ".github/workflows/capstan-deploy.yml",
      event: "push",
    });
    run.status = "waiting";
    gh.requestReview(run, "production-approval");
    const mallory = {
      client: new GithubClient({ apiUrl: gh.url, token: "ghp_mallory" }),
      repository,
      folder,
    };
    const script = scripted({ judgment: "Canary check", decision: "Approve: continue" });
    expect(await reviewWaitingJudgment(mallory, script.ui)).toMatchObject({ kind: "refused" });
    expect(script.shown.items[0].label).toBe("$(lock) Canary check");
    expect(script.shown.items[0].description).toContain("you are not a reviewer");
    expect(script.shown.errors[0]).toContain(
      "not a required reviewer of judge (environment production-approval)",
    );
    expect(run.approvals).toEqual([]);

    // Escape at the decision: nothing is sent.
    const alice = { client: new GithubClient({ apiUrl: gh.url, token: "ghp_alice" }), repository, folder };
    const cancel = scripted({ judgment: "Canary check", decision: "nothing like this" });
    expect(await reviewWaitingJudgment(alice, cancel.ui)).toEqual({ kind: "canceled" });
    expect(run.approvals).toEqual([]);

    const reject = scripted({ judgment: "Canary check", decision: "Reject", comment: "" });
    expect(await reviewWaitingJudgment(alice, reject.ui)).toMatchObject({
      kind: "reviewed",
      state: "rejected",
    });
    expect(gh.reviewOutcome(run, "production-approval")).toBe("rejected");
    run.status = "completed";
    const none = scripted({ judgment: "x", decision: "x" });
    expect(await reviewWaitingJudgment(alice, none.ui)).toEqual({ kind: "nothing-waiting" });
    expect(none.shown.info).toEqual(["Capstan: no run of acme/shop waits on a judgment."]);
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("offers approve-and-reject for a judgment without inputs, and only reject for an unknown environment", () => {
    const base = { label: "", description: "", detail: "", run: {} as never };
    const plain = decisionsFor({
      ...base,
      pending: {
        environment: { id: 1, name: "e" },
        canApprove: true,
        reviewers: [],
        judgment: { pipeline: "p", file: "f", stage: "s", name: "s", inputs: [], environment: "e" },
      },
    });
    expect(plain.map((d) => d.label)).toEqual(["$(check) Approve", "$(close) Reject"]);
    const unknown = decisionsFor({
      ...base,
      pending: { environment: { id: 1, name: "e" }, canApprove: true, reviewers: [] },
    });
    expect(unknown.map((d) => d.state)).toEqual(["rejected"]);
  });
});
