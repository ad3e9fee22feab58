import { readdirSync, readFileSync } from "node:fs";
import { compilePipelineText, hasErrors } from "@capstan/core";
import { describe, expect, it } from "vitest";
import { actionlintErrors, githubParserErrors, schemaStoreErrors } from "./validators.js";

const root = new URL("../../", import.meta.url);
const sources = [
  ...readdirSync(new URL("examples/", root))
    .filter((f) => f.endsWith(".yml"))
    .map((f) => `examples/${f}`),
  ...readdirSync(new URL("test/workflow-sim/fixtures/", root))
    .filter((f) => f.endsWith(".yml"))
    .map((f) => `test/workflow-sim/fixtures/${f}`),
];

const compiled = sources.flatMap((file) => {
  const result = compilePipelineText(readFileSync(new URL(file, root), "utf8"), { pipelineFile: file });
  // A pipeline that does not validate has no workflow; `capstan validate` reports it.
  return result.workflow && !hasErrors(result.diagnostics) ? [{ file, workflow: result.workflow }] : [];
});

describe("compiled workflows pass GitHub's parser, SchemaStore's schema and actionlint", () => {
  it("compiles most examples", () => {
    expect(compiled.length).toBeGreaterThanOrEqual(5);
  });

  for (const { file, workflow } of compiled) {
    it(file, async () => {
      expect(await githubParserErrors(file, workflow)).toEqual([]);
      // `concurrency.queue` (GitHub, May 2026) is in GitHub's own parser but not yet in SchemaStore's
      // schema or actionlint: those two check the workflow without it, and must fail only on it.
      const withoutQueue = workflow.replace(/^ {2}queue: max\n/m, "");
      if (withoutQueue !== workflow) {
        expect(schemaStoreErrors(workflow)).toEqual(["one_of: OneOf conditions are not met at /concurrency"]);
      }
      expect(schemaStoreErrors(withoutQueue)).toEqual([]);
      // `deploy`: the examples' self-hosted runner label (runsOn: [self-hosted, deploy]), which an
      // actionlint.yaml would declare.
      expect(
        await actionlintErrors(`.github/workflows/${file.replace(/\//g, "-")}`, withoutQueue, ["deploy"]),
      ).toEqual([]);
    });
  }

  it("each validator catches a broken workflow (so a pass means something)", async () => {
    const broken = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    needs: [missing]
    if: \${{ needs.missing.outputs.x == }}
    environment: 42x
    steps:
      - uses: actions/checkout@v4
        bogus: 1
`;
    expect((await githubParserErrors("broken.yml", broken)).length).toBeGreaterThan(0);
    expect(schemaStoreErrors(broken).length).toBeGreaterThan(0);
    expect((await actionlintErrors("broken.yml", broken)).length).toBeGreaterThan(0);
    // Only the declared custom labels are let through.
    const custom = broken.replace("runs-on: ubuntu-latest", "runs-on: [self-hosted, deploy, mystery]");
    expect((await actionlintErrors("custom.yml", custom, ["deploy"])).join("\n")).toMatch(
      /label "mystery" is unknown/,
    );
    expect((await actionlintErrors("custom.yml", custom, ["deploy"])).join("\n")).not.toMatch(
      /label "deploy" is unknown/,
    );
  });
});
