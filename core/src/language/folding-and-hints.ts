import type { Range } from "../diagnostics/diagnostic.js";
import { durationInWords, parseDuration } from "../model/duration.js";
import type { PipelineAnalysis } from "./analysis.js";
import { cronInWords } from "./cron-words.js";
import type { FoldingRange, InlayHint } from "./types.js";

/** Folding: each top-level block and each stage item. */
export function foldingRanges(analysis: PipelineAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const field of Object.values(analysis.pipeline.source.fields)) {
    const start = analysis.source.position(field.key.start).line;
    const end = analysis.source.position(field.value.end).line;
    if (end > start) out.push({ startLine: start, endLine: end });
  }
  for (const stage of analysis.pipeline.stages) {
    const start = analysis.source.position(stage.source.span.start).line;
    const end = analysis.source.position(stage.source.span.end).line;
    if (end > start) out.push({ startLine: start, endLine: end });
  }
  return out.sort((a, b) => a.startLine - b.startLine);
}

/** Inlay hints in `range`: durations and cron expressions in words, parameter defaults in expressions. */
export function inlayHints(analysis: PipelineAnalysis, range: Range): InlayHint[] {
  const from = analysis.source.offset(range.start);
  const to = analysis.source.offset(range.end);
  const out: InlayHint[] = [];
  const hint = (offset: number, label: string) =>
    out.push({ position: analysis.source.position(offset), label, paddingLeft: true });
  for (const stage of analysis.pipeline.stages) {
    if (stage.source.span.end < from || stage.source.span.start > to) continue;
    for (const key of ["timeout", "duration"]) {
      const field = stage.source.fields[key];
      const value = stage.config[key];
      const ms = typeof value === "string" ? parseDuration(value) : undefined;
      if (field && ms !== undefined) hint(field.value.end, durationInWords(ms));
    }
  }
  for (const trigger of analysis.pipeline.triggers) {
    const field = trigger.source.fields.expression;
    if (
      trigger.type === "cron" &&
      field &&
      typeof trigger.fields.expression === "string" &&
      field.value.start >= from &&
      field.value.end <= to
    ) {
      hint(field.value.end, cronInWords(trigger.fields.expression));
    }
  }
  const defaults = new Map(analysis.pipeline.parameters.map((p) => [p.name, p.default]));
  for (const site of analysis.expressions.sites) {
    if (site.span.end < from || site.span.start > to) continue;
    for (const ref of site.references) {
      const value = defaults.get(ref.name);
      if (ref.kind === "parameter" && value !== undefined) hint(ref.span.end, `= ${JSON.stringify(value)}`);
    }
  }
  return out;
}
