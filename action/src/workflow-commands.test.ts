import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as actionsCore from "@actions/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as ours from "./workflow-commands.js";

type Commands = typeof ours;

/** Runs `script` against one implementation; what reached stdout, the output and summary files. */
async function capture(impl: Commands, script: (c: Commands) => Promise<void> | void) {
  const dir = mkdtempSync(join(tmpdir(), "capstan-commands-"));
  const output = join(dir, "output");
  const summary = join(dir, "summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  vi.stubEnv("GITHUB_OUTPUT", output);
  vi.stubEnv("GITHUB_STEP_SUMMARY", summary);
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  const exitCode = process.exitCode;
  let thrown: string | undefined;
  try {
    await script(impl);
  } catch (error) {
    thrown = (error as Error).message;
  } finally {
    spy.mockRestore();
  }
  const failed = process.exitCode;
  process.exitCode = exitCode;
  const uuids = /ghadelimiter_[0-9a-f-]{36}/g;
  return {
    stdout: written.join(""),
    output: readFileSync(output, "utf8").replace(uuids, "ghadelimiter_UUID"),
    summary: readFileSync(summary, "utf8"),
    failed,
    thrown,
  };
}

async function same(script: (c: Commands) => Promise<void> | void) {
  const reference = await capture(actionsCore as unknown as Commands, script);
  const mine = await capture(ours, script);
  expect(mine).toEqual(reference);
  return mine;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("workflow commands (what @actions/core writes for the same calls)", () => {
  it("logs, groups, masks and annotates with escaped messages and properties", async () => {
    const out = await same((c) => {
      c.info("▶ deploy (wait) started");
      c.startGroup("deploy: SUCCEEDED");
      c.info("line one\nline two");
      c.endGroup();
      c.setSecret("s3cr%t\nvalue");
      c.error("schema-type: 'timeout' must be a duration; found 5.", {
        file: ".capstan/pipelines/deploy.yml",
        startLine: 3,
        endLine: 4,
      });
      c.warning("100% done, or: not\r\n", { title: "a, b: c", file: "x.yml", startLine: 1, endLine: 1 });
      c.notice("The pipeline does not run for this event: push.");
      c.warning(new Error("boom"));
      c.error("no properties", {});
    });
    expect(out.stdout).toContain("::error file=.capstan/pipelines/deploy.yml,line=3,endLine=4::");
    expect(out.stdout).toContain("::add-mask::s3cr%25t%0Avalue");
  });

  it("reads inputs, trimmed, and refuses a missing required one", async () => {
    vi.stubEnv("INPUT_PIPELINE", "  .capstan/pipelines/p.yml \n");
    vi.stubEnv("INPUT_PIPELINE-HASH", "");
    vi.stubEnv("INPUT_MY_INPUT", "spaced");
    for (const name of ["pipeline", "pipeline-hash", "my input", "absent"]) {
      expect(ours.getInput(name)).toBe(actionsCore.getInput(name));
    }
    const out = await same((c) => {
      c.getInput("pipeline-hash", { required: true });
    });
    expect(out.thrown).toBe("Input required and not supplied: pipeline-hash");
  });

  it("appends outputs with a delimiter, and fails the step", async () => {
    const out = await same((c) => {
      c.setOutput("status", "SUCCEEDED");
      c.setOutput("stages", JSON.stringify({ a: { status: "SUCCEEDED" } }));
      c.setOutput("judgments", { deploy: "continue" });
      c.setOutput("multi", "one\ntwo");
      c.setFailed("Pipeline 'shop' ended TERMINAL.");
    });
    expect(out.output).toContain("status<<ghadelimiter_UUID\nSUCCEEDED\nghadelimiter_UUID\n");
    expect(out.failed).toBe(1);
  });

  it("writes the deprecated set-output command when there is no output file", async () => {
    await same((c) => {
      vi.stubEnv("GITHUB_OUTPUT", "");
      c.setOutput("status", "a,b: 100%");
    });
  });

  it("appends the job summary and empties its buffer", async () => {
    const out = await same(async (c) => {
      await c.summary.addRaw("## shop: did not start\n\n").addRaw("why.\n").write();
      await c.summary.addRaw("| a | b |\n").write();
    });
    expect(out.summary).toBe("## shop: did not start\n\nwhy.\n| a | b |\n");
  });
});
