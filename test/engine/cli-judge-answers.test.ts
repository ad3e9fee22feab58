// `capstan run --judge STAGE=INPUT` answers are checked before anything runs.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/src/io.js";
import { main } from "../../cli/src/main.js";
import { checkJudgeAnswers } from "../../cli/src/run/judge-answers.js";
import { filePipelineResolver, readPipelineFile } from "../../cli/src/run/pipelines.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const safe = path.join(root, "test", "engine", "fixtures", "safe-deployment", "safe-deployment.yml");

async function run(args: string[], cwd = root): Promise<{ code: number; err: string; stateDir: string }> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-judge-answers-"));
  const err: string[] = [];
  const io: CliIo = {
    stdout: () => undefined,
    stderr: (t) => err.push(t),
    cwd,
    env: { PATH: process.env.PATH, USER: "tester" },
    isTTY: false,
  };
  const code = await main(["run", ...args, "--state-dir", stateDir, "--json"], io);
  return { code, err: err.join(""), stateDir };
}

const executions = (stateDir: string) => {
  const dir = path.join(stateDir, "executions");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

describe("capstan run --judge", () => {
  it("refuses an input the judgment does not offer, listing its inputs, before starting", async () => {
    const r = await run([safe, "--judge", "judgment=rollbak"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "--judge judgment=rollbak: 'rollbak' is not an input of the judgment 'Manual Judgment'; its inputs are continue, rollback (or continue, stop).",
    );
    expect(r.err).toContain("nothing was run");
    expect(executions(r.stateDir)).toEqual([]);
  });

  it("refuses unknown stages and stages that are not judgments, listing the judgments", async () => {
    const unknown = await run([safe, "--judge", "jugdment=continue"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      "--judge jugdment=continue: no stage 'jugdment'; the manual judgments are: judgment.",
    );
    const notJudgment = await run([safe, "--judge", "rollback=continue"]);
    expect(notJudgment.err).toContain("stage 'rollback' is a wait stage, not a manual judgment");
    expect(executions(unknown.stateDir)).toEqual([]);
    expect(executions(notJudgment.stateDir)).toEqual([]);
  });

  it("accepts stop and continue in any case, and judgments of the pipelines it starts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-judge-child-"));
    fs.writeFileSync(
      path.join(dir, "parent.yml"),
      "name: parent\nstages:\n  - { id: child, type: pipeline, pipeline: child }\n",
    );
    fs.writeFileSync(
      path.join(dir, "child.yml"),
      "name: child\nstages:\n  - { id: ok, type: manualJudgment, inputs: [yes, no] }\n",
    );
    const child = await run([path.join(dir, "parent.yml"), "--judge", "ok=yes"], dir);
    expect(child.err).not.toContain("--judge");
    expect(child.code).toBe(0);
    const wrong = await run([path.join(dir, "parent.yml"), "--judge", "ok=maybe"], dir);
    expect(wrong.err).toContain("its inputs are yes, no");
    const stop = await run([safe, "--judge", "judgment=STOP"]);
    expect(stop.code).toBe(1);
    expect(stop.err).not.toContain("--judge");
  });

  it("accepts the answers the examples and docs use", () => {
    for (const example of ["rolling-blue-green.yml"]) {
      const file = path.join(root, "examples", example);
      const { pipeline } = readPipelineFile(file);
      const resolver = filePipelineResolver(root, file);
      for (const input of ["rollback", "continue"])
        expect(checkJudgeAnswers({ judge: input }, pipeline!, resolver), example).toEqual([]);
    }
  });
});
