import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileStateStore, foldJournal } from "@capstan/core";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { main } from "../main.js";
import { LiveView } from "../run/progress.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-logs-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: dir,
    env: { PATH: process.env.PATH, USER: "tester" },
    isTTY: false,
  };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

function pipeline(name: string, yaml: string): string {
  const file = path.join(dir, `${name}.yml`);
  fs.writeFileSync(file, yaml);
  return file;
}

const FAILING = `name: failing
stages:
  - id: build
    type: run
    command: "for i in $(seq 1 15); do echo line $i; done; echo oops >&2; exit 3"
  - { id: other, type: run, command: "echo fine" }
`;

async function executionOf(state: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const store = new FileStateStore(state);
    const id = store.list()[0];
    store.close();
    if (id) return id;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no execution");
}

describe("a failed run stage", () => {
  it("shows the last lines of its output, the log's path and the command that shows all of it", async () => {
    const state = path.join(dir, "state-failing");
    const t = io();
    expect(await main(["run", pipeline("failing", FAILING), "--state-dir", state], t.io)).toBe(1);
    const id = await executionOf(state);
    const log = path.join("state-failing", "executions", id, "logs", "build.log");
    const text = t.out();
    const report = text.slice(text.indexOf("✖ build"));
    expect(report).toContain("✖ build (run) TERMINAL: the command exited with code 3\n");
    expect(report).toContain(`  last 10 lines of ${log}:\n`);
    expect(report).toContain("  | line 7\n  | line 8\n");
    expect(report).toContain("  | line 15\n  | oops\n");
    expect(report).not.toContain("| line 6\n");
    expect(report).toContain(`  all of it: capstan logs ${id} build\n`);
    // A stage that succeeded is not reported.
    expect(report).not.toContain("other");
  });

  it("under --json the report goes to stderr, and stdout stays the record", async () => {
    const state = path.join(dir, "state-json");
    const t = io();
    expect(await main(["run", pipeline("failing", FAILING), "--state-dir", state, "--json"], t.io)).toBe(1);
    expect(JSON.parse(t.out()).status).toBe("TERMINAL");
    expect(t.err()).toContain("✖ build (run) TERMINAL: the command exited with code 3\n");
  });

  it("the live view keeps the last lines under a stage that failed", () => {
    const view = new LiveView(
      () => undefined,
      () => 1000,
      200,
    );
    const record = foldJournal([]);
    view.onEvent({ kind: "execution.completed", status: "TERMINAL", id: "", ts: 0 }, {
      ...record,
      id: "x",
      pipeline: "p",
      status: "TERMINAL",
      stages: [
        {
          refId: "build",
          id: "x-build",
          name: "build",
          type: "run",
          dependsOn: [],
          status: "TERMINAL",
          context: {},
          outputs: {},
          startTime: 0,
          endTime: 1000,
          error: "the command exited with code 3",
        },
      ],
    } as never);
    view.onLog("build", "compiling\nerror: x.ts:1 bad\n");
    expect(view.frame().slice(-2)).toEqual(["      | compiling", "      | error: x.ts:1 bad"]);
  });
});

describe("capstan logs", () => {
  it("prints a stage's output, every stage's output prefixed, and says what is unknown", async () => {
    const state = path.join(dir, "state-logs");
    expect(await main(["run", pipeline("failing", FAILING), "--state-dir", state], io().io)).toBe(1);
    const id = await executionOf(state);

    const one = io();
    expect(await main(["logs", id.slice(0, 8), "build", "--state-dir", state], one.io)).toBe(0);
    expect(one.out()).toBe(`${Array.from({ length: 15 }, (_, i) => `line ${i + 1}\n`).join("")}oops\n`);

    const all = io();
    expect(await main(["logs", id, "--state-dir", state], all.io)).toBe(0);
    expect(all.out()).toContain("build | line 1\n");
    expect(all.out()).toContain("other | fine\n");

    const typo = io();
    expect(await main(["logs", id, "biuld", "--state-dir", state], typo.io)).toBe(1);
    expect(typo.err()).toContain("has no stage 'biuld'");
    expect(typo.err()).toContain("Did you mean 'build'?");

    const none = io();
    expect(await main(["logs", "nope", "--state-dir", state], none.io)).toBe(1);
    expect(none.err()).toContain("no execution 'nope'");
  });

  it("--follow prints output as it is written and returns when the stage ends", async () => {
    const state = path.join(dir, "state-follow");
    const file = pipeline(
      "slow",
      `name: slow
stages:
  - id: s
    type: run
    command: "echo first; sleep 1; echo second; sleep 1; echo third"
`,
    );
    const running = main(["run", file, "--state-dir", state], io().io);
    const id = await executionOf(state);
    const t = io();
    const chunks: { at: number; text: string }[] = [];
    t.io.stdout = (text) => chunks.push({ at: Date.now(), text });
    const start = Date.now();
    expect(await main(["logs", id, "s", "--follow", "--state-dir", state], t.io)).toBe(0);
    expect(chunks.map((c) => c.text).join("")).toBe("first\nsecond\nthird\n");
    // It streamed: "first" came well before the stage ended.
    expect(chunks[0].at - start).toBeLessThan(1500);
    expect(Date.now() - start).toBeGreaterThan(1500);
    expect(await running).toBe(0);
  });
});
