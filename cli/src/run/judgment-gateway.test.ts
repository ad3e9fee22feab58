import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { cliJudgmentGateway } from "./judgment-gateway.js";
import { LiveView } from "./progress.js";

const record = {
  id: "01JEXEC",
  pipeline: "demo",
  status: "RUNNING",
  trigger: {},
  parameters: {},
  buildTime: 0,
  startTime: 0,
  canceled: false,
  notifications: [],
  appliedCommands: [],
  stages: [
    {
      refId: "build",
      id: "b",
      name: "build",
      type: "run",
      dependsOn: [],
      status: "SUCCEEDED",
      context: {},
      outputs: {},
      startTime: 0,
      endTime: 4000,
    },
    {
      refId: "judge",
      id: "j",
      name: "Judge",
      type: "manualJudgment",
      dependsOn: ["build"],
      status: "RUNNING",
      phase: "task",
      waitingFor: "judgment (continue | rollback | stop)",
      context: {},
      outputs: {},
      startTime: 4000,
    },
  ],
};

describe("the judgment prompt (issue 17 item 5)", () => {
  it("keeps the stage table, the execution id and what just ran on screen, and says what Enter picks", async () => {
    let screen = "";
    const write = (t: string) => {
      screen += t;
    };
    const view = new LiveView(write, () => 5000, 120);
    view.onLog("build", "compiled 12 files\nall 34 tests passed\n");
    view.onEvent({ kind: "stage.updated", refId: "judge", id: "", ts: 0 } as never, record as never);
    view.pause(false); // drawn once, as the timer would
    const input = new PassThrough();
    const output = new PassThrough();
    output.on("data", (b: Buffer) => write(b.toString()));
    const gateway = cliJudgmentGateway({
      answers: {},
      user: "alice",
      interactive: true,
      input,
      output,
      onPrompt: (open) => view.pause(open),
    });
    const answer = gateway.request({
      executionId: "01JEXEC",
      refId: "judge",
      stageName: "Judge",
      instructions: "Check the canary, then continue or roll back.",
      inputs: ["continue", "rollback"],
      signal: new AbortController().signal,
    });
    await new Promise((r) => setTimeout(r, 20));
    // Whatever the prompt erased or kept: what is on screen at the prompt is the last frame,
    // not cleared, followed by the prompt.
    const shown = screen.slice(screen.lastIndexOf("\x1b[J") + 3);
    expect(shown).toContain("demo  01JEXEC  RUNNING");
    expect(shown).toContain("✔ build");
    expect(shown).toContain("▶ judge");
    expect(shown).toContain("all 34 tests passed"); // what just ran
    expect(shown).toContain("Manual judgment 'Judge' (judge) of execution 01JEXEC");
    expect(shown).toContain("Check the canary, then continue or roll back.");
    expect(shown).toContain("Enter picks continue");
    expect(shown).toContain("capstan judge 01JEXEC judge <continue|rollback|stop>");
    const before = screen.length;
    input.write("\n");
    expect(await answer).toEqual({ kind: "continue", input: "continue", user: "alice" });
    // Resumed: the next frame is drawn below the prompt, which stays on screen (no cursor-up).
    expect(screen.slice(before)).toContain("demo  01JEXEC  RUNNING");
    expect(screen.slice(before)).not.toContain("\x1b[");
  });
});
