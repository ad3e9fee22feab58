import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseInput } from "../../../action/src/judgment-input.js";
import { checkExchanges } from "../../../test/github-double/openapi.js";
import { GithubDouble } from "../../../test/github-double/server.js";
import {
  apiUrlFor,
  approvalComment,
  checkoutJudgments,
  findToken,
  GithubApiError,
  GithubClient,
  getRun,
  type JudgmentInfo,
  judgmentText,
  parseRemoteUrl,
  parseRunReference,
  pendingJudgments,
  reviewPending,
  selectPending,
  waitingJudgments,
} from "./index.js";

describe("runs, remotes and hosts", () => {
  it("reads a run from its page's URL (job and attempt pages too), or a bare id", () => {
    const repository = { owner: "acme", repo: "shop" };
    expect(parseRunReference("https://github.com/acme/shop/actions/runs/123")).toEqual({
      runId: 123,
      repository,
      webOrigin: "https://github.com",
    });
    expect(parseRunReference("https://github.com/acme/shop/actions/runs/123/job/456")?.runId).toBe(123);
    expect(parseRunReference("https://github.com/acme/shop/actions/runs/123/attempts/2")?.runId).toBe(123);
    expect(parseRunReference("https://ghes.example/acme/shop/actions/runs/9")?.webOrigin).toBe(
      "https://ghes.example",
    );
    expect(parseRunReference("http://127.0.0.1:99/web/acme/shop/actions/runs/7")).toEqual({
      runId: 7,
      repository,
      webOrigin: "http://127.0.0.1:99/web",
    });
    expect(parseRunReference("  42 ")).toEqual({ runId: 42 });
    expect(parseRunReference("https://github.com/acme/shop/pull/1")).toBeUndefined();
    expect(parseRunReference("run-42")).toBeUndefined();
  });

  it("reads the repository of every remote form, and the API of a host", () => {
    const repository = { owner: "acme", repo: "shop" };
    const github = { webOrigin: "https://github.com", repository };
    expect(parseRemoteUrl("git@github.com:acme/shop.git")).toEqual(github);
    expect(parseRemoteUrl("https://github.com/acme/shop.git")).toEqual(github);
    expect(parseRemoteUrl("https://github.com/acme/shop")).toEqual(github);
    expect(parseRemoteUrl("ssh://git@github.com/acme/shop.git")).toEqual(github);
    expect(parseRemoteUrl("https://x-access-token:t@github.com/acme/shop.git\n")).toEqual(github);
    expect(parseRemoteUrl("git@ghes.example:acme/shop.git")?.webOrigin).toBe("https://ghes.example");
    expect(apiUrlFor("https://github.com")).toBe("https://api.github.com");
    expect(apiUrlFor("https://ghes.example")).toBe("https://ghes.example/api/v3");
    expect(apiUrlFor("https://octo.ghe.com")).toBe("https://api.octo.ghe.com");
  });

  it("takes GITHUB_TOKEN without starting gh, else gh auth token, else says how to get one", () => {
    const never = (() => {
      throw new Error("gh must not run when GITHUB_TOKEN is set");
    }) as never;
    expect(findToken({ GITHUB_TOKEN: " ghp_x " }, "github.com", never)).toEqual({
      token: "ghp_x",
      source: "GITHUB_TOKEN",
    });
    const calls: string[][] = [];
    const gh = ((cmd: string, args: string[]) => {
      calls.push([cmd, ...args]);
      return { status: 0, stdout: "gho_from_gh\n", stderr: "" };
    }) as never;
    expect(findToken({}, "ghes.example", gh)).toEqual({ token: "gho_from_gh", source: "gh auth token" });
    expect(calls).toEqual([["gh", "auth", "token", "--hostname", "ghes.example"]]);
    const missing = (() => ({
      error: Object.assign(new Error("spawn gh ENOENT"), { code: "ENOENT" }),
    })) as never;
    const none = findToken({}, "github.com", missing);
    expect("error" in none && none.error).toMatch(
      /no GitHub token: GITHUB_TOKEN is not set and the GitHub CLI \(gh\) is not installed\. Set GITHUB_TOKEN .* or sign in with 'gh auth login'/,
    );
    const signedOut = (() => ({
      status: 1,
      stdout: "",
      stderr: "no oauth token found for github.com",
    })) as never;
    const out = findToken({}, "github.com", signedOut);
    expect("error" in out && out.error).toContain("gh auth token: no oauth token found for github.com");
  });
});

const JUDGE: JudgmentInfo = {
  pipeline: "Deploy",
  file: ".capstan/pipelines/deploy.yml",
  stage: "judge",
  name: "judge",
  instructions: "Check the canary dashboard.",
  inputs: ["continue", "rollback"],
  environment: "production-approval",
};

describe("the approval comment", () => {
  it("starts with the input, so the action's judge mode chooses exactly that input", () => {
    for (const [input, note] of [
      ["rollback", "error rate doubled"],
      ["ROLLBACK", ""],
      ["continue", "looks fine: ship it"],
      ["continue", ""],
    ]) {
      const c = approvalComment(JUDGE, input, note);
      expect(c.ok).toBe(true);
      if (!c.ok) continue;
      expect(chooseInput(c.comment, JUDGE.inputs)).toEqual({ ok: true, input: input.toLowerCase() });
    }
    expect(approvalComment(JUDGE, "rollback", " error rate doubled ")).toEqual({
      ok: true,
      input: "rollback",
      comment: "rollback error rate doubled",
    });
  });

  it("refuses an input the judgment does not declare, with a did-you-mean, and a missing one", () => {
    expect(approvalComment(JUDGE, "rollbak")).toEqual({
      ok: false,
      error: "'rollbak' is not an input of 'judge' (inputs: continue, rollback). Did you mean 'rollback'?",
    });
    expect(approvalComment(JUDGE, undefined)).toEqual({
      ok: false,
      error: "give one of the inputs of 'judge': continue, rollback.",
    });
    const spaced = { ...JUDGE, inputs: ["Roll back", "Go"] };
    const r = approvalComment(spaced, "roll back");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("cannot be chosen in an approval comment");
    // Without inputs, a plain approval (the action records continue).
    const plain = { ...JUDGE, inputs: [] };
    expect(approvalComment(plain, undefined, "ok")).toEqual({ ok: true, comment: "ok" });
    expect(approvalComment(plain, "rollback").ok).toBe(false);
  });
});

describe("waiting judgments and reviews against the GitHub double", () => {
  let gh: GithubDouble;
  let root: string;
  beforeAll(async () => {
    gh = new GithubDouble();
    await gh.start();
    gh.addUser("alice");
    gh.addUser("mallory");
    gh.addTeam("acme", "ops");
    gh.setEnvironment("production-approval", ["alice"]);
    gh.setEnvironment("capstan-other-gate", ["alice"]);
    root = mkdtempSync(join(tmpdir(), "capstan-gh-"));
    mkdirSync(join(root, ".capstan", "pipelines"), { recursive: true });
    writeFileSync(
      join(root, ".capstan", "pipelines", "deploy.yml"),
      `name: Deploy
stages:
  - { id: canary, type: wait, duration: 1s }
  - id: judge
    type: manualJudgment
    dependsOn: [canary]
    instructions: Check the canary dashboard, then continue or roll back.
    inputs: [continue, rollback]
    environment: production-approval
`,
    );
    writeFileSync(
      join(root, ".capstan", "pipelines", "other.yml"),
      "name: Other\nstages:\n  - { id: gate, name: The gate, type: manualJudgment }\n",
    );
  });
  afterAll(() => gh.stop());

  it("lists the runs waiting on a judgment with the judgment each environment gates", async () => {
    const judgments = checkoutJudgments(root);
    expect(judgments.map((j) => [j.pipeline, j.stage, j.environment])).toEqual([
      ["Deploy", "judge", "production-approval"],
      ["Other", "gate", "capstan-other-gate"],
    ]);
    const done = gh.createRun({
      name: "Capstan: Deploy",
      path: ".github/workflows/capstan-deploy.yml",
      event: "push",
    });
    done.status = "completed";
    const run = gh.createRun({
      name: "Capstan: Deploy",
      path: ".github/workflows/capstan-deploy.yml",
      event: "workflow_dispatch",
    });
    run.status = "waiting";
    gh.requestReview(run, "production-approval");
    const alice = new GithubClient({ apiUrl: gh.url, token: "ghp_alice" });
    const waiting = await waitingJudgments(alice, { owner: "acme", repo: "shop" }, judgments);
    expect(waiting.map((w) => w.run.id)).toEqual([run.id]);
    const [p] = waiting[0].pending;
    expect(p).toMatchObject({ canApprove: true, reviewers: ["alice"], judgment: { stage: "judge" } });
    expect(judgmentText(waiting[0].run, p)).toEqual([
      "Judgment 'judge' of pipeline 'Deploy', environment production-approval",
      `  run ${run.id} Capstan: Deploy on main: ${gh.url}/web/acme/shop/actions/runs/${run.id}`,
      "  Check the canary dashboard, then continue or roll back.",
      "  Inputs: continue, rollback (approve with one; an empty comment would choose continue); reject to stop.",
      "  You are a required reviewer.",
    ]);

    // A typo in the judgment's name.
    const info = await getRun(alice, { owner: "acme", repo: "shop" }, run.id);
    const typo = selectPending(info, waiting[0].pending, "jugde");
    expect(typo).toEqual({
      ok: false,
      error: `run ${run.id} (Capstan: Deploy) has no judgment 'jugde' waiting; it waits on judge (environment production-approval). Did you mean 'judge'?`,
    });
    const byEnv = selectPending(info, waiting[0].pending, "Production-Approval");
    expect(byEnv.ok && byEnv.pending.environment.name).toBe("production-approval");

    // Someone who is not a reviewer sees it, and cannot approve.
    const mallory = new GithubClient({ apiUrl: gh.url, token: "ghp_mallory" });
    const theirs = await pendingJudgments(mallory, { owner: "acme", repo: "shop" }, info, judgments);
    expect(theirs[0].canApprove).toBe(false);
    expect(judgmentText(info, theirs[0]).at(-1)).toBe(
      "  You are not a required reviewer (reviewers: alice).",
    );

    const comment = approvalComment(p.judgment!, "rollback", "error rate doubled");
    if (!comment.ok) throw new Error(comment.error);
    await reviewPending(
      alice,
      { owner: "acme", repo: "shop" },
      run.id,
      [p.environment.id],
      "approved",
      comment.comment,
    );
    expect(run.approvals).toEqual([
      {
        environments: ["production-approval"],
        state: "approved",
        user: "alice",
        comment: "rollback error rate doubled",
      },
    ]);
    expect(gh.reviewOutcome(run, "production-approval")).toBe("approved");
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("says what to do when GitHub refuses a review", async () => {
    const run = gh.createRun({
      name: "Capstan: Other",
      path: ".github/workflows/capstan-other.yml",
      event: "push",
    });
    gh.requestReview(run, "capstan-other-gate");
    const app = new GithubClient({ apiUrl: gh.url, token: gh.appToken });
    const env = gh.environments.get("capstan-other-gate")!.id;
    const refused = reviewPending(app, { owner: "acme", repo: "shop" }, run.id, [env], "approved", "");
    await expect(refused).rejects.toBeInstanceOf(GithubApiError);
    await expect(refused).rejects.toThrow(/A GitHub App token .* cannot review deployments/);
    const bad = new GithubClient({ apiUrl: gh.url, token: "ghp_nobody" });
    await expect(getRun(bad, { owner: "acme", repo: "shop" }, run.id)).rejects.toMatchObject({ status: 401 });
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });
});
