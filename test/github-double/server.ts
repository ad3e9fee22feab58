// A double of the GitHub REST endpoints Capstan's action and CLI use, on 127.0.0.1. It is not GitHub:
// it keeps just enough state for those endpoints, and the tests check every request and response it
// serves against GitHub's published OpenAPI description (see openapi.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  environment,
  job,
  publicUser,
  type Repo,
  simpleUser,
  type Team,
  team,
  type User,
  workflowRun,
} from "./objects.js";

type Data = Record<string, unknown>;

/** One request the double served, for validation against the OpenAPI description. */
export interface Exchange {
  method: string;
  /** The OpenAPI path template that matched, e.g. `/repos/{owner}/{repo}/environments`. */
  template: string;
  url: string;
  /** The query string's parameters, checked against the operation's `in: query` parameters. */
  query?: Record<string, string>;
  status: number;
  requestBody?: unknown;
  responseBody?: unknown;
}

interface EnvState {
  id: number;
  name: string;
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: { type: "User" | "Team"; id: number }[];
  created: string;
  updated: string;
}

export interface JobState {
  id: number;
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting";
  conclusion: string | null;
}

export interface RunState {
  id: number;
  name: string;
  path: string;
  event: string;
  sha: string;
  attempt: number;
  status: string;
  conclusion: string | null;
  jobs: JobState[];
  /** Review history (GET approvals), oldest first. */
  approvals: { environments: string[]; state: "approved" | "rejected"; user: string; comment: string }[];
  /** Environments with a job waiting for review. */
  waiting: Set<string>;
}

type Handler = (req: Ctx) => { status: number; body?: unknown };

interface Ctx {
  params: Record<string, string>;
  body: unknown;
  /** The user behind the token; undefined for the workflow's app token. */
  user?: User;
  app: boolean;
  query: URLSearchParams;
}

const NOW = "2024-01-02T12:00:00Z";

export class GithubDouble {
  readonly repo: Repo = { id: 1296269, owner: "acme", name: "shop", private: false };
  /** The token a workflow job gets (GITHUB_TOKEN): a GitHub App installation token. */
  readonly appToken = "ghs_double_app_token";
  readonly exchanges: Exchange[] = [];
  readonly runs = new Map<number, RunState>();
  readonly environments = new Map<string, EnvState>();
  readonly deployments: Data[] = [];
  readonly statuses = new Map<number, Data[]>();
  private readonly users = new Map<string, { user: User; token: string; admin: boolean }>();
  private readonly teams = new Map<string, Team>();
  private readonly routes: {
    method: string;
    template: string;
    regex: RegExp;
    keys: string[];
    handler: Handler;
  }[] = [];
  private server?: Server;
  private nextId = 1000;
  url = "";

  constructor() {
    this.addUser("acme", { admin: true });
    this.route("GET", "/repos/{owner}/{repo}/actions/runs", (c) => this.listRuns(c));
    this.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}", (c) => this.getRun(c));
    this.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs", (c) => this.getJobs(c));
    this.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/approvals", (c) => this.getApprovals(c));
    this.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments", (c) =>
      this.getPending(c),
    );
    this.route("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments", (c) =>
      this.review(c),
    );
    this.route("GET", "/repos/{owner}/{repo}/environments", (c) => this.listEnvironments(c));
    this.route("GET", "/repos/{owner}/{repo}/environments/{environment_name}", (c) => this.getEnvironment(c));
    this.route("PUT", "/repos/{owner}/{repo}/environments/{environment_name}", (c) => this.putEnvironment(c));
    this.route("POST", "/repos/{owner}/{repo}/deployments", (c) => this.createDeployment(c));
    this.route("GET", "/repos/{owner}/{repo}/deployments", () => ({ status: 200, body: this.deployments }));
    this.route("POST", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", (c) =>
      this.createStatus(c),
    );
    this.route("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", (c) => ({
      status: 200,
      body: this.statuses.get(Number(c.params.deployment_id)) ?? [],
    }));
    this.route("GET", "/users/{username}", (c) => this.getUser(c));
    this.route("GET", "/orgs/{org}/teams/{team_slug}", (c) => this.getTeam(c));
  }

  // ---- test control (what GitHub itself would do) -----------------------------------------

  /** A person with a personal access token; admins may change environments. */
  addUser(login: string, options: { admin?: boolean } = {}): { user: User; token: string } {
    const entry = {
      user: { id: this.id(), login, type: "User" as const },
      token: `ghp_${login}`,
      admin: !!options.admin,
    };
    this.users.set(login.toLowerCase(), entry);
    return entry;
  }

  /** The user, created with a token on first use. */
  addUserIfMissing(login: string): { user: User; token: string } {
    return this.userByLogin(login) ?? this.addUser(login);
  }

  addTeam(org: string, slug: string): Team {
    const t = { id: this.id(), org, slug, name: slug };
    this.teams.set(`${org}/${slug}`.toLowerCase(), t);
    return t;
  }

  /** An environment as an admin would set it up in the settings page. */
  setEnvironment(name: string, reviewers: string[] = []): void {
    const existing = this.environments.get(name.toLowerCase());
    this.environments.set(name.toLowerCase(), {
      id: existing?.id ?? this.id(),
      name,
      waitTimer: 0,
      preventSelfReview: false,
      reviewers: reviewers.map((login) => ({ type: "User", id: this.userByLogin(login)!.user.id })),
      created: NOW,
      updated: NOW,
    });
  }

  createRun(init: { name: string; path: string; event: string }): RunState {
    const run: RunState = {
      id: this.id(),
      ...init,
      sha: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
      attempt: 1,
      status: "in_progress",
      conclusion: null,
      jobs: [],
      approvals: [],
      waiting: new Set(),
    };
    this.runs.set(run.id, run);
    return run;
  }

  addJob(run: RunState, name: string): JobState {
    const j: JobState = { id: this.id(), name, status: "queued", conclusion: null };
    run.jobs.push(j);
    return j;
  }

  /** GitHub puts a job referencing a protected environment in `waiting` and asks its reviewers. */
  requestReview(run: RunState, envName: string): void {
    run.waiting.add(envName.toLowerCase());
  }

  /** The outcome of the latest review of an environment in a run, if any. */
  reviewOutcome(run: RunState, envName: string): "approved" | "rejected" | undefined {
    const hits = run.approvals.filter((a) =>
      a.environments.some((e) => e.toLowerCase() === envName.toLowerCase()),
    );
    return hits.at(-1)?.state;
  }

  hasRequiredReviewers(name: string): boolean {
    return (this.environments.get(name.toLowerCase())?.reviewers.length ?? 0) > 0;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify(error(`double failed: ${String(e)}`)));
      });
    });
    // Tests block the event loop for a while (loading GitHub's description); keep idle sockets open.
    this.server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private id(): number {
    return this.nextId++;
  }

  private userByLogin(login: string) {
    return this.users.get(login.toLowerCase());
  }

  private route(method: string, template: string, handler: Handler): void {
    const keys: string[] = [];
    const pattern = template.replace(/\{(\w+)\}/g, (_, key: string) => {
      keys.push(key);
      return "([^/]+)";
    });
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}$`), keys, handler });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const send = (status: number, body: unknown, template = "") => {
      const text = body === undefined ? "" : JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(text);
      this.exchanges.push({
        method,
        template,
        url: url.pathname,
        ...(url.search ? { query: Object.fromEntries(url.searchParams) } : {}),
        status,
        requestBody: raw ? safeJson(raw) : undefined,
        responseBody: body,
      });
    };
    for (const route of this.routes) {
      const m = route.method === method ? route.regex.exec(url.pathname) : null;
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1]);
      });
      const auth = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const user = [...this.users.values()].find((u) => u.token === auth)?.user;
      if (!user && auth !== this.appToken) return send(401, error("Bad credentials"), route.template);
      if ("owner" in params && (params.owner !== this.repo.owner || params.repo !== this.repo.name)) {
        return send(404, error("Not Found"), route.template);
      }
      const result = route.handler({
        params,
        body: raw ? safeJson(raw) : undefined,
        user,
        app: !user,
        query: url.searchParams,
      });
      return send(result.status, result.body, route.template);
    }
    send(404, error(`The double does not serve ${method} ${url.pathname}`));
  }

  private get api() {
    return this.url;
  }
  private get web() {
    return `${this.url}/web`;
  }

  private runOf(c: Ctx): RunState | undefined {
    return this.runs.get(Number(c.params.run_id));
  }

  private owner(): User {
    return this.userByLogin(this.repo.owner)!.user;
  }

  private envObject(e: EnvState, withRules: boolean): Data {
    const rules: Data[] = [];
    if (e.reviewers.length > 0) {
      rules.push({
        id: e.id + 1,
        node_id: Buffer.from(`Gate:${e.id + 1}`).toString("base64"),
        type: "required_reviewers",
        prevent_self_review: e.preventSelfReview,
        reviewers: e.reviewers.map((r) => ({ type: r.type, reviewer: this.reviewerObject(r) })),
      });
    }
    if (e.waitTimer > 0) {
      rules.push({
        id: e.id + 2,
        node_id: Buffer.from(`Gate:${e.id + 2}`).toString("base64"),
        type: "wait_timer",
        wait_timer: e.waitTimer,
      });
    }
    return environment(this.api, this.web, this.repo, {
      id: e.id,
      name: e.name,
      created: e.created,
      updated: e.updated,
      rules: withRules ? rules : undefined,
    });
  }

  private reviewerObject(r: { type: "User" | "Team"; id: number }): Data {
    if (r.type === "Team")
      return team(this.api, this.web, [...this.teams.values()].find((t) => t.id === r.id)!);
    return simpleUser(this.api, this.web, [...this.users.values()].find((u) => u.user.id === r.id)!.user);
  }

  // ---- endpoints ----------------------------------------------------------------------------

  private runObject(run: RunState): Data {
    return workflowRun(this.api, this.web, this.repo, this.owner(), {
      id: run.id,
      name: run.name,
      path: run.path,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      sha: run.sha,
      at: NOW,
      attempt: run.attempt,
    });
  }

  private getRun(c: Ctx) {
    const run = this.runOf(c);
    if (!run) return { status: 404, body: error("Not Found") };
    return { status: 200, body: this.runObject(run) };
  }

  /** The repository's runs, newest first; `status` filters by status or conclusion, as GitHub's does. */
  private listRuns(c: Ctx) {
    const status = c.query.get("status");
    const perPage = Math.min(100, Number(c.query.get("per_page") ?? 30) || 30);
    const runs = [...this.runs.values()]
      .filter((r) => !status || r.status === status || r.conclusion === status)
      .reverse();
    return {
      status: 200,
      body: { total_count: runs.length, workflow_runs: runs.slice(0, perPage).map((r) => this.runObject(r)) },
    };
  }

  private getJobs(c: Ctx) {
    const run = this.runOf(c);
    if (!run) return { status: 404, body: error("Not Found") };
    const jobs = run.jobs.map((j) =>
      job(this.api, this.web, this.repo, {
        id: j.id,
        runId: run.id,
        name: j.name,
        status: j.status,
        conclusion: j.conclusion,
        sha: run.sha,
        workflow: run.name,
        at: NOW,
      }),
    );
    return { status: 200, body: { total_count: jobs.length, jobs } };
  }

  private getApprovals(c: Ctx) {
    const run = this.runOf(c);
    if (!run) return { status: 404, body: error("Not Found") };
    const body = run.approvals.map((a) => ({
      environments: a.environments.map((n) => this.envObject(this.environments.get(n.toLowerCase())!, false)),
      state: a.state,
      user: simpleUser(this.api, this.web, this.userByLogin(a.user)!.user),
      comment: a.comment,
    }));
    return { status: 200, body };
  }

  private getPending(c: Ctx) {
    const run = this.runOf(c);
    if (!run) return { status: 404, body: error("Not Found") };
    const body = [...run.waiting].map((name) => {
      const e = this.environments.get(name)!;
      return {
        environment: {
          id: e.id,
          node_id: Buffer.from(`Environment:${e.id}`).toString("base64"),
          name: e.name,
          url: `${this.api}/repos/${this.repo.owner}/${this.repo.name}/environments/${encodeURIComponent(e.name)}`,
          html_url: `${this.web}/${this.repo.owner}/${this.repo.name}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
        },
        wait_timer: e.waitTimer,
        wait_timer_started_at: NOW,
        current_user_can_approve: c.user
          ? e.reviewers.some((r) => r.type === "User" && r.id === c.user!.id)
          : false,
        reviewers: e.reviewers.map((r) => ({ type: r.type, reviewer: this.reviewerObject(r) })),
      };
    });
    return { status: 200, body };
  }

  /** A required reviewer approves or rejects waiting jobs (GitHub Apps, GITHUB_TOKEN included, may not). */
  private review(c: Ctx) {
    const run = this.runOf(c);
    if (!run) return { status: 404, body: error("Not Found") };
    if (!c.user) return { status: 403, body: error("Resource not accessible by integration") };
    const body = c.body as { environment_ids?: number[]; state?: string; comment?: string };
    const envs = [...this.environments.values()].filter((e) => body.environment_ids?.includes(e.id));
    const waiting = envs.filter((e) => run.waiting.has(e.name.toLowerCase()));
    if (waiting.length === 0 || (body.state !== "approved" && body.state !== "rejected")) {
      return { status: 422, body: error("No pending deployment for these environments") };
    }
    if (!waiting.every((e) => e.reviewers.some((r) => r.type === "User" && r.id === c.user!.id))) {
      return { status: 422, body: error("The user is not a required reviewer") };
    }
    for (const e of waiting) run.waiting.delete(e.name.toLowerCase());
    run.approvals.push({
      environments: waiting.map((e) => e.name),
      state: body.state,
      user: c.user.login,
      comment: body.comment ?? "",
    });
    // GitHub answers with the deployments it created for the approved jobs.
    const created =
      body.state === "approved"
        ? waiting.map((e) => this.deployment(e.name, "deploy", c.user!, {}, "", false))
        : [];
    return { status: 200, body: created };
  }

  private listEnvironments(_c: Ctx) {
    const envs = [...this.environments.values()].map((e) => this.envObject(e, true));
    return { status: 200, body: { total_count: envs.length, environments: envs } };
  }

  private getEnvironment(c: Ctx) {
    const e = this.environments.get(c.params.environment_name.toLowerCase());
    if (!e) return { status: 404, body: error("Not Found") };
    return { status: 200, body: this.envObject(e, true) };
  }

  /** Needs Administration: write (an admin's token); GITHUB_TOKEN cannot. */
  private putEnvironment(c: Ctx) {
    if (!c.user || !this.userByLogin(c.user.login)?.admin) {
      return { status: 403, body: error("Must have admin rights to Repository.") };
    }
    const name = c.params.environment_name;
    if (name.length === 0 || name.length > 255 || /[,;]/.test(name)) {
      return { status: 422, body: error("Invalid environment name") };
    }
    const body = (c.body ?? {}) as {
      wait_timer?: number;
      prevent_self_review?: boolean;
      reviewers?: { type: "User" | "Team"; id: number }[] | null;
    };
    const existing = this.environments.get(name.toLowerCase());
    const state: EnvState = {
      id: existing?.id ?? this.id(),
      name: existing?.name ?? name,
      waitTimer: body.wait_timer ?? existing?.waitTimer ?? 0,
      preventSelfReview: body.prevent_self_review ?? existing?.preventSelfReview ?? false,
      reviewers: body.reviewers === undefined ? (existing?.reviewers ?? []) : (body.reviewers ?? []),
      created: existing?.created ?? NOW,
      updated: NOW,
    };
    this.environments.set(name.toLowerCase(), state);
    return { status: 200, body: this.envObject(state, true) };
  }

  private deployment(
    env: string,
    task: string,
    creator: User,
    payload: unknown,
    description: string,
    transient: boolean,
  ): Data {
    const id = this.id();
    const base = `${this.api}/repos/${this.repo.owner}/${this.repo.name}`;
    const d: Data = {
      url: `${base}/deployments/${id}`,
      id,
      node_id: Buffer.from(`Deployment:${id}`).toString("base64"),
      sha: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
      ref: "main",
      task,
      payload,
      original_environment: env,
      environment: env,
      description,
      creator: simpleUser(this.api, this.web, creator),
      created_at: NOW,
      updated_at: NOW,
      statuses_url: `${base}/deployments/${id}/statuses`,
      repository_url: base,
      transient_environment: transient,
      production_environment: env === "production",
    };
    this.deployments.push(d);
    return d;
  }

  private createDeployment(c: Ctx) {
    const body = (c.body ?? {}) as {
      ref?: string;
      task?: string;
      environment?: string;
      payload?: unknown;
      description?: string;
      transient_environment?: boolean;
    };
    if (!body.ref) return { status: 422, body: error("ref is required") };
    const creator = c.user ?? { id: 41898282, login: "github-actions[bot]", type: "Bot" as const };
    const d = this.deployment(
      body.environment ?? "production",
      body.task ?? "deploy",
      creator,
      body.payload ?? {},
      body.description ?? "",
      body.transient_environment ?? false,
    );
    d.ref = body.ref;
    return { status: 201, body: d };
  }

  private createStatus(c: Ctx) {
    const id = Number(c.params.deployment_id);
    const d = this.deployments.find((x) => x.id === id);
    if (!d) return { status: 404, body: error("Not Found") };
    const body = (c.body ?? {}) as {
      state?: string;
      description?: string;
      log_url?: string;
      environment_url?: string;
      environment?: string;
    };
    const states = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
    if (!body.state || !states.includes(body.state)) return { status: 422, body: error("state is invalid") };
    const sid = this.id();
    const creator = c.user ?? { id: 41898282, login: "github-actions[bot]", type: "Bot" as const };
    const status: Data = {
      url: `${d.url}/statuses/${sid}`,
      id: sid,
      node_id: Buffer.from(`DeploymentStatus:${sid}`).toString("base64"),
      state: body.state,
      creator: simpleUser(this.api, this.web, creator),
      description: (body.description ?? "").slice(0, 140),
      environment: body.environment ?? d.environment,
      target_url: body.log_url ?? "",
      ...(body.log_url ? { log_url: body.log_url } : {}),
      ...(body.environment_url ? { environment_url: body.environment_url } : {}),
      created_at: NOW,
      updated_at: NOW,
      deployment_url: d.url,
      repository_url: d.repository_url,
    };
    this.statuses.set(id, [status, ...(this.statuses.get(id) ?? [])]);
    return { status: 201, body: status };
  }

  private getUser(c: Ctx) {
    const u = this.userByLogin(c.params.username);
    if (!u) return { status: 404, body: error("Not Found") };
    return { status: 200, body: publicUser(this.api, this.web, u.user, NOW) };
  }

  private getTeam(c: Ctx) {
    const t = this.teams.get(`${c.params.org}/${c.params.team_slug}`.toLowerCase());
    if (!t) return { status: 404, body: error("Not Found") };
    return { status: 200, body: team(this.api, this.web, t, true) };
  }
}

function error(message: string): Data {
  return { message, documentation_url: "https://docs.github.com/rest" };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
