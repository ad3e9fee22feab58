// capstan cancel / status / executions / resume / skip, in-process.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/src/main.js";
import {
  defaultStageRegistry,
  FileStateStore,
  SpelEvaluator,
  startExecution,
  systemClock,
} from "../../core/src/index.js";
import { loadYaml } from "../../core/src/loader/yaml-loader.js";
import { buildPipeline } from "../../core/src/model/build-pipeline.js";
import { io } from "./cli-io.js";

function setup(yaml: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-cmds-"));
  const file = path.join(dir, "p.yml");
  fs.writeFileSync(file, yaml);
  return { dir, file };
}

async function firstExecution(stateDir: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const d = path.join(stateDir, "executions");
    const ids = fs.existsSync(d) ? fs.readdirSync(d) : [];
    if (ids.length) return ids[0];
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no execution");
}

describe("execution commands", () => {
  it("cancel from another terminal; status and executions show the result", async () => {
    const { dir, file } = setup(`
name: cancel-me
stages:
  - { id: long, type: wait, duration: 1h }
  - { id: after, type: wait, duration: 1s, dependsOn: [long] }
`);
    const state = path.join(dir, "state");
    const runIo = io();
    const running = main(["run", file, "--state-dir", state], runIo);
    const id = await firstExecution(state);
    await new Promise((r) => setTimeout(r, 200));
    const statusIo = io();
    expect(await main(["status", id.slice(0, 6), "--state-dir", state], statusIo)).toBe(0);
    expect(statusIo.out.join("")).toMatch(/▶ long\s+wait\s+RUNNING/);
    const cancelIo = io();
    expect(await main(["cancel", id, "--reason", "not today", "--state-dir", state], cancelIo)).toBe(0);
    expect(cancelIo.out.join("")).toContain("cancel: applied");
    expect(await running).toBe(1);
    const json = io();
    await main(["status", id, "--json", "--state-dir", state], json);
    expect(JSON.parse(json.out.join(""))).toMatchObject({
      status: "CANCELED",
      cancellationReason: "not today",
      stages: [
        { refId: "long", status: "CANCELED" },
        { refId: "after", status: "NOT_STARTED" },
      ],
    });
    const list = io();
    await main(["executions", "--state-dir", state], list);
    expect(list.out.join("")).toMatch(new RegExp(`${id}\\s+CANCELED .* cancel-me`));
  });

  it("skip ends a wait; a command for a stage that is not waiting is rejected", async () => {
    const { dir, file } = setup(`
name: skip-me
stages:
  - { id: long, type: wait, duration: 1h }
`);
    const state = path.join(dir, "state");
    const running = main(["run", file, "--state-dir", state], io());
    const id = await firstExecution(state);
    await new Promise((r) => setTimeout(r, 200));
    const bad = io();
    expect(await main(["skip-window", id, "long", "--state-dir", state], bad)).toBe(1);
    expect(bad.out.join("")).toContain("is not waiting for its window");
    expect(await main(["skip", id, "long", "--state-dir", state], io())).toBe(0);
    expect(await running).toBe(0);
  });

  it("resume continues an execution no process runs (after a crash), applying queued commands", async () => {
    const { dir, file } = setup(`
name: resume-me
stages:
  - { id: j, type: manualJudgment, inputs: [go] }
  - { id: w, type: wait, duration: 1s, dependsOn: [j] }
`);
    const state = path.join(dir, "state");
    // A crash while the judgment waited: the journal of a full run, cut after the stage began waiting.
    const full = new FileStateStore(path.join(dir, "full"));
    const { pipeline } = buildPipeline(loadYaml(fs.readFileSync(file, "utf8"), file));
    const services = {
      clock: systemClock,
      random: Math.random,
      store: full,
      registry: defaultStageRegistry(),
      expressions: new SpelEvaluator(),
      judgments: { request: async () => ({ kind: "stop" as const, user: "x" }) },
    };
    await startExecution(services, { pipeline, pipelineFile: file, executionId: "crashed-1" }).runner!.run();
    const events = full.read("crashed-1");
    const cut = events.findIndex((e) => e.kind === "stage.updated" && e.refId === "j");
    const store = new FileStateStore(state);
    store.append("crashed-1", events.slice(0, cut + 1));
    store.close();
    full.close();
    const early = io();
    expect(await main(["judge", "crashed-1", "w", "go", "--state-dir", state], early)).toBe(1);
    expect(early.out.join("")).toContain(
      "execution crashed-1 has no manual judgment 'w' ('w' is a wait stage); its manual judgments: j.",
    );
    const judged = io();
    expect(await main(["judge", "crashed-1", "j", "go", "--state-dir", state], judged)).toBe(0);
    expect(judged.out.join("")).toContain(
      "which no process is running; 'capstan resume crashed-1' applies it",
    );
    const resumed = io();
    expect(await main(["resume", "crashed", "--state-dir", state, "--json"], resumed)).toBe(0);
    const record = JSON.parse(resumed.out.join("").slice(resumed.out.join("").indexOf("{\n")));
    expect(record.status).toBe("SUCCEEDED");
    expect(record.stages[0].context).toMatchObject({ judgmentStatus: "continue", judgmentInput: "go" });
  });
});
