import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type ManualJudgmentStage, validatePipelineText } from "@capstan/core";
import { type CliIo, UsageError } from "../io.js";
import { pipelineFiles } from "../pipeline-files.js";

export const environmentsHelp = `Usage: capstan environments sync [PATHS...] [--approvers LIST] [--approvers-for ENV=LIST]
                                [--repo OWNER/NAME] [--api-url URL] [--dry-run]

Creates or updates the GitHub environment of every manual judgment (its \`environment\`, default
capstan-<pipeline>-<stage>) with required reviewers, so each judgment waits for an approval.
  --approvers LIST         reviewers for every environment: logins and org/team slugs, comma-separated
                           (e.g. alice,acme/release-managers); GitHub allows 6
  --approvers-for ENV=LIST reviewers for one environment (repeatable; wins over --approvers)
  --repo OWNER/NAME        default: $GITHUB_REPOSITORY
  --api-url URL            default: $GITHUB_API_URL or https://api.github.com
  --dry-run                show what would change, change nothing
The token comes from $GITHUB_TOKEN and needs administration rights on the repository (a workflow's
GITHUB_TOKEN cannot create environments). Environments that already have reviewers are left alone
unless approvers are given for them.
`;

interface Target {
  environment: string;
  judgments: string[];
}

type Json = Record<string, unknown>;

class Api {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; data: Json }> {
    const res = await fetch(`${this.base.replace(/\/$/, "")}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, data: text ? (JSON.parse(text) as Json) : {} };
  }
}

function parseList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim().replace(/^@/, ""))
    .filter(Boolean);
}

/** The judgment environments of the given pipelines. */
function targets(io: CliIo, paths: string[]): { list: Target[]; problems: string[] } {
  const { files, missing } = pipelineFiles(io.cwd, paths);
  const problems = missing.map((m) => `${m}: no such file or directory`);
  const byName = new Map<string, Target>();
  for (const file of files) {
    const { pipeline } = validatePipelineText(readFileSync(resolve(io.cwd, file), "utf8"), file);
    for (const stage of pipeline.stages) {
      if (stage.type !== "manualJudgment") continue;
      const env = (stage as ManualJudgmentStage).environment;
      const t = byName.get(env.toLowerCase()) ?? { environment: env, judgments: [] };
      t.judgments.push(`${pipeline.name}/${stage.id}`);
      byName.set(env.toLowerCase(), t);
    }
  }
  return { list: [...byName.values()], problems };
}

/** `capstan environments sync`: judgment environments with required reviewers. */
export async function environmentsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "sync") throw new UsageError(`expected 'sync', not '${sub ?? ""}'. See --help.`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      approvers: { type: "string" },
      "approvers-for": { type: "string", multiple: true },
      repo: { type: "string" },
      "api-url": { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const repo = values.repo ?? io.env.GITHUB_REPOSITORY;
  if (!repo || !/^[^/]+\/[^/]+$/.test(repo))
    throw new UsageError("give --repo OWNER/NAME (or set GITHUB_REPOSITORY).");
  const token = io.env.GITHUB_TOKEN;
  if (!token && !values["dry-run"])
    throw new UsageError("set GITHUB_TOKEN to a token with administration rights.");
  const perEnv = new Map<string, string[]>();
  for (const entry of values["approvers-for"] ?? []) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new UsageError(`--approvers-for wants ENV=LIST, not '${entry}'.`);
    perEnv.set(entry.slice(0, eq).toLowerCase(), parseList(entry.slice(eq + 1)));
  }
  const all = values.approvers ? parseList(values.approvers) : undefined;
  const { list, problems } = targets(io, positionals);
  for (const p of problems) io.stderr(`capstan environments: ${p}\n`);
  if (list.length === 0) {
    io.stderr("capstan environments: no manual judgments in the pipelines, nothing to do.\n");
    return problems.length > 0 ? 1 : 0;
  }
  const api = new Api(values["api-url"] ?? io.env.GITHUB_API_URL ?? "https://api.github.com", token ?? "");
  const [owner, name] = repo.split("/");
  let failed = problems.length > 0;
  for (const t of list) {
    const wanted = perEnv.get(t.environment.toLowerCase()) ?? all;
    const used = `(used by ${t.judgments.join(", ")})`;
    if (wanted && wanted.length > 6) {
      io.stderr(`✗ ${t.environment}: GitHub allows at most 6 required reviewers, got ${wanted.length}.\n`);
      failed = true;
      continue;
    }
    const envPath = `/repos/${owner}/${name}/environments/${encodeURIComponent(t.environment)}`;
    const current = values["dry-run"] && !token ? undefined : await api.call("GET", envPath);
    const rules =
      (current?.status === 200 ? (current.data.protection_rules as Json[] | undefined) : undefined) ?? [];
    const hasReviewers = rules.some((r) => r.type === "required_reviewers");
    if (!wanted) {
      if (hasReviewers) io.stdout(`✓ ${t.environment}: has required reviewers ${used}\n`);
      else {
        io.stderr(
          `✗ ${t.environment}: ${current?.status === 200 ? "has no required reviewers" : "does not exist"} ${used}; give --approvers.\n`,
        );
        failed = true;
      }
      continue;
    }
    if (values["dry-run"]) {
      io.stdout(`would set ${t.environment} reviewers to ${wanted.join(", ")} ${used}\n`);
      continue;
    }
    const reviewers: { type: "User" | "Team"; id: number }[] = [];
    for (const who of wanted) {
      const team = who.includes("/") ? who.split("/") : undefined;
      const found = team
        ? await api.call("GET", `/orgs/${encodeURIComponent(team[0])}/teams/${encodeURIComponent(team[1])}`)
        : await api.call("GET", `/users/${encodeURIComponent(who)}`);
      if (found.status !== 200) {
        io.stderr(`✗ ${t.environment}: no ${team ? "team" : "user"} '${who}' (HTTP ${found.status}).\n`);
        failed = true;
        continue;
      }
      reviewers.push({ type: team ? "Team" : "User", id: Number(found.data.id) });
    }
    if (reviewers.length !== wanted.length) continue;
    const put = await api.call("PUT", envPath, { reviewers });
    if (put.status === 200)
      io.stdout(`✓ ${t.environment}: required reviewers ${wanted.join(", ")} ${used}\n`);
    else {
      const why = put.status === 403 || put.status === 404 ? " (the token needs administration rights)" : "";
      io.stderr(`✗ ${t.environment}: HTTP ${put.status} ${String(put.data.message ?? "")}${why}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
