import { isScalar, isSeq } from "yaml";
import type { Diagnostic, Range, Span } from "../diagnostics/diagnostic.js";
import type { Stage } from "../model/types.js";
import type { PipelineAnalysis } from "./analysis.js";
import { upstreamIds } from "./complete-expression.js";
import { toLanguageDiagnostic } from "./diagnostics.js";
import { scalarText } from "./navigation.js";
import { regenerateWorkflowAction } from "./regenerate-workflow.js";
import type { CodeAction, LanguageContext, TextEdit } from "./types.js";
import { workflowStatus } from "./workflow-status.js";

const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

/**
 * Quick fixes for the diagnostics in `range`: quote an unquoted expression, "did you mean"
 * replacements (stage ids and names, stage types, parameters, secrets, functions, judgment
 * inputs), "Regenerate workflow" for an out-of-date generated workflow, and adding a missing `dependsOn` for a stage an expression reads but that does not
 * run before the stage holding it.
 */
export function codeActions(
  analysis: PipelineAnalysis,
  range: Range,
  context: LanguageContext,
): CodeAction[] {
  const span = { start: analysis.source.offset(range.start), end: analysis.source.offset(range.end) };
  const actions: CodeAction[] = [];
  for (const d of analysis.diagnostics) {
    if (!overlaps(d.span, span)) continue;
    const action = diagnosticFix(analysis, d, context);
    if (action) actions.push(action);
  }
  for (const d of workflowStatus(analysis, context.generatedWorkflow)) {
    if (!overlaps(d.span, span)) continue;
    const action = regenerateWorkflowAction(analysis, context, [
      toLanguageDiagnostic(analysis, d, context.uri),
    ]);
    if (action) actions.push(action);
  }
  actions.push(...missingDependsOn(analysis, span, context));
  return actions;
}

function diagnosticFix(
  analysis: PipelineAnalysis,
  d: Diagnostic,
  context: LanguageContext,
): CodeAction | undefined {
  const data = d.data ?? {};
  const diagnostics = [toLanguageDiagnostic(analysis, d, context.uri)];
  const replaceAt = (start: number, end: number, newText: string, title: string): CodeAction => ({
    title,
    kind: "quickfix",
    diagnostics,
    isPreferred: true,
    edit: { changes: { [context.uri]: [{ range: analysis.source.range({ start, end }), newText }] } },
  });
  if (
    typeof data.fixStart === "number" &&
    typeof data.fixEnd === "number" &&
    typeof data.replacement === "string"
  ) {
    const title =
      d.code === "expression-unquoted"
        ? "Quote the expression"
        : `Change to '${data.suggestion ?? data.replacement}'`;
    return replaceAt(data.fixStart, data.fixEnd, data.replacement, title);
  }
  if (typeof data.suggestion === "string") {
    const original = analysis.text.slice(d.span.start, d.span.end);
    return replaceAt(
      d.span.start,
      d.span.end,
      scalarText(data.suggestion, "PLAIN", original),
      `Change to '${data.suggestion}'`,
    );
  }
  return undefined;
}

/** `#stage('X')` / `#judgment('X')` inside stage S where X does not run before S: add X to S's dependsOn. */
function missingDependsOn(analysis: PipelineAnalysis, span: Span, context: LanguageContext): CodeAction[] {
  const { pipeline } = analysis;
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  for (const site of analysis.expressions.sites) {
    if (site.stageIndex === undefined || !overlaps(site.span, span)) continue;
    const holder = pipeline.stages[site.stageIndex];
    let upstream: Set<string> | undefined;
    for (const ref of site.references) {
      if (!ref.resolved || !overlaps(ref.span, span)) continue;
      if (ref.kind !== "stage-name" && ref.kind !== "stage-id" && ref.kind !== "judgment") continue;
      const read =
        ref.kind === "stage-id"
          ? pipeline.stages.find((s) => s.id === ref.name)
          : (pipeline.stages.find(
              (s) => s.name === ref.name && (ref.kind !== "judgment" || s.type === "manualJudgment"),
            ) ?? pipeline.stages.find((s) => s.name === ref.name));
      if (!read || read === holder) continue;
      upstream ??= new Set(upstreamIds(pipeline.stages, holder));
      if (upstream.has(read.id) || seen.has(`${holder.id}->${read.id}`)) continue;
      seen.add(`${holder.id}->${read.id}`);
      const edit = dependsOnEdit(analysis, holder, read.id);
      if (!edit) continue;
      out.push({
        title: `Add '${read.id}' to the dependsOn of '${holder.id}' (it reads stage '${read.name}', which may not have run yet)`,
        kind: "quickfix",
        isPreferred: false,
        edit: { changes: { [context.uri]: [edit] } },
      });
    }
  }
  return out;
}

function dependsOnEdit(analysis: PipelineAnalysis, stage: Stage, id: string): TextEdit | undefined {
  const { text, source } = analysis;
  const node = analysis.document.nodeAt(["stages", stage.index, "dependsOn"]);
  const at = (offset: number, newText: string): TextEdit => ({
    range: source.range({ start: offset, end: offset }),
    newText,
  });
  if (node && isSeq(node) && node.range) {
    if (node.flow) {
      const close = text.lastIndexOf("]", node.range[1]);
      if (close < 0) return undefined;
      return at(close, node.items.length > 0 ? `, ${id}` : id);
    }
    const last = node.items[node.items.length - 1] as { range?: [number, number, number] } | undefined;
    if (!last?.range) return undefined;
    const lineStartOffset = text.lastIndexOf("\n", last.range[0] - 1) + 1;
    const dash = text.slice(lineStartOffset, last.range[0]);
    return at(last.range[1], `\n${dash}${id}`);
  }
  if (node && isScalar(node)) return undefined;
  const first = Object.values(stage.source.fields).sort((a, b) => a.key.start - b.key.start)[0];
  if (!first) return undefined;
  const column = first.key.start - (text.lastIndexOf("\n", first.key.start - 1) + 1);
  const nextLine = text.indexOf("\n", first.key.start);
  if (nextLine < 0) return at(text.length, `\n${" ".repeat(column)}dependsOn: [${id}]`);
  return at(nextLine + 1, `${" ".repeat(column)}dependsOn: [${id}]\n`);
}
