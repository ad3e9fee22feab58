import type { RunContext } from "./context.js";

/** One entry of a run's review history (GET /actions/runs/{run_id}/approvals). */
export interface Review {
  environments: string[];
  state: "approved" | "rejected" | "pending";
  user: string;
  comment: string;
}

/** The GitHub REST calls the action makes. */
export interface GithubApi {
  reviews(runId: number): Promise<Review[]>;
  /** The environment's protection, or undefined when it does not exist. */
  environment(name: string): Promise<{ name: string; reviewers: string[] } | undefined>;
  createDeployment(request: {
    ref: string;
    environment: string;
    description: string;
    payload: Record<string, unknown>;
  }): Promise<number>;
  createDeploymentStatus(
    id: number,
    status: { state: "success" | "failure" | "error" | "inactive"; description: string; logUrl: string },
  ): Promise<void>;
}

type Octokit = ReturnType<typeof import("@actions/github").getOctokit>;

/** The REST API through @actions/github's Octokit (GITHUB_API_URL points it at GHES or a double). */
export class OctokitGithubApi implements GithubApi {
  private octokit?: Promise<Octokit>;

  constructor(
    private readonly token: string,
    private readonly ctx: RunContext,
  ) {}

  private client(): Promise<Octokit> {
    this.octokit ??= import("@actions/github").then((m) =>
      m.getOctokit(this.token, { baseUrl: this.ctx.apiUrl }),
    );
    return this.octokit;
  }

  private get repo() {
    return { owner: this.ctx.owner, repo: this.ctx.repo };
  }

  async reviews(runId: number): Promise<Review[]> {
    const { data } = await (await this.client()).rest.actions.getReviewsForRun({
      ...this.repo,
      run_id: runId,
    });
    return data.map((r) => ({
      environments: r.environments.map((e) => e.name ?? ""),
      state: r.state,
      user: r.user.login,
      comment: r.comment,
    }));
  }

  async environment(name: string): Promise<{ name: string; reviewers: string[] } | undefined> {
    try {
      const { data } = await (await this.client()).rest.repos.getEnvironment({
        ...this.repo,
        environment_name: name,
      });
      const reviewers: string[] = [];
      for (const rule of data.protection_rules ?? []) {
        if (rule.type !== "required_reviewers" || !("reviewers" in rule)) continue;
        for (const r of rule.reviewers ?? []) {
          const who = r.reviewer as { login?: string; slug?: string } | undefined;
          reviewers.push(who?.login ?? (who?.slug ? `team:${who.slug}` : "?"));
        }
      }
      return { name: data.name, reviewers };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async createDeployment(request: {
    ref: string;
    environment: string;
    description: string;
    payload: Record<string, unknown>;
  }): Promise<number> {
    const { data } = await (await this.client()).rest.repos.createDeployment({
      ...this.repo,
      ref: request.ref,
      environment: request.environment,
      description: request.description,
      payload: request.payload,
      // A record of what the pipeline did, not a request to deploy: no merge, no status checks.
      auto_merge: false,
      required_contexts: [],
      task: "deploy",
    });
    return (data as { id: number }).id;
  }

  async createDeploymentStatus(
    id: number,
    status: { state: "success" | "failure" | "error" | "inactive"; description: string; logUrl: string },
  ): Promise<void> {
    await (await this.client()).rest.repos.createDeploymentStatus({
      ...this.repo,
      deployment_id: id,
      state: status.state,
      description: status.description.slice(0, 140),
      log_url: status.logUrl,
      auto_inactive: false,
    });
  }
}
