import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  analyzePipeline,
  codeActions,
  compilePipelineText,
  type LanguageContext,
  regenerateWorkflowAction,
  validate,
} from "@capstan/core";
import { describe, expect, test } from "vitest";

// The golden workflow is what `capstan compile` wrote for demo.yml from the repository root.
const dir = fileURLToPath(new URL("./regenerate/", import.meta.url));
const pipeline = readFileSync(`${dir}demo.yml`, "utf8");
const golden = readFileSync(`${dir}capstan-demo.golden.yml`, "utf8");
const uri = "file:///repo/.capstan/pipelines/demo.yml";
const workflowUri = "file:///repo/.github/workflows/capstan-demo.yml";
const base: LanguageContext = {
  uri,
  pipelineFile: ".capstan/pipelines/demo.yml",
  generatedWorkflowUri: workflowUri,
};

/** The actions offered over the whole document. */
function actionsOf(text: string, context: LanguageContext) {
  const analysis = analyzePipeline(text);
  const whole = { start: { line: 0, character: 0 }, end: analysis.source.position(text.length) };
  return { analysis, actions: codeActions(analysis, whole, context) };
}

describe("Regenerate workflow", () => {
  test("an out-of-date workflow is replaced as a whole by the compiled one", () => {
    // The pipeline was edited after the last compile: a longer wait.
    const edited = pipeline.replace("duration: 5s", "duration: 10s");
    const context = { ...base, generatedWorkflow: golden };
    const { analysis, actions } = actionsOf(edited, context);
    const [diagnostic] = validate(analysis, context).filter((d) => d.code === "workflow-out-of-date");
    expect(diagnostic).toBeDefined();
    const lines = golden.split("\n");
    expect(actions).toEqual([
      {
        title: "Regenerate workflow capstan-demo.yml",
        kind: "quickfix",
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: {
          documentChanges: [
            {
              textDocument: { uri: workflowUri, version: null },
              edits: [
                {
                  range: {
                    start: { line: 0, character: 0 },
                    end: { line: lines.length - 1, character: lines[lines.length - 1].length },
                  },
                  newText: expect.any(String),
                },
              ],
            },
          ],
        },
      },
    ]);
    const newText = actions[0].edit.documentChanges?.flatMap((c) => ("edits" in c ? c.edits : []))[0].newText;
    // Same as the golden but for the new hash and the new duration.
    expect(newText).not.toBe(golden);
    const strip = (t: string) => t.replace(/sha256:[0-9a-f]+/g, "HASH").replace(/10s|5s/g, "D");
    expect(strip(newText ?? "")).toBe(strip(golden));
  });

  test("the unchanged pipeline regenerates exactly the golden workflow (create when missing)", () => {
    // A workflow with a stale hash header makes the diagnostic; the fix writes the golden.
    const stale = golden.replace(/sha256:[0-9a-f]+/, `sha256:${"0".repeat(64)}`);
    const { actions } = actionsOf(pipeline, { ...base, generatedWorkflow: stale });
    expect(
      actions.map((a) => a.edit.documentChanges?.flatMap((c) => ("edits" in c ? c.edits : []))[0].newText),
    ).toEqual([golden]);

    // No workflow yet: no diagnostic, so no quick fix; the builder itself creates the file.
    expect(actionsOf(pipeline, base).actions).toEqual([]);
    expect(regenerateWorkflowAction(analyzePipeline(pipeline), base)).toEqual({
      title: "Generate workflow capstan-demo.yml",
      kind: "quickfix",
      isPreferred: true,
      edit: {
        documentChanges: [
          { kind: "create", uri: workflowUri, options: { overwrite: true } },
          {
            textDocument: { uri: workflowUri, version: null },
            edits: [
              {
                range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                newText: golden,
              },
            ],
          },
        ],
      },
    });
    // Up to date, or no pipelineFile to name in the header: nothing to offer.
    expect(
      regenerateWorkflowAction(analyzePipeline(pipeline), { ...base, generatedWorkflow: golden }),
    ).toBeUndefined();
    expect(
      regenerateWorkflowAction(analyzePipeline(pipeline), { uri, generatedWorkflowUri: workflowUri }),
    ).toBeUndefined();
  });
});

describe("Regenerate workflow writes what `capstan compile` writes", () => {
  const selfHosted = `${pipeline.replace(/^stages:/m, "runsOn: [self-hosted, deploy]\nstages:")}`;
  const stale = golden.replace(/sha256:[0-9a-f]+/, `sha256:${"0".repeat(64)}`);
  const newTextOf = (text: string, context: LanguageContext) =>
    actionsOf(text, { ...context, generatedWorkflow: stale }).actions[0]?.edit.documentChanges?.flatMap(
      (c) => ("edits" in c ? c.edits : []),
    )[0].newText;

  test("the action reference of the repository (context.actionRef) and the pipeline's runsOn", () => {
    const context = { ...base, actionRef: "acme/capstan@v1.2.0" };
    const text = newTextOf(selfHosted, context);
    expect(text).toBe(
      compilePipelineText(selfHosted, { pipelineFile: base.pipelineFile!, actionRef: "acme/capstan@v1.2.0" })
        .workflow,
    );
    expect(text).toContain("uses: acme/capstan@v1.2.0");
    expect(text).not.toContain("capstan-dev/capstan@");
    expect(text).toMatch(/runs-on:\n\s+- self-hosted\n\s+- deploy/);
  });
});
