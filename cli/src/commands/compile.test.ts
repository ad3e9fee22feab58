import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { compileCommand } from "./compile.js";

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd,
    env: {},
    isTTY: false,
  };
  return { io: value, out, err };
}

const PIPELINE = `name: Ship It
stages:
  - { id: a, type: wait, duration: 1s }
  - { id: j, type: manualJudgment, inputs: [go], dependsOn: [a] }
`;

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "capstan-compile-"));
  mkdirSync(join(dir, ".capstan", "pipelines"), { recursive: true });
  writeFileSync(join(dir, ".capstan", "pipelines", "ship.yml"), PIPELINE);
  return dir;
}

describe("capstan compile", () => {
  it("writes .github/workflows/capstan-<name>.yml, then --check passes", async () => {
    const dir = repo();
    const first = io(dir);
    expect(await compileCommand([], first.io)).toBe(0);
    const target = join(dir, ".github", "workflows", "capstan-ship-it.yml");
    expect(readFileSync(target, "utf8")).toContain("pipeline: .capstan/pipelines/ship.yml");
    expect(await compileCommand(["--check"], io(dir).io)).toBe(0);
  });

  it("--check fails on a changed pipeline, a missing workflow and an orphan", async () => {
    const dir = repo();
    expect(await compileCommand(["--check"], io(dir).io)).toBe(1);
    await compileCommand([], io(dir).io);
    writeFileSync(join(dir, ".capstan", "pipelines", "ship.yml"), `${PIPELINE}# changed\n`);
    const changed = io(dir);
    expect(await compileCommand(["--check"], changed.io)).toBe(1);
    expect(changed.err.join("")).toContain("was generated from another version of the pipeline");
    writeFileSync(
      join(dir, ".github", "workflows", "capstan-old.yml"),
      "# capstan-pipeline-hash: sha256:00\n",
    );
    await compileCommand([], io(dir).io);
    const orphan = io(dir);
    expect(await compileCommand(["--check"], orphan.io)).toBe(1);
    expect(orphan.err.join("")).toContain("capstan-old.yml has no pipeline any more");
  });

  it("writes to --out-dir and prints diagnostics with positions for a pipeline that does not compile", async () => {
    const dir = repo();
    writeFileSync(join(dir, "bad.yml"), "name: bad\nstages:\n  - { id: a, type: wait, dependsOn: [zz] }\n");
    const run = io(dir);
    expect(await compileCommand(["bad.yml", ".capstan/pipelines/ship.yml", "--out-dir", "out"], run.io)).toBe(
      1,
    );
    expect(run.out.join("")).toMatch(/bad\.yml:3:\d+ error/);
    expect(existsSync(join(dir, "out", "capstan-ship-it.yml"))).toBe(true);
    expect(existsSync(join(dir, "out", "capstan-bad.yml"))).toBe(false);
  });
});
