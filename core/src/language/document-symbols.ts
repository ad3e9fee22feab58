import type { PipelineAnalysis } from "./analysis.js";
import { type DocumentSymbol, SymbolKind } from "./types.js";

/** The outline: parameters, triggers and the stages with their types. */
export function documentSymbols(analysis: PipelineAnalysis): DocumentSymbol[] {
  const { pipeline, source } = analysis;
  const range = source.range.bind(source);
  const out: DocumentSymbol[] = [];
  const section = (key: string, kind: number, children: DocumentSymbol[]) => {
    const field = pipeline.source.fields[key];
    if (!field) return;
    out.push({
      name: key,
      kind,
      range: range({ start: field.key.start, end: field.value.end }),
      selectionRange: range(field.key),
      children,
    });
  };
  section(
    "parameters",
    SymbolKind.Array,
    pipeline.parameters.map((p) => ({
      name: p.name,
      detail: p.default !== undefined ? `= ${JSON.stringify(p.default)}` : undefined,
      kind: SymbolKind.Variable,
      range: range(p.source.span),
      selectionRange: range(p.source.fields.name?.value ?? p.source.span),
    })),
  );
  section(
    "triggers",
    SymbolKind.Array,
    pipeline.triggers.map((t) => ({
      name: t.type,
      kind: SymbolKind.Event,
      range: range(t.source.span),
      selectionRange: range(t.source.fields.type?.value ?? t.source.span),
    })),
  );
  section(
    "stages",
    SymbolKind.Array,
    pipeline.stages.map((s) => ({
      name: s.name,
      detail: s.id === s.name ? s.type : `${s.type} · ${s.id}`,
      kind: s.type === "manualJudgment" ? SymbolKind.Event : SymbolKind.Function,
      range: range(s.source.span),
      selectionRange: range(s.source.fields.name?.value ?? s.source.fields.id?.value ?? s.source.span),
    })),
  );
  return out;
}
