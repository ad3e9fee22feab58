import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../engine/clock.js";
import { nodeProcessRunner } from "../../engine/node-services.js";
import { runPipeline, statuses } from "../../engine/testdata/kit.js";
import { parseOutputFile } from "./output-file.js";

const services = () => ({
  clock: systemClock,
  processes: nodeProcessRunner,
  env: { PATH: process.env.PATH ?? "" },
  workingDirectory: fs.mkdtempSync(path.join(os.tmpdir(), "capstan-run-")),
});

describe("run stage", () => {
  it("runs the command, streams output, and reads JSON outputs from $CAPSTAN_OUTPUT", async () => {
    const logs: string[] = [];
    const r = await runPipeline(
      `
name: p
stages:
  - id: build
    type: run
    env: { GREETING: hello }
    command: 'echo "$GREETING from $(pwd)"; echo oops >&2; echo "{\\"version\\": \\"1.2.3\\", \\"n\\": 2}" > "$CAPSTAN_OUTPUT"'
`,
      { ...services(), observer: { onLog: (_ref, text) => logs.push(text) } },
    );
    expect(statuses(r)).toEqual({ build: "SUCCEEDED" });
    expect(r.stages[0].outputs).toEqual({ version: "1.2.3", n: 2 });
    expect(r.stages[0].context.exitCode).toBe(0);
    expect(logs.join("")).toContain("hello from");
    expect(logs.join("")).toContain("oops");
  });

  it("KEY=VALUE outputs, working directory, args without a shell", async () => {
    const s = services();
    fs.mkdirSync(path.join(s.workingDirectory, "sub"));
    const r = await runPipeline(
      `
name: p
stages:
  - { id: a, type: run, workingDirectory: sub, command: 'printf "DIR=%s\\n# note\\nX = 1\\n" "$(basename "$PWD")" > "$CAPSTAN_OUTPUT"' }
  - { id: b, type: run, dependsOn: [a], args: [node, -e, "process.exit(0)"] }
`,
      s,
    );
    expect(statuses(r)).toEqual({ a: "SUCCEEDED", b: "SUCCEEDED" });
    expect(r.stages[0].outputs).toEqual({ DIR: "sub", X: "1" });
  });

  it("a non-zero exit is TERMINAL with the code, then onFailure applies", async () => {
    const r = await runPipeline(
      `
name: p
stages:
  - { id: a, type: run, command: "exit 3", onFailure: ignore }
  - { id: b, type: run, command: "true", dependsOn: [a] }
`,
      services(),
    );
    expect(statuses(r)).toEqual({ a: "FAILED_CONTINUE", b: "SUCCEEDED" });
    expect(r.stages[0].error).toBe("the command exited with code 3");
    expect(r.stages[0].context.exitCode).toBe(3);
  });

  it("a timeout kills the command", async () => {
    const r = await runPipeline(
      `
name: p
stages:
  - { id: a, type: run, command: "sleep 30", timeout: 1s }
`,
      services(),
    );
    expect(statuses(r)).toEqual({ a: "TERMINAL" });
    expect(r.stages[0].context.exception).toMatchObject({ exceptionType: "TimeoutException" });
    expect(r.endTime! - r.startTime!).toBeLessThan(5000);
  });
});

describe("$CAPSTAN_OUTPUT parsing", () => {
  it("reads JSON objects and properties, rejects other JSON", () => {
    expect(parseOutputFile('{"a": [1]}')).toEqual({ outputs: { a: [1] } });
    expect(parseOutputFile("a=1\nb: two\n# c=3\n")).toEqual({ outputs: { a: "1", b: "two" } });
    expect(parseOutputFile("[1]")).toEqual({
      error: "the $CAPSTAN_OUTPUT file holds JSON that is not an object",
    });
  });
});
