// Builders for the JSON objects GitHub's REST API returns, shaped as its published description says
// (the tests validate every response against it). URLs point at the double's own base URL.

type Data = Record<string, unknown>;

export interface Repo {
  id: number;
  owner: string;
  name: string;
  private: boolean;
}

export interface User {
  id: number;
  login: string;
  type: "User" | "Bot";
}

export interface Team {
  id: number;
  org: string;
  slug: string;
  name: string;
}

const nodeId = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString("base64");

/** `simple-user` */
export function simpleUser(api: string, web: string, u: User): Data {
  const login = encodeURIComponent(u.login);
  const url = `${api}/users/${login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId("User", u.id),
    avatar_url: `${web}/${login}.png`,
    gravatar_id: "",
    url,
    html_url: `${web}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

/** `public-user` (GET /users/{username}) */
export function publicUser(api: string, web: string, u: User, created: string): Data {
  return {
    ...simpleUser(api, web, u),
    name: u.login,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: created,
    updated_at: created,
  };
}

/** `team` (reviewer entries) and the fields `team-full` adds. */
export function team(api: string, web: string, t: Team, full = false): Data {
  const url = `${api}/orgs/${t.org}/teams/${t.slug}`;
  const base: Data = {
    id: t.id,
    node_id: nodeId("Team", t.id),
    url,
    html_url: `${web}/orgs/${t.org}/teams/${t.slug}`,
    name: t.name,
    slug: t.slug,
    description: null,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    permission: "pull",
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    type: "organization",
  };
  if (!full) return base;
  return {
    ...base,
    members_count: 1,
    repos_count: 1,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    organization: organization(api, web, t.org),
  };
}

function organization(api: string, web: string, login: string): Data {
  const url = `${api}/orgs/${login}`;
  return {
    login,
    id: 4242,
    node_id: nodeId("Organization", 4242),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `${web}/${login}.png`,
    description: null,
    html_url: `${web}/${login}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    archived_at: null,
    type: "Organization",
  };
}

const REPO_URLS: [string, string][] = [
  ["archive_url", "/{archive_format}{/ref}"],
  ["assignees_url", "/assignees{/user}"],
  ["blobs_url", "/git/blobs{/sha}"],
  ["branches_url", "/branches{/branch}"],
  ["collaborators_url", "/collaborators{/collaborator}"],
  ["comments_url", "/comments{/number}"],
  ["commits_url", "/commits{/sha}"],
  ["compare_url", "/compare/{base}...{head}"],
  ["contents_url", "/contents/{+path}"],
  ["contributors_url", "/contributors"],
  ["deployments_url", "/deployments"],
  ["downloads_url", "/downloads"],
  ["events_url", "/events"],
  ["forks_url", "/forks"],
  ["git_commits_url", "/git/commits{/sha}"],
  ["git_refs_url", "/git/refs{/sha}"],
  ["git_tags_url", "/git/tags{/sha}"],
  ["hooks_url", "/hooks"],
  ["issue_comment_url", "/issues/comments{/number}"],
  ["issue_events_url", "/issues/events{/number}"],
  ["issues_url", "/issues{/number}"],
  ["keys_url", "/keys{/key_id}"],
  ["labels_url", "/labels{/name}"],
  ["languages_url", "/languages"],
  ["merges_url", "/merges"],
  ["milestones_url", "/milestones{/number}"],
  ["notifications_url", "/notifications{?since,all,participating}"],
  ["pulls_url", "/pulls{/number}"],
  ["releases_url", "/releases{/id}"],
  ["stargazers_url", "/stargazers"],
  ["statuses_url", "/statuses/{sha}"],
  ["subscribers_url", "/subscribers"],
  ["subscription_url", "/subscription"],
  ["tags_url", "/tags"],
  ["teams_url", "/teams"],
  ["trees_url", "/git/trees{/sha}"],
];

/** `minimal-repository` */
export function minimalRepository(api: string, web: string, repo: Repo, owner: User): Data {
  const url = `${api}/repos/${repo.owner}/${repo.name}`;
  const data: Data = {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: simpleUser(api, web, owner),
    private: repo.private,
    html_url: `${web}/${repo.owner}/${repo.name}`,
    description: null,
    fork: false,
    url,
  };
  for (const [key, suffix] of REPO_URLS) data[key] = `${url}${suffix}`;
  return data;
}

/** `environment` */
export function environment(
  api: string,
  web: string,
  repo: Repo,
  env: { id: number; name: string; created: string; updated: string; rules?: Data[] },
): Data {
  const data: Data = {
    id: env.id,
    node_id: nodeId("Environment", env.id),
    name: env.name,
    url: `${api}/repos/${repo.owner}/${repo.name}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${web}/${repo.owner}/${repo.name}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: env.created,
    updated_at: env.updated,
  };
  if (env.rules) {
    data.protection_rules = env.rules;
    data.deployment_branch_policy = null;
  }
  return data;
}

/** `job` (GET /actions/runs/{run_id}/jobs) */
export function job(
  api: string,
  web: string,
  repo: Repo,
  j: {
    id: number;
    runId: number;
    name: string;
    status: string;
    conclusion: string | null;
    sha: string;
    workflow: string;
    at: string;
  },
): Data {
  const base = `${api}/repos/${repo.owner}/${repo.name}`;
  const done = j.status === "completed";
  return {
    id: j.id,
    run_id: j.runId,
    run_url: `${base}/actions/runs/${j.runId}`,
    run_attempt: 1,
    node_id: nodeId("Job", j.id),
    head_sha: j.sha,
    url: `${base}/actions/jobs/${j.id}`,
    html_url: `${web}/${repo.owner}/${repo.name}/actions/runs/${j.runId}/job/${j.id}`,
    status: j.status,
    conclusion: j.conclusion,
    created_at: j.at,
    started_at: j.at,
    completed_at: done ? j.at : null,
    name: j.name,
    steps: [],
    check_run_url: `${base}/check-runs/${j.id}`,
    labels: ["ubuntu-latest"],
    runner_id: done ? 1 : null,
    runner_name: done ? "double-runner" : null,
    runner_group_id: done ? 1 : null,
    runner_group_name: done ? "Default" : null,
    workflow_name: j.workflow,
    head_branch: "main",
  };
}

/** `workflow-run` (GET /actions/runs/{run_id}) */
export function workflowRun(
  api: string,
  web: string,
  repo: Repo,
  owner: User,
  r: {
    id: number;
    name: string;
    path: string;
    event: string;
    status: string;
    conclusion: string | null;
    sha: string;
    at: string;
    attempt: number;
  },
): Data {
  const base = `${api}/repos/${repo.owner}/${repo.name}`;
  const repository = minimalRepository(api, web, repo, owner);
  return {
    id: r.id,
    name: r.name,
    node_id: nodeId("WorkflowRun", r.id),
    head_branch: "main",
    head_sha: r.sha,
    path: r.path,
    display_title: r.name,
    run_number: r.id,
    run_attempt: r.attempt,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: 1,
    url: `${base}/actions/runs/${r.id}`,
    html_url: `${web}/${repo.owner}/${repo.name}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: r.at,
    updated_at: r.at,
    run_started_at: r.at,
    jobs_url: `${base}/actions/runs/${r.id}/jobs`,
    logs_url: `${base}/actions/runs/${r.id}/logs`,
    check_suite_url: `${base}/check-suites/1`,
    artifacts_url: `${base}/actions/runs/${r.id}/artifacts`,
    cancel_url: `${base}/actions/runs/${r.id}/cancel`,
    rerun_url: `${base}/actions/runs/${r.id}/rerun`,
    workflow_url: `${base}/actions/workflows/1`,
    head_commit: {
      id: r.sha,
      tree_id: r.sha,
      message: "commit",
      timestamp: r.at,
      author: { name: owner.login, email: `${owner.login}@example.invalid` },
      committer: { name: owner.login, email: `${owner.login}@example.invalid` },
    },
    repository,
    head_repository: repository,
  };
}
