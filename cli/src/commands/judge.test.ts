import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileStateStore, foldJournal } from "@capstan/core";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { main } from "../main.js";
import { lineProgress } from "../run/progress.js";
import { localUser } from "../user.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-judge-"));
const file = path.join(dir, "p.yml");
fs.writeFileSync(
  file,
  `name: judged
stages:
  - { id: judge, name: Go or not, type: manualJudgment, inputs: [continue, rollback] }
  - { id: after, type: wait, duration: 1s, dependsOn: [judge] }
`,
);
const state = path.join(dir, "state");

function io(env: NodeJS.ProcessEnv = { USER: "tester" }) {
  const out: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    isTTY: false,
  };
  return { io: value, text: () => out.join("") };
}

async function waitingExecution(): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const store = new FileStateStore(state);
    const id = store.list()[0];
    const waiting = id && foldJournal(store.read(id)).stages[0].waitingFor;
    store.close();
    if (id && waiting) return id;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no waiting execution");
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("capstan judge", () => {
  it("typos in the stage or the input get a did-you-mean and nothing is sent; the log line shows the input and the user", async () => {
    const run = io({ USER: "alice" });
    const running = main(["run", file, "--state-dir", state], run.io);
    const id = await waitingExecution();

    const stage = io();
    expect(await main(["judge", id, "jugde", "rollback", "--state-dir", state], stage.io)).toBe(1);
    expect(stage.text()).toContain("no manual judgment 'jugde'");
    expect(stage.text()).toContain("Did you mean 'judge'?");

    const input = io();
    expect(await main(["judge", id, "judge", "rollbak", "--state-dir", state], input.io)).toBe(1);
    expect(input.text()).toContain(
      "'rollbak' is not an input of 'Go or not' (inputs: continue, rollback, or stop).",
    );
    expect(input.text()).toContain("Did you mean 'rollback'?");
    expect(new FileStateStore(state).readCommands(id)).toEqual([]);

    const good = io({ USER: "bob" });
    expect(await main(["judge", id, "Go or not", "rollback", "--state-dir", state], good.io)).toBe(0);
    expect(await running).toBe(0);
    expect(run.text()).toContain("judge: judged rollback by bob\n");
    expect(run.text()).not.toContain("anonymous");
  });
});

describe("the judged line", () => {
  const at = () => Date.UTC(2024, 0, 2, 12, 0, 0);
  const record = { stages: [] } as never;
  const lines = (event: Record<string, unknown>) => {
    const out: string[] = [];
    lineProgress((t) => out.push(t), at).onEvent?.(
      { kind: "judgment.given", refId: "judge", id: "", ts: 0, ...event } as never,
      record,
    );
    return out.join("");
  };

  it("names the chosen input, or says stopped", () => {
    expect(lines({ judgmentStatus: "continue", judgmentInput: "rollback", user: "alice" })).toBe(
      "[12:00:00] judge: judged rollback by alice\n",
    );
    expect(lines({ judgmentStatus: "continue", user: "alice" })).toBe(
      "[12:00:00] judge: judged continue by alice\n",
    );
    expect(lines({ judgmentStatus: "stop", user: "alice" })).toBe("[12:00:00] judge: stopped by alice\n");
  });
});

describe("localUser", () => {
  it("CAPSTAN_USER, then the login from the environment, then git's user.name, then the OS account", () => {
    expect(localUser({ CAPSTAN_USER: "ci", USER: "alice" }, dir)).toBe("ci");
    expect(localUser({ USER: "alice" }, dir)).toBe("alice");
    expect(localUser({ LOGNAME: "carol" }, dir)).toBe("carol");
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-user-"));
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
    git("init", "-q");
    git("config", "user.name", "Dana Scully");
    expect(localUser({ PATH: process.env.PATH }, repo)).toBe("Dana Scully");
    // No git identity: the operating system's account, never "anonymous".
    expect(localUser({ PATH: "" }, dir)).toBe(os.userInfo().username);
  });
});
