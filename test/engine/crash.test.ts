// Crash tests: `capstan run` is SIGKILLed at random points and run again (which resumes the
// execution it finds left running); the final record must match an uninterrupted run.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
let cli = "";
const child = path.join(root, "test", "engine", "fixtures", "crash-child.mjs");
const fixture = path.join(root, "test", "engine", "fixtures", "crash-pipeline.yml");

interface StageLike {
  refId: string;
  status: string;
  context: Record<string, unknown>;
  outputs: Record<string, unknown>;
  error?: string;
}
interface RecordLike {
  status: string;
  stages: StageLike[];
}

/** The record minus what differs between any two runs (times, ids, pids, attempts). */
function normal(r: RecordLike) {
  return {
    status: r.status,
    stages: r.stages.map((s) => {
      const { pid, scheduledTime, ...context } = s.context;
      return { refId: s.refId, status: s.status, context, outputs: s.outputs, error: s.error };
    }),
  };
}

let engineBundle = "";

/** The engine in a child process (fast to start: only the engine's modules). */
function startRun(stateDir: string, markDir: string): ChildProcess {
  return spawn(process.execPath, [child, stateDir, markDir, engineBundle], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** `capstan run` itself, which resumes an execution of the same file left running by a crash. */
function startCli(stateDir: string, markDir: string): ChildProcess {
  return spawn(
    process.execPath,
    [cli, "run", fixture, "--state-dir", stateDir, "--judge", "judge=continue", "--json"],
    { cwd: root, env: { ...process.env, MARK_DIR: markDir }, stdio: ["ignore", "pipe", "pipe"] },
  );
}

function finish(proc: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (d) => {
    stdout += d;
  });
  proc.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => proc.on("close", (code) => resolve({ code, stdout, stderr })));
}

function parse(out: { stdout: string; stderr: string }): RecordLike {
  try {
    return JSON.parse(out.stdout) as RecordLike;
  } catch {
    throw new Error(`no record printed; stderr:\n${out.stderr}`);
  }
}

function count(markDir: string, stage: string): number {
  try {
    return fs.readFileSync(path.join(markDir, stage), "utf8").split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("crash and resume", () => {
  beforeAll(async () => {
    // Private bundles of the engine and the CLI, built from the sources (rolldown, which vitest
    // brings): quick to start, and not affected by others rebuilding dist/ meanwhile.
    const { build } = await import("rolldown");
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-crash-build-"));
    engineBundle = path.join(out, "engine.mjs");
    cli = path.join(out, "capstan.mjs");
    const fixtures = path.join(root, "test", "engine", "fixtures");
    const alias = { "@capstan/core": path.join(root, "core", "src", "index.ts") };
    for (const [input, file] of [
      ["engine-entry.ts", engineBundle],
      ["cli-entry.ts", cli],
    ]) {
      await build({
        input: path.join(fixtures, input),
        platform: "node",
        resolve: { alias },
        // One file each, dynamic imports (lazy stages, the CLI's commands) included.
        output: { file, format: "esm", codeSplitting: false },
        logLevel: "silent",
      });
    }
  }, 60_000);

  it("SIGKILL at random points, then run again: same final record, nothing lost, nothing run twice", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-crash-"));
    const baseMarks = path.join(tmp, "base-marks");
    fs.mkdirSync(baseMarks);
    const base = await finish(startRun(path.join(tmp, "base"), baseMarks));
    expect(base.code).toBe(0);
    const baseline = normal(parse(base));
    expect(baseline.status).toBe("SUCCEEDED");

    const random = seeded(20240102);
    let kills = 0;
    let trials = 0;
    let interrupted = 0;
    while (kills < 50) {
      trials++;
      const stateDir = path.join(tmp, `s${trials}`);
      const marks = path.join(tmp, `m${trials}`);
      fs.mkdirSync(marks);
      let result: { code: number | null; stdout: string; stderr: string } | undefined;
      for (let attempt = 0; !result; attempt++) {
        const child = startRun(stateDir, marks);
        const done = finish(child);
        // Kill somewhere between process start-up and the end of the pipeline (~1.5 s); after a few
        // kills let it finish.
        const delay = attempt < 4 ? 200 + Math.floor(random() * 1400) : Number.POSITIVE_INFINITY;
        const timer = Number.isFinite(delay) ? setTimeout(() => child.kill("SIGKILL"), delay) : undefined;
        const out = await done;
        clearTimeout(timer);
        if (out.code === null) kills++;
        else result = out;
      }
      const record = parse(result);
      const once = record.stages.find((s) => s.refId === "once")!;
      // A non-retryable run stage never runs twice.
      expect(count(marks, "once")).toBeLessThanOrEqual(1);
      if (once.status === "TERMINAL") {
        // Killed while it ran: its result is unknown, so it is TERMINAL "interrupted" (not re-run).
        interrupted++;
        expect(once.error).toMatch(/^interrupted/);
        expect(record.status).toBe("TERMINAL");
        continue;
      }
      expect(normal(record)).toEqual(baseline);
      expect(count(marks, "once")).toBe(1);
      // Retryable stages ran at least once; every stage result is in the record.
      expect(count(marks, "prepare")).toBeGreaterThanOrEqual(1);
      expect(count(marks, "deploy")).toBeGreaterThanOrEqual(1);
    }
    expect(kills).toBeGreaterThanOrEqual(50);
    // Most trials are not cut inside the one short non-retryable command.
    expect(interrupted).toBeLessThan(trials / 2);
  }, 240_000);

  it("capstan run killed mid-way, run again: resumes the same execution and succeeds", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-crash-cli-"));
    const stateDir = path.join(tmp, "state");
    const marks = path.join(tmp, "marks");
    fs.mkdirSync(marks);
    const first = startCli(stateDir, marks);
    const firstDone = finish(first);
    // Kill once the journal shows the judgment done (the deploy stage is then running or next).
    const journalDir = path.join(stateDir, "executions");
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ids = fs.existsSync(journalDir) ? fs.readdirSync(journalDir) : [];
      const text = ids.length ? fs.readFileSync(path.join(journalDir, ids[0], "journal.jsonl"), "utf8") : "";
      if (text.includes('"judgment.given"')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill("SIGKILL");
    expect((await firstDone).code).toBeNull();
    const second = await finish(startCli(stateDir, marks));
    expect(second.code).toBe(0);
    const record = parse(second);
    expect(record.status).toBe("SUCCEEDED");
    expect(fs.readdirSync(journalDir)).toHaveLength(1);
    expect(count(marks, "once")).toBe(1);
  }, 60_000);
});
