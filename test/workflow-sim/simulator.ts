// Plays a compiled workflow run job by job as GitHub would: `needs` order, job `if:` with status
// functions, environment gates answered by a test script, step `with:`/`env:` interpolation, job
// outputs; the Capstan action runs as its bundled `action/dist/index.js` in a child process with the
// files and variables a runner provides. Jobs run one at a time (GitHub may run independent ones in
// parallel; Capstan's jobs only share state through `needs`, so the order does not change results).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getOctokit } from "@actions/github";
import { parse } from "yaml";
import type { GithubDouble, RunState } from "../github-double/server.js";
import { interpolate, jobCondition } from "./expressions.js";

type Data = Record<string, unknown>;

/**
 * What a required reviewer does when a job waits on an environment. `external`: the answer
 * function itself reviewed through the REST API (as `capstan approve` or the editor does) while the
 * run waited; the simulator reads the outcome from the double.
 */
export type GateAnswer =
  | { action: "approve"; comment: string; user: string }
  | { action: "reject"; comment: string; user: string }
  | { action: "never" }
  | { action: "external" };

export interface SimulationOptions {
  workflow: string;
  /** The checked-out repository (GITHUB_WORKSPACE). */
  workspace: string;
  double: GithubDouble;
  /** The action bundle to run for `uses:` of the Capstan action. */
  bundle: string;
  event: { name: string; payload: Data; inputs?: Data };
  /** May be asynchronous; the run is `waiting` on the environment meanwhile. */
  answer: (environment: string, jobId: string, run: RunState) => GateAnswer | Promise<GateAnswer>;
  secrets?: Record<string, string>;
  /** Extra environment for every action process. */
  env?: Record<string, string>;
  /**
   * The one runner machine that picks up jobs, as on a self-hosted runner: a job runs only when its
   * `runs-on` labels are all among these (and its group, if any, is this one); any other job fails,
   * as GitHub fails a job that no runner picked up. Absent: every job finds a runner.
   */
  runner?: { labels: string[]; group?: string };
}

export interface JobRun {
  id: string;
  result: "success" | "failure" | "cancelled" | "skipped";
  outputs: Record<string, string>;
  summary: string;
  log: string;
  /** Set when a review was requested for the job's environment. */
  review?: "approve" | "reject" | "never";
  /** The job's `runs-on` as written. */
  runsOn?: unknown;
}

export interface Simulation {
  run: RunState;
  jobs: Map<string, JobRun>;
  order: string[];
  artifactDir: string;
}

function needsOf(job: Data): string[] {
  const n = job.needs;
  return typeof n === "string" ? [n] : Array.isArray(n) ? (n as string[]) : [];
}

/** Parses `name=value` lines and `name<<DELIM` blocks of a GITHUB_OUTPUT file. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join("\n");
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

/** Whether a runner with these labels (and group) picks up a job with this `runs-on`. */
export function runnerMatches(runsOn: unknown, runner: { labels: string[]; group?: string }): boolean {
  const have = new Set(runner.labels.map((l) => l.toLowerCase()));
  const list = (v: unknown): string[] =>
    typeof v === "string" ? [v] : Array.isArray(v) ? v.map(String) : [];
  let wanted: string[];
  if (runsOn && typeof runsOn === "object" && !Array.isArray(runsOn)) {
    const { group, labels } = runsOn as { group?: string; labels?: unknown };
    if (group !== undefined && group !== runner.group) return false;
    wanted = list(labels);
  } else wanted = list(runsOn);
  return wanted.every((l) => have.has(l.toLowerCase()));
}

/** Runs the workflow to its end and returns every job's result. */
export async function simulate(options: SimulationOptions): Promise<Simulation> {
  const wf = parse(options.workflow) as { name: string; jobs: Record<string, Data> };
  const gh = options.double;
  const run = gh.createRun({ name: wf.name, path: ".github/workflows/sim.yml", event: options.event.name });
  const temp = mkdtempSync(join(tmpdir(), "capstan-sim-"));
  const artifactDir = join(temp, "artifacts");
  const eventPath = join(temp, "event.json");
  writeFileSync(eventPath, JSON.stringify(options.event.payload));
  const jobs = new Map<string, JobRun>();
  const order: string[] = [];
  const ids = Object.keys(wf.jobs);
  const jobState = new Map(
    ids.map((id) => [id, gh.addJob(run, wf.jobs[id].name ? String(wf.jobs[id].name) : id)]),
  );
  const ancestors = (id: string): string[] => {
    const seen = new Set<string>();
    const visit = (j: string) => {
      for (const n of needsOf(wf.jobs[j])) {
        if (seen.has(n)) continue;
        seen.add(n);
        visit(n);
      }
    };
    visit(id);
    return [...seen];
  };
  const github = {
    token: gh.appToken,
    event_name: options.event.name,
    event: options.event.payload,
    run_id: String(run.id),
    repository: `${gh.repo.owner}/${gh.repo.name}`,
    sha: run.sha,
    ref: "refs/heads/main",
    actor: gh.repo.owner,
  };
  while (order.length < ids.length) {
    const id = ids.find((j) => !jobs.has(j) && needsOf(wf.jobs[j]).every((n) => jobs.has(n)));
    if (!id) throw new Error("the workflow's needs form a cycle");
    const job = wf.jobs[id];
    const needs: Data = {};
    for (const n of needsOf(job)) needs[n] = { result: jobs.get(n)!.result, outputs: jobs.get(n)!.outputs };
    const contexts = {
      github,
      inputs: options.event.inputs ?? {},
      needs,
      secrets: options.secrets ?? {},
      vars: {},
    };
    const status = {
      needs: needsOf(job).map((n) => jobs.get(n)!.result),
      ancestors: ancestors(id).map((n) => jobs.get(n)!.result),
      runCancelled: false,
    };
    const state = jobState.get(id)!;
    order.push(id);
    if (!jobCondition(job.if, contexts, status)) {
      jobs.set(id, { id, result: "skipped", outputs: {}, summary: "", log: "" });
      state.status = "completed";
      state.conclusion = "skipped";
      continue;
    }
    let review: JobRun["review"];
    if (job.environment) {
      const env = String(
        typeof job.environment === "string" ? job.environment : (job.environment as Data).name,
      );
      if (!gh.environments.has(env.toLowerCase())) {
        // GitHub creates a missing environment on first use, without protection rules.
        gh.setEnvironment(env);
      }
      if (gh.hasRequiredReviewers(env)) {
        state.status = "waiting";
        run.status = "waiting";
        gh.requestReview(run, env);
        const given = await options.answer(env, id, run);
        run.status = "in_progress";
        let answer: Exclude<GateAnswer, { action: "external" }>;
        if (given.action === "external") {
          // Reviewed through the API by the answer function: what GitHub recorded decides.
          const last = run.approvals.findLast((a) =>
            a.environments.some((e) => e.toLowerCase() === env.toLowerCase()),
          );
          answer = last
            ? {
                action: last.state === "approved" ? "approve" : "reject",
                comment: last.comment,
                user: last.user,
              }
            : { action: "never" };
        } else {
          answer = given;
          await reviewAs(gh, run, env, answer);
        }
        review = answer.action;
        if (answer.action === "never") {
          // Not approved within 30 days: GitHub fails the job.
          jobs.set(id, {
            id,
            result: "failure",
            outputs: {},
            summary: "",
            log: "approval timed out",
            review,
          });
          state.status = "completed";
          state.conclusion = "failure";
          continue;
        }
        if (answer.action === "reject") {
          jobs.set(id, { id, result: "failure", outputs: {}, summary: "", log: "rejected", review });
          state.status = "completed";
          state.conclusion = "failure";
          continue;
        }
      }
    }
    if (options.runner && !runnerMatches(job["runs-on"], options.runner)) {
      jobs.set(id, {
        id,
        result: "failure",
        outputs: {},
        summary: "",
        log: `no runner has the labels ${JSON.stringify(job["runs-on"])}`,
        review,
        runsOn: job["runs-on"],
      });
      state.status = "completed";
      state.conclusion = "failure";
      continue;
    }
    state.status = "in_progress";
    const result = await runSteps(options, job, contexts, { temp, artifactDir, eventPath, run, jobId: id });
    jobs.set(id, { ...result, id, review, runsOn: job["runs-on"] });
    state.status = "completed";
    state.conclusion = result.result;
  }
  run.status = "completed";
  run.conclusion = [...jobs.values()].some((j) => j.result === "failure") ? "failure" : "success";
  return { run, jobs, order, artifactDir };
}

/** A required reviewer answers through the REST API, as the review dialog does. */
async function reviewAs(gh: GithubDouble, run: RunState, env: string, answer: GateAnswer): Promise<void> {
  if (answer.action === "never" || answer.action === "external") return;
  const user = gh.addUserIfMissing(answer.user);
  const octokit = getOctokit(user.token, { baseUrl: gh.url });
  const envId = gh.environments.get(env.toLowerCase())!.id;
  await octokit.rest.actions.reviewPendingDeploymentsForRun({
    owner: gh.repo.owner,
    repo: gh.repo.name,
    run_id: run.id,
    environment_ids: [envId],
    state: answer.action === "approve" ? "approved" : "rejected",
    comment: answer.comment,
  });
}

/**
 * What the runner does to a step's log: values registered with `::add-mask::` (and the secrets it
 * passed in) are replaced by `***`.
 */
export function maskSecrets(output: string, known: string[]): string {
  const masks = new Set(known.filter(Boolean));
  for (const m of output.matchAll(/^::add-mask::(.*)$/gm)) if (m[1]) masks.add(m[1]);
  let masked = output;
  for (const value of [...masks].sort((a, b) => b.length - a.length))
    masked = masked.split(value).join("***");
  return masked;
}

function runNode(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      output += b.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

async function runSteps(
  options: SimulationOptions,
  job: Data,
  contexts: Data,
  where: { temp: string; artifactDir: string; eventPath: string; run: RunState; jobId: string },
): Promise<Omit<JobRun, "id">> {
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const jobDir = join(where.temp, where.jobId);
  mkdirSync(jobDir, { recursive: true });
  const summaryFile = join(jobDir, "summary.md");
  writeFileSync(summaryFile, "");
  let log = "";
  let failed = false;
  for (const step of (job.steps as Data[]) ?? []) {
    const uses = String(step.uses ?? "");
    if (uses.startsWith("actions/checkout@")) continue; // the workspace is already the checkout
    const stepContexts = { ...contexts, steps };
    const withs: Record<string, string> = {};
    for (const [k, v] of Object.entries((step.with as Data) ?? {}))
      withs[k] = interpolate(String(v), stepContexts);
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries((step.env as Data) ?? {}))
      stepEnv[k] = interpolate(String(v), stepContexts);
    const outputFile = join(jobDir, `output-${String(step.id ?? "step")}`);
    writeFileSync(outputFile, "");
    const inputs: Record<string, string> = {};
    for (const [k, v] of Object.entries(withs)) inputs[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...stepEnv,
      ...inputs,
      GITHUB_ACTIONS: "true",
      CI: "true",
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_EVENT_NAME: options.event.name,
      GITHUB_EVENT_PATH: where.eventPath,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_RUN_ID: String(where.run.id),
      GITHUB_RUN_ATTEMPT: String(where.run.attempt),
      GITHUB_REPOSITORY: `${options.double.repo.owner}/${options.double.repo.name}`,
      GITHUB_API_URL: options.double.url,
      GITHUB_SERVER_URL: `${options.double.url}/web`,
      GITHUB_SHA: where.run.sha,
      GITHUB_REF: "refs/heads/main",
      GITHUB_ACTOR: options.double.repo.owner,
      GITHUB_JOB: where.jobId,
      RUNNER_TEMP: jobDir,
      CAPSTAN_ARTIFACT_DIR: where.artifactDir,
      ...options.env,
    };
    // Asynchronous: the GitHub double answering the action lives in this process.
    const child = await runNode(resolve(options.bundle), options.workspace, env);
    log += maskSecrets(child.output, [...Object.values(options.secrets ?? {}), options.double.appToken]);
    const outputs = existsSync(outputFile) ? parseFileCommands(readFileSync(outputFile, "utf8")) : {};
    if (step.id) steps[String(step.id)] = { outputs };
    if (child.code !== 0) {
      failed = true;
      break;
    }
  }
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries((job.outputs as Data) ?? {}))
    outputs[k] = interpolate(String(v), { ...contexts, steps });
  return { result: failed ? "failure" : "success", outputs, summary: readFileSync(summaryFile, "utf8"), log };
}
