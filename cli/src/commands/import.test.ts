import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { main } from "../main.js";

const SPINNAKER = JSON.stringify({
  name: "deploy",
  stages: [{ refId: "1", requisiteStageRefIds: [], type: "wait", name: "Wait", waitTime: 30 }],
});

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "capstan-import-"));
  writeFileSync(join(dir, "pipeline.json"), SPINNAKER);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: dir,
    env: {},
    isTTY: false,
  };
  return { dir, io, err: () => err.join("") };
}

describe("capstan import -o", () => {
  it("creates the missing folders of the output file (the README's command in a fresh repository)", async () => {
    const r = repo();
    const code = await main(
      ["import", "spinnaker", "pipeline.json", "-o", ".capstan/pipelines/deploy.yml"],
      r.io,
    );
    expect(r.err()).not.toContain("no such file");
    expect(code).toBe(0);
    const written = join(r.dir, ".capstan", "pipelines", "deploy.yml");
    expect(readFileSync(written, "utf8")).toContain("name: deploy");
  });

  it("a folder that cannot be created is named as the folder, not blamed on the output file", async () => {
    const r = repo();
    // `blocked` is a file, so no folder can be made under it.
    writeFileSync(join(r.dir, "blocked"), "");
    const code = await main(["import", "spinnaker", "pipeline.json", "-o", "blocked/sub/deploy.yml"], r.io);
    expect(code).toBe(2);
    expect(r.err()).toContain("cannot create the folder blocked/sub for blocked/sub/deploy.yml");
    expect(r.err()).not.toMatch(/deploy\.yml: no such file/);
    expect(existsSync(join(r.dir, "blocked", "sub"))).toBe(false);
  });

  it("an output folder without write permission says so", async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const r = repo();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(r.dir, "ro"));
    chmodSync(join(r.dir, "ro"), 0o500);
    const code = await main(["import", "spinnaker", "pipeline.json", "-o", "ro/deploy.yml"], r.io);
    expect(code).toBe(2);
    expect(r.err()).toContain("cannot write ro/deploy.yml: permission denied");
  });
});
