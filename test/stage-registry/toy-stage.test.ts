// Issue 13: a stage type is one folder. The toy `echo` type in test/fixtures/stages/echo is added
// to a catalog through the public API and must show up, with no other edit, everywhere a
// built-in type does.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  analyzePipeline,
  buildPipelineSchema,
  builtinStages,
  complete,
  hover,
  importSpinnaker,
  renderFormatReference,
  renderStageReference,
  validatePipelineText,
} from "@capstan/core";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/src/io.js";
import { main } from "../../cli/src/main.js";
import { echoDefinition } from "../fixtures/stages/echo/definition.js";

const stages = builtinStages().with(echoDefinition);

const PIPELINE = `name: toy
stages:
  - id: say
    name: Say
    type: echo
    message: "hello \${ parameters.who }"
  - id: after
    type: wait
    dependsOn: [say]
    duration: "\${ #stage('Say')['outputs']['echoed'] == 'hello world' ? '0s' : 'wrong' }"
parameters:
  - name: who
    default: world
`;

/** The position of the `nth` occurrence of `needle` (plus `shift` characters). */
function positionOf(text: string, needle: string, shift = 0, nth = 1) {
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  const before = text.slice(0, at + shift).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe("a stage type from a folder outside core", () => {
  it("is in the schema", () => {
    const schema = buildPipelineSchema(stages);
    expect(schema.definitions?.["stage-echo"]?.properties?.message?.description).toBe("The text to publish.");
    expect(buildPipelineSchema().definitions?.["stage-echo"]).toBeUndefined();
  });

  it("validates: a pipeline using it is clean, a wrong field type is reported at its line", () => {
    expect(validatePipelineText(PIPELINE, "toy.yml", { stages }).diagnostics).toEqual([]);
    const wrong = PIPELINE.replace('message: "hello ${ parameters.who }"', "message: [1, 2]");
    const [problem, ...rest] = validatePipelineText(wrong, "toy.yml", { stages }).diagnostics;
    expect(rest).toEqual([]);
    expect(problem.severity).toBe("error");
    expect(problem.message).toContain("message");
    const line = wrong.slice(0, problem.span.start).split("\n").length;
    expect(wrong.split("\n")[line - 1]).toContain("message: [1, 2]");
    // Without the folder the type is unknown.
    expect(validatePipelineText(PIPELINE, "toy.yml").diagnostics.map((d) => d.code)).toContain(
      "unknown-stage-type",
    );
  });

  it("completes and explains its field and its output", () => {
    const keyText = PIPELINE.replace('    message: "hello ${ parameters.who }"\n', "    mes\n");
    const keys = complete(analyzePipeline(keyText, 0, { stages }), positionOf(keyText, "    mes", 7), {
      uri: "file:///toy.yml",
    });
    expect(keys.map((k) => k.label)).toContain("message");

    const analysis = analyzePipeline(PIPELINE, 0, { stages });
    const field = hover(analysis, positionOf(PIPELINE, "message:", 2));
    expect(field?.contents.value).toContain("The text to publish.");

    const outText = PIPELINE.replace("['echoed'] == 'hello world' ? '0s' : 'wrong' }", "['e }");
    const outputs = complete(
      analyzePipeline(outText, 0, { stages }),
      positionOf(outText, "['outputs']['e", 14),
      { uri: "file:///toy.yml" },
    );
    expect(outputs.map((o) => o.label)).toEqual(["echoed"]);
    const output = hover(analysis, positionOf(PIPELINE, "'echoed'", 3));
    expect(output?.contents.value).toContain("The stage's `message`, as evaluated.");
  });

  it("imports from Spinnaker JSON with its mapping", () => {
    const json = JSON.stringify({
      name: "toy",
      stages: [{ refId: "1", name: "Say", type: "spinnakerEcho", text: "hi", requisiteStageRefIds: [] }],
    });
    const result = importSpinnaker(json, {}, stages);
    expect(result.diagnostics).toEqual([]);
    expect(result.pipelines[0].value.stages).toEqual([
      expect.objectContaining({ type: "echo", name: "Say", message: "hi" }),
    ]);
    expect(result.report.map((n) => n.message)).toContain(
      "Spinnaker stage type spinnakerEcho is Capstan's echo",
    );
  });

  it("is in the generated docs", () => {
    const reference = renderStageReference(stages);
    expect(reference).toContain("## `echo`\n\nPublishes `message` as the output `echoed` and succeeds.");
    expect(reference).toContain("| `echoed` | string |");
    expect(renderFormatReference(stages)).toContain("### `echo` (Echo)");
  });

  it("runs with capstan run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-echo-"));
    const file = join(dir, "toy.yml");
    writeFileSync(file, PIPELINE);
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      cwd: dir,
      env: { CAPSTAN_USER: "tester" },
      isTTY: false,
      stages,
    };
    const code = await main(["run", file, "--json", "--state-dir", join(dir, "state")], io);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const record = JSON.parse(stdout);
    expect(record.status).toBe("SUCCEEDED");
    const say = record.stages.find((s: { refId: string }) => s.refId === "say");
    expect(say.outputs).toEqual({ echoed: "hello world" });
    expect(readFileSync(file, "utf8")).toBe(PIPELINE);
  });
});
