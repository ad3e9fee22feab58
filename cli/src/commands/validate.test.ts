import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { main } from "../main.js";

function repo(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "capstan-validate-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: dir,
    env: {},
    isTTY: false,
  };
  return { dir, io, out: () => out.join(""), err: () => err.join("") };
}

/** One-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

const spinnaker = JSON.stringify(
  {
    name: "deploy",
    updateTs: "1",
    stages: [
      { refId: "1", type: "jenkins", name: "Build", job: "x" },
      {
        refId: "2",
        type: "wait",
        name: "Soak",
        waitTime: 5,
        requisiteStageRefIds: ["1"],
        stageEnabled: { type: "expression", expression: "#nope()" },
      },
    ],
  },
  null,
  2,
);

describe("capstan validate on Spinnaker JSON", () => {
  it("points its diagnostics at lines of the JSON file", async () => {
    const r = repo({ "pipeline.json": spinnaker });
    const code = await main(["validate", "pipeline.json"], r.io);
    expect(code).toBe(1);
    const lines = r
      .out()
      .split("\n")
      .filter((l) => /^pipeline\.json:\d+:\d+ /.test(l));
    const at = (code: string) => lines.find((l) => l.includes(` ${code} `))?.split(" ")[0];
    expect(at("stage-type-unsupported")).toBe(`pipeline.json:${lineOf(spinnaker, '"jenkins"')}:15`);
    expect(lines.find((l) => l.includes(" error "))?.split(":")[1]).toBe(
      String(lineOf(spinnaker, "#nope()")),
    );
    // Nothing points into the converted YAML.
    expect(r.out()).not.toContain("as YAML");
  });

  it("shows the import report", async () => {
    const r = repo({ "pipeline.json": spinnaker });
    await main(["validate", "pipeline.json"], r.io);
    expect(r.err()).toMatch(/^pipeline\.json: \d+ notes?: .*dropped/m);
    expect(r.err()).toContain("$.updateTs: Spinnaker metadata");
  });
});

describe("capstan run on Spinnaker JSON", () => {
  it("shows the import report and points its errors at lines of the JSON file", async () => {
    const r = repo({ "pipeline.json": spinnaker });
    const code = await main(["run", "pipeline.json"], r.io);
    expect(code).toBe(1);
    expect(r.err()).toMatch(/pipeline\.json: \d+ notes?: /);
    expect(r.err()).toContain(`pipeline.json:${lineOf(spinnaker, "#nope()")}:`);
    expect(r.err()).not.toContain("as YAML");
  });
});
