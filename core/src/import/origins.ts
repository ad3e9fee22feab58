import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { nodeAtOffset } from "../language/yaml-path.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import { childPath } from "./json-path.js";
import { originKey } from "./pipeline.js";
import type { ImportDiagnostic, ImportedPipeline, SpanIndex } from "./types.js";

/** `stages[2].clusters[0].image`: a path of the converted pipeline for people. */
export function capstanPathText(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/**
 * The JSON path of the Spinnaker field a part of the converted pipeline came from: the nearest
 * recorded origin, followed further into the JSON by the remaining keys where they exist there.
 * `exact` is false when the place is only the nearest enclosing one (a field the importer made).
 */
export function jsonPathOf(
  pipeline: ImportedPipeline,
  path: readonly PathSegment[],
  spans?: SpanIndex,
): { path: string; exact: boolean } {
  const origins = pipeline.origins;
  for (let k = path.length; k >= 0 && origins; k--) {
    const base = origins.get(originKey(path.slice(0, k)));
    if (base === undefined) continue;
    let at = base;
    let i = k;
    for (; i < path.length; i++) {
      const next = childPath(at, path[i]);
      if (!spans?.has(next)) break;
      at = next;
    }
    return { path: at, exact: i === path.length };
  }
  return { path: pipeline.path, exact: path.length === 0 };
}

/**
 * Diagnostics of an imported pipeline's YAML placed in the JSON it came from, so `capstan
 * validate` and `capstan run` on Spinnaker JSON point at lines of that file. A diagnostic whose
 * field has no JSON counterpart sits at the nearest enclosing one and names the Capstan field.
 */
export function diagnosticsInJson(
  pipeline: ImportedPipeline,
  document: LoadedDocument,
  diagnostics: readonly Diagnostic[],
  spans: SpanIndex,
): ImportDiagnostic[] {
  const place = (offset: number) => {
    const hit = offset > 0 ? nodeAtOffset({ document }, offset) : undefined;
    const yamlPath = hit?.path ?? [];
    const { path, exact } = jsonPathOf(pipeline, yamlPath, spans);
    const span = spans.get(path) ?? spans.get(pipeline.path) ?? { start: 0, end: 0 };
    return { path, span, exact, yamlPath };
  };
  return diagnostics.map((d) => {
    const at = place(d.span.start);
    const where =
      at.exact || at.yamlPath.length === 0 ? "" : ` (Capstan field ${capstanPathText(at.yamlPath)})`;
    const related = d.related?.map((r) => ({ message: r.message, span: place(r.span.start).span }));
    return {
      ...d,
      message: `${d.message}${where}`,
      span: at.span,
      path: at.path,
      ...(related ? { related } : {}),
    };
  });
}
