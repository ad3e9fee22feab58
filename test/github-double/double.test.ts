import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkExchange, checkExchanges, githubDescription } from "./openapi.js";
import { GithubDouble } from "./server.js";

let gh: GithubDouble;
const repo = { owner: "acme", repo: "shop" };

beforeAll(async () => {
  gh = new GithubDouble();
  await gh.start();
});
afterAll(() => gh.stop());

const client = (token: string) => getOctokit(token, { baseUrl: gh.url });

describe("the GitHub double", () => {
  it("serves environments, reviews, approvals, runs, jobs and deployments as GitHub describes them", async () => {
    const admin = client("ghp_acme");
    const alice = gh.addUser("alice");
    gh.addTeam("acme", "ops");
    await admin.rest.users.getByUsername({ username: "alice" });
    await admin.rest.teams.getByName({ org: "acme", team_slug: "ops" });
    const put = await admin.rest.repos.createOrUpdateEnvironment({
      ...repo,
      environment_name: "production/judgment",
      reviewers: [{ type: "User", id: alice.user.id }],
      prevent_self_review: false,
    });
    expect(put.data.protection_rules?.[0]).toMatchObject({ type: "required_reviewers" });
    const app = client(gh.appToken);
    const env = await app.rest.repos.getEnvironment({ ...repo, environment_name: "production/judgment" });
    expect(env.data.name).toBe("production/judgment");
    await app.rest.repos.getAllEnvironments(repo);

    const run = gh.createRun({
      name: "Capstan: x",
      path: ".github/workflows/capstan-x.yml",
      event: "workflow_dispatch",
    });
    gh.addJob(run, "run");
    await app.rest.actions.getWorkflowRun({ ...repo, run_id: run.id });
    await app.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id });
    gh.requestReview(run, "production/judgment");
    const pending = await client(alice.token).rest.actions.getPendingDeploymentsForRun({
      ...repo,
      run_id: run.id,
    });
    expect(pending.data[0].current_user_can_approve).toBe(true);
    await client(alice.token).rest.actions.reviewPendingDeploymentsForRun({
      ...repo,
      run_id: run.id,
      environment_ids: [env.data.id],
      state: "approved",
      comment: "rollback because the error rate doubled",
    });
    const approvals = await app.rest.actions.getReviewsForRun({ ...repo, run_id: run.id });
    expect(approvals.data).toMatchObject([
      { state: "approved", user: { login: "alice" }, comment: "rollback because the error rate doubled" },
    ]);

    const d = await app.rest.repos.createDeployment({
      ...repo,
      ref: "main",
      environment: "myapp-prod",
      auto_merge: false,
      required_contexts: [],
      payload: { serverGroup: "myapp-prod-v001" },
      description: "rolling-blue-green: green1",
    });
    const id = (d.data as { id: number }).id;
    await app.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state: "success",
      description: "SUCCEEDED",
      log_url: `${gh.url}/web/acme/shop/actions/runs/1`,
    });
    await app.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
    await app.rest.repos.listDeployments(repo);

    expect(gh.exchanges.length).toBeGreaterThanOrEqual(14);
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("refuses what GitHub refuses: reviews by the workflow token, environment changes without admin", async () => {
    const run = gh.createRun({ name: "r", path: "p", event: "push" });
    const app = client(gh.appToken);
    await expect(
      app.rest.actions.reviewPendingDeploymentsForRun({
        ...repo,
        run_id: run.id,
        environment_ids: [1],
        state: "approved",
        comment: "",
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      app.rest.repos.createOrUpdateEnvironment({ ...repo, environment_name: "x" }),
    ).rejects.toMatchObject({
      status: 403,
    });
  });

  it("the description check rejects what GitHub would not send or accept", () => {
    expect(githubDescription().info.version).toMatch(/^\d+\./);
    // A review entry without its required comment.
    const bad = checkExchange({
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}/approvals",
      url: "/x",
      status: 200,
      responseBody: [{ environments: [], state: "approved", user: { login: "a" } }],
    });
    expect(bad.join("\n")).toMatch(/comment/);
    // A review with a state that does not exist.
    const state = checkExchange({
      method: "POST",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments",
      url: "/x",
      status: 200,
      requestBody: { environment_ids: [1], state: "maybe", comment: "" },
      responseBody: [],
    });
    expect(state.join("\n")).toMatch(/request body/);
    // A query parameter outside its enum, and one the operation does not take.
    const query = checkExchange({
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/runs",
      url: "/x",
      query: { status: "maybe", per_page: "50", colour: "red" },
      status: 200,
      responseBody: { total_count: 0, workflow_runs: [] },
    });
    expect(query.join("\n")).toMatch(/query parameter 'status=maybe'/);
    expect(query.join("\n")).toMatch(/query parameter 'colour' is not a parameter/);
    expect(query.join("\n")).not.toMatch(/per_page/);
    // An error body that is not GitHub's basic-error.
    const err = checkExchange({
      method: "POST",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments",
      url: "/x",
      status: 403,
      requestBody: { environment_ids: [1], state: "approved", comment: "" },
      responseBody: { message: 42 },
    });
    expect(err.join("\n")).toMatch(/403 body/);
    // An environment setting the body does not allow.
    const put = checkExchange({
      method: "PUT",
      template: "/repos/{owner}/{repo}/environments/{environment_name}",
      url: "/x",
      status: 200,
      requestBody: { can_admins_bypass: false },
      responseBody: {},
    });
    expect(put.join("\n")).toMatch(/request body/);
  });
});
