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

describe("capstan import: the report", () => {
  const spinnaker = JSON.stringify({
    name: "deploy",
    updateTs: "1",
    stages: [
      { type: "wait", name: "Wait", waitTime: 30 },
      { type: "jenkins", name: "Build", job: "x" },
    ],
  });

  it("starts with the summary by kind, then the notes by kind", async () => {
    const r = repo();
    writeFileSync(join(r.dir, "pipeline.json"), spinnaker);
    const code = await main(["import", "spinnaker", "pipeline.json", "-o", "deploy.yml"], r.io);
    expect(code).toBe(0);
    const lines = r.err().split("\n");
    expect(lines[0]).toBe(
      "pipeline.json: 4 notes: 1 unsupported, 2 changed, 1 dropped; 1 about the stage graph",
    );
    expect(lines[1]).toBe("unsupported (1):");
  });

  it("--report FILE writes the report as JSON beside the YAML", async () => {
    const r = repo();
    writeFileSync(join(r.dir, "pipeline.json"), spinnaker);
    const code = await main(
      ["import", "spinnaker", "pipeline.json", "-o", "out/deploy.yml", "--report", "out/deploy.report.json"],
      r.io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(r.dir, "out", "deploy.report.json"), "utf8"));
    expect(report).toMatchObject({
      input: "pipeline.json",
      pipelines: [{ name: "deploy", path: "$", file: "out/deploy.yml" }],
      summary: { notes: 4, unsupported: 1, changed: 2, dropped: 1, graph: 1 },
    });
    expect(report.notes.map((n: { path: string }) => n.path)).toContain("$.updateTs");
    expect(r.err()).toContain("wrote out/deploy.report.json");
  });
});
