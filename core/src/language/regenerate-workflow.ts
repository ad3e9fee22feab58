import { compilePipelineText } from "../compile/compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { PipelineAnalysis } from "./analysis.js";
import type { CodeAction, LanguageContext, LanguageDiagnostic, WorkspaceEdit } from "./types.js";

/**
 * "Regenerate workflow": compiles this version of the pipeline as `capstan compile` does (with the
 * repository's action reference, `context.actionRef`; the runner comes from the pipeline) and
 * replaces the whole generated workflow (or creates it when it does not exist). Undefined when
 * the context does not say where the workflow goes or the pipeline does not compile.
 */
export function regenerateWorkflowAction(
  analysis: PipelineAnalysis,
  context: LanguageContext,
  diagnostics?: LanguageDiagnostic[],
): CodeAction | undefined {
  const { generatedWorkflowUri: uri, pipelineFile } = context;
  if (!uri || !pipelineFile) return undefined;
  const result = compilePipelineText(analysis.text, { pipelineFile, actionRef: context.actionRef });
  if (result.workflow === undefined || hasErrors(result.diagnostics)) return undefined;
  const current = context.generatedWorkflow;
  if (current === result.workflow) return undefined;
  const start = { line: 0, character: 0 };
  const edit: WorkspaceEdit =
    current === undefined
      ? {
          documentChanges: [
            // Overwrite: if something appeared there meanwhile, the insert must not land after it.
            { kind: "create", uri, options: { overwrite: true } },
            {
              textDocument: { uri, version: null },
              edits: [{ range: { start, end: start }, newText: result.workflow }],
            },
          ],
        }
      : {
          documentChanges: [
            {
              textDocument: { uri, version: null },
              edits: [{ range: { start, end: endOf(current) }, newText: result.workflow }],
            },
          ],
        };
  return {
    title: `${current === undefined ? "Generate" : "Regenerate"} workflow ${uri.slice(uri.lastIndexOf("/") + 1)}`,
    kind: "quickfix",
    ...(diagnostics ? { diagnostics } : {}),
    isPreferred: true,
    edit,
  };
}

/** The position just after the last character (LSP columns count UTF-16 units, as JS strings do). */
function endOf(text: string): { line: number; character: number } {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}
