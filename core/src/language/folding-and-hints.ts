import type { Range } from "../diagnostics/diagnostic.js";
import { durationInWords, parseDuration } from "../model/duration.js";
import type { Stage } from "../model/types.js";
import type { PipelineAnalysis } from "./analysis.js";
import { cronInWords } from "./cron-words.js";
import { expressionSitesOverlapping } from "./expression-sites.js";
import type { FoldingRange, InlayHint } from "./types.js";

/** Folding: each top-level block and each stage item, up to its last line with content. */
export function foldingRanges(analysis: PipelineAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const fold = (start: number, end: number) => {
    const startLine = analysis.source.position(start).line;
    const endLine = lastLine(analysis, start, end);
    if (endLine > startLine) out.push({ startLine, endLine });
  };
  for (const field of Object.values(analysis.pipeline.source.fields)) fold(field.key.start, field.value.end);
  for (const stage of analysis.pipeline.stages) fold(stage.source.span.start, stage.source.span.end);
  return out.sort((a, b) => a.startLine - b.startLine);
}

/**
 * The line of the last character of `start..end` that is not white space. A block's span ends
 * where the next one starts (after its line break); folding to that line would hide the next key.
 */
function lastLine(analysis: PipelineAnalysis, start: number, end: number): number {
  const text = analysis.text;
  let at = end;
  while (at > start && /\s/.test(text[at - 1])) at--;
  return analysis.source.position(Math.max(start, at - 1)).line;
}

/**
 * Inlay hints in `range`: durations and cron expressions in words, parameter defaults in
 * expressions. Reads the model and the expressions of the range only (no validation).
 */
export function inlayHints(analysis: PipelineAnalysis, range: Range): InlayHint[] {
  const from = analysis.source.offset(range.start);
  const to = analysis.source.offset(range.end);
  const out: InlayHint[] = [];
  // A hint is in the range when the place it is shown (the end of what it explains) is.
  const hint = (offset: number, label: string) => {
    if (offset >= from && offset <= to)
      out.push({ position: analysis.source.position(offset), label, paddingLeft: true });
  };
  const stages = analysis.pipeline.stages;
  for (let k = firstEndingFrom(stages, from); k < stages.length; k++) {
    const stage = stages[k];
    if (stage.source.span.start > to) break;
    for (const key of ["duration", "timeout"]) {
      const field = stage.source.fields[key];
      const value = stage.config[key];
      const ms = typeof value === "string" ? parseDuration(value) : undefined;
      if (field && ms !== undefined) hint(field.value.end, durationInWords(ms));
    }
  }
  for (const trigger of analysis.pipeline.triggers) {
    const field = trigger.source.fields.expression;
    if (trigger.type === "cron" && field && typeof trigger.fields.expression === "string") {
      hint(field.value.end, cronInWords(trigger.fields.expression));
    }
  }
  const defaults = new Map(analysis.pipeline.parameters.map((p) => [p.name, p.default]));
  // Only the expressions in the range are looked at, and the document is not validated for them.
  for (const site of expressionSitesOverlapping(analysis, from - 1, to + 1)) {
    for (const ref of site.references) {
      const value = defaults.get(ref.name);
      if (ref.kind === "parameter" && value !== undefined) hint(ref.span.end, `= ${JSON.stringify(value)}`);
    }
  }
  return out.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

/** Index of the first stage whose item ends at or after `offset` (stages are in file order). */
function firstEndingFrom(stages: readonly Stage[], offset: number): number {
  let lo = 0;
  let hi = stages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stages[mid].source.span.end < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
