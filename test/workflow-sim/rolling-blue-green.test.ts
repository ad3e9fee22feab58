// The rolling blue/green example (examples/rolling-blue-green.yml, deploy + resizeServerGroup +
// destroyServerGroup on the `local` provider, `runsOn: [self-hosted, deploy]`) through its committed
// workflow (examples/workflows/capstan-rolling-blue-green.yml) and the bundled action, job by job, on
// one self-hosted runner machine (the only runner, with those labels, picks up every job): the local provider's supervisor runs there outside the jobs, in its own
// folder (CAPSTAN_LOCAL_REPO), seeded by `capstan run examples/deploy.yml` with myapp-prod-v000 at 10.
// Each reviewer's choice is checked three ways: the final summary, the record folded from the
// journals (against `capstan run --judge` of the same choice on another supervisor), and the real
// server groups afterwards (`capstan local status --json`).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type ExecutionRecord, foldJournal, mergeJournals } from "@capstan/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FileArtifactStore } from "../../action/src/artifacts/file-artifact-store.js";
import { downloadJournals } from "../../action/src/journals.js";
import { checkExchanges } from "../github-double/openapi.js";
import { GithubDouble } from "../github-double/server.js";
import { buildCli, capstan, cleanup, localLogs, makeRepo, type Repo, sizes, status } from "../local/kit.js";
import { type GateAnswer, type Simulation, simulate } from "./simulator.js";

const root = new URL("../../", import.meta.url);
const PIPELINE_PATH = "examples/rolling-blue-green.yml";
const workflow = readFileSync(new URL("examples/workflows/capstan-rolling-blue-green.yml", root), "utf8");
// CAPSTAN_SIM_BUNDLE: a bundle built elsewhere (e.g. from HEAD while others' work is uncommitted).
const bundle = process.env.CAPSTAN_SIM_BUNDLE ?? new URL("action/dist/index.js", root).pathname;
const IMAGE = "nginx:1.13";
/** The runner machine: a self-hosted runner's default labels plus the one the pipeline asks for. */
const RUNNER = { labels: ["self-hosted", "Linux", "X64", "deploy"] };

type Sizes = Awaited<ReturnType<typeof sizes>>;
const AT_JUDGMENT: Sizes = {
  "myapp-prod-v000": { desired: 8, up: 8, traffic: 8 },
  "myapp-prod-v001": { desired: 2, up: 2, traffic: 2 },
};
const CONTINUED: Sizes = {
  "myapp-prod-v000": { desired: 0, up: 0, traffic: 0 },
  "myapp-prod-v001": { desired: 10, up: 10, traffic: 10 },
};
const ROLLED_BACK: Sizes = { "myapp-prod-v000": { desired: 10, up: 10, traffic: 10 } };

/** What each choice leaves running. */
const EXPECTED: Record<"rollback" | "continue" | "stop", Sizes> = {
  rollback: ROLLED_BACK,
  continue: CONTINUED,
  stop: AT_JUDGMENT,
};

let gh: GithubDouble;
/** The checkout (GITHUB_WORKSPACE): the repository's files, nothing of the local provider. */
let workspace: string;
/** Supervisors started by a test (its runner machine), stopped with their instances after it. */
const machines: Repo[] = [];
/** `capstan run` of the same pipeline per choice, each on its own supervisor (stopped at the end). */
const references = new Map<string, Promise<{ record: ExecutionRecord; sizes: Sizes }>>();
const referenceRepos: Repo[] = [];

beforeAll(async () => {
  buildCli();
  gh = new GithubDouble();
  await gh.start();
  gh.addUser("alice");
  gh.setEnvironment("production-judgment", ["alice"]);
  workspace = mkdtempSync(join(tmpdir(), "capstan-repo-"));
  cpSync(new URL("examples/", root), join(workspace, "examples"), { recursive: true });
}, 180_000);
afterEach(async () => {
  for (const m of machines.splice(0)) await cleanup(m);
});
afterAll(async () => {
  await Promise.allSettled([...references.values()]);
  for (const r of referenceRepos.splice(0)) await cleanup(r);
  await gh?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

/**
 * The server groups once they match `expected`, or as they are after 60 s. An instance whose health
 * check times out on a loaded machine is out of traffic until the supervisor has it Up again. When
 * they never match, the supervisor's and instances' logs go to stderr (vitest shows them with the
 * failure) to say why.
 */
async function settled(repo: Repo, expected: Sizes): Promise<Sizes> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await sizes(repo);
    if (isDeepStrictEqual(now, expected)) return now;
    if (Date.now() > deadline) {
      console.error(`${repo.dir} never reached ${JSON.stringify(expected)}\n${localLogs(repo)}`);
      return now;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A folder with the examples whose supervisor runs myapp-prod-v000 at 10 (examples/deploy.yml). */
async function seeded(list: Repo[]): Promise<Repo> {
  const repo = makeRepo();
  list.push(repo);
  const deployed = await capstan(repo, ["run", "examples/deploy.yml"]);
  expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
  expect(await settled(repo, ROLLED_BACK)).toEqual(ROLLED_BACK);
  return repo;
}

/** Plays the workflow on a freshly seeded runner machine; returns the run, its record and the sizes. */
async function play(
  answer: GateAnswer,
  expected: Sizes,
): Promise<{ sim: Simulation; record: ExecutionRecord; sizes: Sizes; balancer?: string }> {
  const machine = await seeded(machines);
  const sim = await simulate({
    workflow,
    workspace,
    double: gh,
    bundle,
    event: {
      name: "workflow_dispatch",
      payload: { inputs: { image: IMAGE } },
      inputs: { image: IMAGE },
    },
    answer: () => answer,
    env: { CAPSTAN_LOCAL_REPO: machine.dir },
    runner: RUNNER,
  });
  const journals = await downloadJournals(new FileArtifactStore(sim.artifactDir), sim.order);
  const record = foldJournal(mergeJournals(...journals.map((j) => j.events)));
  // The state stayed on the runner machine: the checkout holds nothing a cleaning checkout could lose.
  expect(existsSync(join(workspace, ".capstan", "local"))).toBe(false);
  const cluster = (await status(machine)).clusters.find((c) => c.name === "myapp-prod");
  // Every case's `run` job deploys and resizes; when it failed there is nothing to wait for.
  const after =
    sim.jobs.get("run")?.result === "success" ? await settled(machine, expected) : await sizes(machine);
  return { sim, record, sizes: after, balancer: cluster?.loadBalancer };
}

/** What `capstan run --judge judge=<choice>` gives on its own supervisor (`stop` for a rejection). */
function local(choice: "rollback" | "continue" | "stop"): Promise<{ record: ExecutionRecord; sizes: Sizes }> {
  let reference = references.get(choice);
  if (!reference) {
    reference = (async () => {
      const repo = await seeded(referenceRepos);
      const run = await capstan(repo, [
        "run",
        PIPELINE_PATH,
        "--param",
        `image=${IMAGE}`,
        "--judge",
        `judge=${choice}`,
        "--json",
      ]);
      expect(run.code, run.stderr).toBe(choice === "stop" ? 1 : 0);
      return {
        record: JSON.parse(run.stdout) as ExecutionRecord,
        sizes: await settled(repo, EXPECTED[choice]),
      };
    })();
    // A test that fails before awaiting its reference must not leave an unhandled rejection.
    reference.catch(() => undefined);
    references.set(choice, reference);
  }
  return reference;
}

/**
 * Plays the workflow with `answer` and checks what every choice shares: the server groups end at
 * `expected`, and the record and the sizes are those of `capstan run --judge judge=<choice>`.
 */
async function playAsCapstanRun(
  answer: GateAnswer,
  choice: "rollback" | "continue" | "stop",
  expected: Sizes,
): Promise<{ sim: Simulation; record: ExecutionRecord; balancer?: string }> {
  const reference = local(choice);
  const played = await play(answer, expected);
  expect(played.sizes).toEqual(expected);
  expect(shape(played.record)).toEqual(shape((await reference).record));
  expect((await reference).sizes).toEqual(expected);
  return played;
}

/** The workflow dispatched with no inputs, on a runner with no supervisor, every gate answered `answer`. */
const dispatchWithoutInputs = (answer: GateAnswer) =>
  simulate({
    workflow,
    workspace,
    double: gh,
    bundle,
    event: { name: "workflow_dispatch", payload: {}, inputs: {} },
    answer: () => answer,
  });

const judgeOf = (r: ExecutionRecord) => r.stages.find((s) => s.refId === "judge")!;
/** Each supervisor's load balancer listens on its own port: the only output the two runs cannot share. */
const anyPort = (outputs: unknown): unknown =>
  JSON.parse(JSON.stringify(outputs).replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://127.0.0.1:PORT"));
/** What both runs must agree on: statuses, the judgment, parameters, and each stage's outputs. */
const shape = (r: ExecutionRecord) => ({
  status: r.status,
  stages: Object.fromEntries(r.stages.map((s) => [s.refId, s.status])),
  judgment: { status: judgeOf(r).context.judgmentStatus, input: judgeOf(r).context.judgmentInput },
  parameters: r.parameters,
  outputs: Object.fromEntries(r.stages.map((s) => [s.refId, anyPort(s.outputs)])),
});

const results = (sim: Simulation) => Object.fromEntries([...sim.jobs.values()].map((j) => [j.id, j.result]));
const finalSummary = (sim: Simulation) => sim.jobs.get("finalize")!.summary;
const row = (id: string, type: string, status: string) =>
  new RegExp(`\\| ${id} \\| ${type} \\| \\S+ ${status}(?: \\(\\w+\\))? \\|`);

describe("rolling blue/green on one self-hosted runner: simulated workflow, bundled action, local provider", {
  timeout: 240_000,
}, () => {
  it("approve with `rollback`: v000 back to 10, v001 destroyed; the continue branch stops", async () => {
    const { sim, record, balancer } = await playAsCapstanRun(
      { action: "approve", comment: "rollback: error rate doubled", user: "alice" },
      "rollback",
      ROLLED_BACK,
    );
    expect(results(sim)).toEqual({
      preflight: "success",
      run: "success",
      "gate-judge": "success",
      "after-judge": "success",
      finalize: "success",
    });
    expect(sim.jobs.get("gate-judge")!.outputs).toEqual({ input: "rollback", judge: "alice" });
    // Every job ran on the self-hosted machine: the pipeline's runsOn, in each job's runs-on.
    for (const job of sim.jobs.values()) expect(job.runsOn, job.id).toEqual(["self-hosted", "deploy"]);
    expect(sim.jobs.get("run")!.outputs.judgments).toBe('{"judge":"reached"}');
    expect(shape(record).stages).toMatchObject({
      green1: "SUCCEEDED",
      blue1: "SUCCEEDED",
      rblue1: "SUCCEEDED",
      rgreen2: "SUCCEEDED",
      rgreen: "SUCCEEDED",
      continue: "STOPPED",
      green2: "NOT_STARTED",
    });
    const green1 = record.stages.find((s) => s.refId === "green1")!.outputs;
    expect(green1["deploy.server.groups"]).toEqual({ local: ["myapp-prod-v001"] });
    // The address the deploy reported is the runner machine's load balancer of the cluster.
    expect(green1.loadBalancers).toEqual([balancer]);
    const summary = finalSummary(sim);
    expect(summary).toContain("rolling-blue-green: SUCCEEDED");
    expect(summary).toContain("```mermaid");
    expect(summary).toMatch(
      /\| judge \| manualJudgment \| ✅ SUCCEEDED \(rollback\) \| \S* \| alice \| rollback: error rate doubled \|/,
    );
    expect(summary).toMatch(row("green1", "deploy", "SUCCEEDED"));
    expect(summary).toMatch(row("rgreen", "destroyServerGroup", "SUCCEEDED"));
    expect(summary).toMatch(row("green2", "resizeServerGroup", "NOT_STARTED"));
    // finalize records the deploy as a GitHub deployment of the cluster.
    expect(gh.deployments.some((d) => d.environment === "myapp-prod")).toBe(true);
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("approve with `continue`: v001 at 10, v000 at 0", async () => {
    const { sim, record } = await playAsCapstanRun(
      { action: "approve", comment: "continue", user: "alice" },
      "continue",
      CONTINUED,
    );
    expect(results(sim).finalize).toBe("success");
    expect(shape(record).stages).toMatchObject({
      green2: "SUCCEEDED",
      blue2: "SUCCEEDED",
      rollback: "STOPPED",
      rblue1: "NOT_STARTED",
    });
    const summary = finalSummary(sim);
    expect(summary).toContain("rolling-blue-green: SUCCEEDED");
    expect(summary).toMatch(row("blue2", "resizeServerGroup", "SUCCEEDED"));
    expect(summary).toMatch(row("rgreen", "destroyServerGroup", "NOT_STARTED"));
  });

  it("approve with an empty comment: the first input (continue)", async () => {
    const { sim } = await playAsCapstanRun(
      { action: "approve", comment: "", user: "alice" },
      "continue",
      CONTINUED,
    );
    expect(sim.jobs.get("gate-judge")!.outputs.input).toBe("continue");
    expect(finalSummary(sim)).toMatch(
      /\| judge \| manualJudgment \| ✅ SUCCEEDED \(continue\) \| \S* \| alice \| {2}\|/,
    );
  });

  it("approve with `rollbak`: fails closed, nothing after the judgment runs, v000 8 + v001 2 stay", async () => {
    const {
      sim,
      record,
      sizes: after,
    } = await play({ action: "approve", comment: "rollbak", user: "alice" }, AT_JUDGMENT);
    expect(results(sim)).toEqual({
      preflight: "success",
      run: "success",
      "gate-judge": "failure",
      "after-judge": "skipped",
      finalize: "failure",
    });
    expect(sim.jobs.get("gate-judge")!.log).toContain(
      "'rollbak', which is not an input of this judgment. Inputs: continue, rollback.",
    );
    expect(after).toEqual(AT_JUDGMENT);
    expect(record.status).toBe("TERMINAL");
    expect(shape(record).stages).toMatchObject({
      green1: "SUCCEEDED",
      blue1: "SUCCEEDED",
      judge: "TERMINAL",
    });
    expect(judgeOf(record).error).toContain("Approved by alice without a usable input");
    expect(record.stages.filter((s) => s.status === "NOT_STARTED").map((s) => s.refId)).toEqual([
      "rollback",
      "rblue1",
      "rgreen2",
      "rgreen",
      "continue",
      "green2",
      "blue2",
    ]);
    const summary = finalSummary(sim);
    expect(summary).toContain("rolling-blue-green: TERMINAL");
    expect(summary).toContain("### Failures");
    expect(summary).toMatch(row("blue1", "resizeServerGroup", "SUCCEEDED"));
    const judgeLine =
      readFileSync(new URL(PIPELINE_PATH, root), "utf8").split("\n").indexOf("  - id: judge") + 1;
    expect(sim.jobs.get("finalize")!.log).toContain(
      `::error title=judge%3A TERMINAL,file=examples/rolling-blue-green.yml,line=${judgeLine},`,
    );
  });

  it("reject: recorded as stop, TERMINAL like `capstan run --judge judge=stop`, v000 8 + v001 2 stay", async () => {
    const { sim, record } = await playAsCapstanRun(
      { action: "reject", comment: "not today", user: "alice" },
      "stop",
      AT_JUDGMENT,
    );
    expect(results(sim)).toMatchObject({
      "gate-judge": "failure",
      "after-judge": "skipped",
      finalize: "failure",
    });
    expect(judgeOf(record).context).toMatchObject({
      judgmentStatus: "stop",
      judgedBy: "alice",
      judgmentComment: "not today",
    });
    expect(finalSummary(sim)).toMatch(
      /\| judge \| manualJudgment \| ❌ TERMINAL \| \S* \| alice \| not today \|/,
    );
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("without a supervisor on the runner, the deploy fails with what to set up, and nothing is started", async () => {
    const sim = await dispatchWithoutInputs({ action: "never" });
    expect(results(sim)).toMatchObject({ run: "failure", "gate-judge": "skipped", finalize: "failure" });
    const log = sim.jobs.get("run")!.log;
    expect(log).toContain(
      `No local-provider supervisor answers at ${workspace}/.capstan/local/supervisor.sock`,
    );
    expect(log).toContain(`capstan local up --repo ${workspace}`);
    expect(finalSummary(sim)).toMatch(row("green1", "deploy", "TERMINAL"));
    expect(existsSync(join(workspace, ".capstan", "local"))).toBe(false);
  });

  it("preflight stops the run when the judgment environment has no required reviewers", async () => {
    gh.setEnvironment("production-judgment", []);
    try {
      const sim = await dispatchWithoutInputs({ action: "approve", comment: "", user: "alice" });
      expect(results(sim)).toMatchObject({
        preflight: "failure",
        run: "skipped",
        "gate-judge": "skipped",
        finalize: "failure",
      });
      expect(sim.jobs.get("preflight")!.log).toContain("has no required reviewers");
    } finally {
      gh.setEnvironment("production-judgment", ["alice"]);
    }
  });

  it("refuses a workflow compiled from another version of the pipeline", async () => {
    const stale = workflow.replace(/pipeline-hash: sha256:[0-9a-f]+/g, "pipeline-hash: sha256:0000");
    const sim = await simulate({
      workflow: stale,
      workspace,
      double: gh,
      bundle,
      event: { name: "workflow_dispatch", payload: {}, inputs: {} },
      answer: () => ({ action: "never" }),
    });
    expect(sim.jobs.get("preflight")!.result).toBe("failure");
    expect(sim.jobs.get("preflight")!.log).toContain("Run `capstan compile`");
  });
});
