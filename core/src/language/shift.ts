import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import type { NodeSource, Stage } from "../model/types.js";
import type { ExpressionSite } from "../validate/expressions.js";

// Moving results computed for one version of a document to the offsets of a later version, where
// the text before them grew or shrank by `by` characters. Every function copies; nothing is mutated.

/** A span moved by `by`. */
export const shiftSpan = (span: Span, by: number): Span => ({ start: span.start + by, end: span.end + by });

/** A diagnostic and its related spans and quick-fix offsets, moved. */
export function shiftDiagnostic(d: Diagnostic, by: number): Diagnostic {
  const out: Diagnostic = { ...d, span: shiftSpan(d.span, by) };
  if (d.related) out.related = d.related.map((r) => ({ ...r, span: shiftSpan(r.span, by) }));
  if (d.data && (typeof d.data.fixStart === "number" || typeof d.data.fixEnd === "number")) {
    const data = { ...d.data };
    if (typeof data.fixStart === "number") data.fixStart += by;
    if (typeof data.fixEnd === "number") data.fixEnd += by;
    out.data = data;
  }
  return out;
}

/** A node's spans, moved. */
export function shiftSource(source: NodeSource, by: number): NodeSource {
  const fields: NodeSource["fields"] = {};
  for (const key of Object.keys(source.fields)) {
    const field = source.fields[key];
    const moved = { key: shiftSpan(field.key, by), value: shiftSpan(field.value, by) };
    // A `__proto__` key is data: define it, as the model builder does; plain assignment is faster.
    if (key === "__proto__")
      Object.defineProperty(fields, key, {
        value: moved,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else fields[key] = moved;
  }
  return { span: shiftSpan(source.span, by), fields };
}

const hasSource = (item: unknown): item is { source: NodeSource } => {
  const source = (item as { source?: Partial<NodeSource> } | null)?.source;
  return typeof source === "object" && source !== null && typeof source.span === "object" && !!source.fields;
};

/** A stage model with every span it holds, moved. */
export function shiftStage(stage: Stage, by: number): Stage {
  const out = {
    ...stage,
    source: shiftSource(stage.source, by),
    dependsOnSpans: stage.dependsOnSpans.map((s) => shiftSpan(s, by)),
    window: stage.window && { ...stage.window, source: shiftSource(stage.window.source, by) },
    notifications: stage.notifications.map((n) => ({ ...n, source: shiftSource(n.source, by) })),
  } as Stage;
  // Typed fields of a stage type that keep the source of their items (checkPreconditions'
  // `preconditions`): any list of items with a `source`.
  const typed = out as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(stage)) {
    if (key === "notifications" || !Array.isArray(value) || value.length === 0) continue;
    if (value.every(hasSource))
      typed[key] = value.map((item) => ({ ...item, source: shiftSource(item.source, by) }));
  }
  return out;
}

/** An expression site with its expressions and references, moved. */
export function shiftSite(site: ExpressionSite, by: number): ExpressionSite {
  return {
    ...site,
    span: shiftSpan(site.span, by),
    offsets: site.offsets?.map((o) => o + by),
    expressions: site.expressions.map((e) => ({
      ...e,
      span: shiftSpan(e.span, by),
      sourceSpan: shiftSpan(e.sourceSpan, by),
    })),
    references: site.references.map((r) => ({ ...r, span: shiftSpan(r.span, by) })),
  };
}

/**
 * A diagnostic whose spans may lie in different places that moved by different amounts:
 * `move` maps each offset, or answers undefined when it cannot (then so does this).
 */
export function moveDiagnostic(
  d: Diagnostic,
  move: (offset: number) => number | undefined,
): Diagnostic | undefined {
  const span = moveSpan(d.span, move);
  if (!span) return undefined;
  const out: Diagnostic = { ...d, span };
  if (d.related) {
    const related = [];
    for (const r of d.related) {
      const moved = moveSpan(r.span, move);
      if (!moved) return undefined;
      related.push({ ...r, span: moved });
    }
    out.related = related;
  }
  // Quick-fix offsets live next to the main span.
  if (d.data && (typeof d.data.fixStart === "number" || typeof d.data.fixEnd === "number")) {
    const by = span.start - d.span.start;
    const data = { ...d.data };
    if (typeof data.fixStart === "number") data.fixStart += by;
    if (typeof data.fixEnd === "number") data.fixEnd += by;
    out.data = data;
  }
  return out;
}

function moveSpan(span: Span, move: (offset: number) => number | undefined): Span | undefined {
  const start = move(span.start);
  if (start === undefined) return undefined;
  // The end belongs to the same place as the start (an end offset can equal the next item's start).
  return { start, end: span.end + (start - span.start) };
}
