import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "./io.js";
import { main } from "./main.js";

function io(cwd = tmpdir()) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd,
    env: {},
    isTTY: false,
  };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

describe("capstan (the command line itself)", () => {
  it("with no command: usage on stderr and a non-zero exit", async () => {
    const t = io();
    expect(await main([], t.io)).toBe(2);
    expect(t.err()).toContain("Usage: capstan <command>");
    expect(t.out()).toBe("");
  });

  it("--help still prints the usage and exits 0", async () => {
    const t = io();
    expect(await main(["--help"], t.io)).toBe(0);
    expect(t.out()).toContain("Usage: capstan <command>");
  });

  it("a mistyped command gets a did-you-mean", async () => {
    const t = io();
    expect(await main(["judeg"], t.io)).toBe(2);
    expect(t.err()).toContain("capstan: unknown command 'judeg'. Did you mean 'judge'?");
  });

  it("run --help: the usage line lists every option, --no-triggers included", async () => {
    const t = io();
    expect(await main(["run", "--help"], t.io)).toBe(0);
    const usage = t.out().split("\n\n")[0];
    expect(usage).toContain("--no-triggers");
    expect(usage).toContain("--new");
  });
});

describe("capstan validate without pipelines", () => {
  it("says there is nothing to validate in the default folder, not 'errors found'", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-novalidate-"));
    mkdirSync(join(dir, ".capstan", "pipelines"), { recursive: true });
    const t = io(dir);
    expect(await main(["validate"], t.io)).toBe(1);
    expect(t.err()).toContain("no pipeline files in .capstan/pipelines/");
    expect(t.err()).not.toContain("errors found");
  });

  it("names the folder it was given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-novalidate-"));
    mkdirSync(join(dir, "empty"));
    const t = io(dir);
    expect(await main(["validate", "empty"], t.io)).toBe(1);
    expect(t.err()).toContain("no pipeline files in empty");
    expect(t.err()).not.toContain(".capstan/pipelines");
  });

  it("a path that does not exist (an unexpanded glob): no such file, then no pipelines checked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-novalidate-"));
    const t = io(dir);
    expect(await main(["validate", "x/*.yml"], t.io)).toBe(1);
    expect(t.err()).toContain("x/*.yml: no such file or directory");
    expect(t.err()).toContain("no pipeline files checked");
    expect(t.err()).not.toContain("errors found");
  });
});
