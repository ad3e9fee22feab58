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

describe("capstan validate across files", () => {
  it("reports duplicate names, pipelines named by no file, undeclared accounts and refused URLs", async () => {
    const r = repo({});
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(r.dir, ".capstan", "pipelines"), { recursive: true });
    writeFileSync(
      join(r.dir, ".capstan", "application.yml"),
      "name: app\naccounts:\n  - { name: k8s, provider: kubernetes }\n",
    );
    writeFileSync(
      join(r.dir, ".capstan", "pipelines", "a.yml"),
      `name: deploy
stages:
  - { id: child, type: pipeline, pipeline: release }
  - { id: r, type: resizeServerGroup, cluster: app-prod, account: prod, action: scaleExact, capacity: { desired: 1 } }
  - { id: hook, type: webhook, url: "http://localhost:9000/x" }
`,
    );
    writeFileSync(
      join(r.dir, ".capstan", "pipelines", "b.yml"),
      "name: deploy\nstages:\n  - { id: w, type: wait, duration: 1s }\n",
    );
    const code = await main(["validate"], r.io);
    expect(code).toBe(1);
    const found = r
      .out()
      .split("\n")
      .flatMap((l) => {
        const m = /^(\S+):\d+:\d+ (\w+) ([\w-]+) /.exec(l);
        return m ? [[m[1], m[2], m[3]]] : [];
      });
    expect(found).toEqual([
      [".capstan/pipelines/a.yml", "error", "duplicate-pipeline-name"],
      [".capstan/pipelines/a.yml", "error", "unknown-pipeline"],
      [".capstan/pipelines/a.yml", "error", "unknown-account"],
      [".capstan/pipelines/a.yml", "error", "url-refused"],
      [".capstan/pipelines/b.yml", "error", "duplicate-pipeline-name"],
    ]);
    // The run's allowance for loopback URLs is honoured.
    const allowed = repo({});
    allowed.io.cwd = r.dir;
    allowed.io.env = { CAPSTAN_ALLOW_LOOPBACK_URLS: "1" };
    await main(["validate", ".capstan/pipelines/a.yml"], allowed.io);
    expect(allowed.out()).not.toContain("url-refused");
    expect(allowed.out()).toContain("duplicate-pipeline-name");
  });
});
