// `capstan run` on the seeds' safe-deployment flow, for each judgment input, in-process.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/src/io.js";
import { main } from "../../cli/src/main.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = path.join(root, "test", "engine", "fixtures", "safe-deployment");

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: root,
    env: { PATH: process.env.PATH, USER: "tester" },
    isTTY: false,
  };
}

interface Rec {
  id: string;
  status: string;
  stages: {
    refId: string;
    status: string;
    outputs: Record<string, unknown>;
    context: Record<string, unknown>;
  }[];
}

const statuses = (r: Rec) => Object.fromEntries(r.stages.map((s) => [s.refId, s.status]));

/** Releases the deploy stage from its Tuesday-morning window as soon as it waits for it. */
async function skipWindowWhenWaiting(stateDir: string, done: { value: boolean }): Promise<void> {
  const dir = path.join(stateDir, "executions");
  while (!done.value) {
    await new Promise((r) => setTimeout(r, 50));
    const ids = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    for (const id of ids) {
      const journal = fs.readFileSync(path.join(dir, id, "journal.jsonl"), "utf8");
      if (journal.includes("execution window (opens") && !journal.includes('"window.skipped"')) {
        const cli = io();
        expect(await main(["skip-window", id, "deploy", "--state-dir", stateDir], cli)).toBe(0);
        expect(cli.out.join("")).toContain("skip-window deploy: applied");
      }
    }
  }
}

async function run(args: string[]): Promise<{ code: number; record: Rec; cli: ReturnType<typeof io> }> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-cli-run-"));
  const cli = io();
  const done = { value: false };
  const skipper = skipWindowWhenWaiting(stateDir, done);
  const code = await main(["run", ...args, "--state-dir", stateDir, "--json"], cli);
  done.value = true;
  await skipper;
  return { code, record: JSON.parse(cli.out.join("")) as Rec, cli };
}

describe("capstan run: the safe-deployment flow", () => {
  const file = path.join(fixtures, "safe-deployment.yml");

  it("continue: the deploy stage waits for its window, is released, runs; rollback is skipped", async () => {
    const { code, record } = await run([file, "--judge", "judgment=continue"]);
    expect(statuses(record)).toEqual({ judgment: "SUCCEEDED", deploy: "SUCCEEDED", rollback: "SKIPPED" });
    expect(record.status).toBe("SUCCEEDED");
    expect(code).toBe(0);
    expect(record.stages[0].context).toMatchObject({ judgmentStatus: "continue", judgmentInput: "continue" });
    expect(record.stages[1].outputs).toEqual({ image: "latest" });
  });

  it("rollback: deploy is skipped, the rollback stage runs", async () => {
    const { code, record } = await run([file, "--judge", "Manual Judgment=rollback"]);
    expect(statuses(record)).toEqual({ judgment: "SUCCEEDED", deploy: "SKIPPED", rollback: "SUCCEEDED" });
    expect(record.status).toBe("SUCCEEDED");
    expect(code).toBe(0);
  });

  it("stop: the judgment is TERMINAL, nothing below runs, the pipeline is TERMINAL (exit 1)", async () => {
    const { code, record } = await run([file, "--judge", "judgment=stop"]);
    expect(statuses(record)).toEqual({
      judgment: "TERMINAL",
      deploy: "NOT_STARTED",
      rollback: "NOT_STARTED",
    });
    expect(record.status).toBe("TERMINAL");
    expect(code).toBe(1);
  });
});

describe("capstan run: the parent pipeline and its automatic rollback child", () => {
  const parent = path.join(fixtures, "parent-pipeline.yml");

  it("Pipeline Successful=false: the parent fails TERMINAL and triggers the Child Pipeline", async () => {
    const { code, record, cli } = await run([parent, "--param", "Pipeline Successful=false"]);
    expect(record.status).toBe("TERMINAL");
    expect(statuses(record)).toEqual({ check: "TERMINAL" });
    expect(code).toBe(1);
    const log = cli.err.join("");
    expect(log).toContain("triggers pipeline 'Child Pipeline'");
    expect(log).toMatch(/execution \S+ of 'Child Pipeline' started[\s\S]*SUCCEEDED/);
  });

  it("Pipeline Successful=true: the parent succeeds and the child does not run", async () => {
    const { code, record, cli } = await run([parent, "--param", "Pipeline Successful=true"]);
    expect(record.status).toBe("SUCCEEDED");
    expect(code).toBe(0);
    expect(cli.err.join("")).not.toContain("Child Pipeline");
  });

  it("a parameter outside its options is rejected before running", async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-cli-run-"));
    const cli = io();
    expect(
      await main(["run", parent, "--param", "Pipeline Successful=maybe", "--state-dir", stateDir], cli),
    ).toBe(1);
    expect(cli.err.join("")).toContain(
      "parameter 'Pipeline Successful' is 'maybe', which is not one of: true, false",
    );
  });
});
