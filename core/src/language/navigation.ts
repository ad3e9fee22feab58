import type { Scalar } from "yaml";
import type { Position, Range, Span } from "../diagnostics/diagnostic.js";
import { slugify } from "../model/slugify.js";
import type { PipelineAnalysis } from "./analysis.js";
import { type Occurrence, occurrences, type Target, targetAt } from "./symbols-at.js";
import type { LanguageContext, Location, TextEdit, WorkspaceEdit } from "./types.js";

const location = (analysis: PipelineAnalysis, uri: string, span: Span): Location => ({
  uri,
  range: analysis.source.range(span),
});

/** Go to definition: the declaration of the stage, parameter, secret or pipeline named at the cursor. */
export function definition(
  analysis: PipelineAnalysis,
  position: Position,
  context: LanguageContext,
): Location[] {
  const target = targetAt(analysis, analysis.source.offset(position));
  if (!target) return [];
  if (target.kind === "pipeline") {
    const other = context.pipelines?.find((p) => p.name === target.name);
    return other
      ? [{ uri: other.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]
      : [];
  }
  const declarations = occurrences(analysis, target).filter((o) => o.declaration);
  if (target.kind === "stage") {
    const preferred = declarations.find((o) => o.aspect === target.aspect) ?? declarations[0];
    return [
      location(
        analysis,
        context.uri,
        preferred ? stripQuotes(analysis, preferred.span) : target.stage.source.span,
      ),
    ];
  }
  return declarations.slice(0, 1).map((o) => location(analysis, context.uri, stripQuotes(analysis, o.span)));
}

/** Find references: every place naming the same thing (expressions included). */
export function references(
  analysis: PipelineAnalysis,
  position: Position,
  context: LanguageContext,
  includeDeclaration = true,
): Location[] {
  const target = targetAt(analysis, analysis.source.offset(position));
  if (!target || target.kind === "pipeline") return [];
  return occurrences(analysis, target)
    .filter((o) => includeDeclaration || !o.declaration)
    .map((o) => location(analysis, context.uri, stripQuotes(analysis, o.span)));
}

/** The range and current text of what would be renamed, or undefined (with the reason) when nothing can be. */
export function prepareRename(
  analysis: PipelineAnalysis,
  position: Position,
): { range: Range; placeholder: string } | { error: string } {
  const target = targetAt(analysis, analysis.source.offset(position));
  if (!target) return { error: "Rename works on stage ids and names, parameters and secrets." };
  if (target.kind === "pipeline") return { error: "Rename the other pipeline in its own file." };
  if (target.kind === "stage") {
    const field = target.stage.source.fields[target.aspect];
    if (!field) {
      return {
        error:
          target.aspect === "id"
            ? `Stage '${target.stage.name}' has no id of its own (it comes from its name); rename its name or add an id.`
            : `Stage '${target.stage.id}' has no name of its own; rename its id or add a name.`,
      };
    }
    return {
      range: analysis.source.range(target.span),
      placeholder: target.aspect === "id" ? target.stage.id : target.stage.name,
    };
  }
  return { range: analysis.source.range(target.span), placeholder: target.name };
}

/** Renames a stage id or name, a parameter or a secret everywhere, expressions included. */
export function rename(
  analysis: PipelineAnalysis,
  position: Position,
  newName: string,
  context: LanguageContext,
): WorkspaceEdit | { error: string } {
  const prepared = prepareRename(analysis, position);
  if ("error" in prepared) return prepared;
  const target = targetAt(analysis, analysis.source.offset(position)) as Target;
  if (/['"\\\n]/.test(newName) || newName.trim() === "")
    return { error: "New names cannot be empty or contain quotes, backslashes or line breaks." };
  if (target.kind === "stage" && target.aspect === "id" && !/^[A-Za-z0-9_.-]+$/.test(newName)) {
    return { error: "Stage ids use letters, digits, '_', '.' and '-' only." };
  }
  const all = occurrences(analysis, target);
  const edits: TextEdit[] = [];
  const implicitId = target.kind === "stage" && target.aspect === "name" && !target.stage.source.fields.id;
  for (const o of all) {
    if (target.kind === "stage" && o.aspect !== target.aspect) {
      // Renaming a name also renames the id it defaults to.
      if (implicitId && o.aspect === "id" && !o.declaration) edits.push(edit(analysis, o, slugify(newName)));
      continue;
    }
    edits.push(edit(analysis, o, newName));
  }
  return { changes: { [context.uri]: edits } };
}

function edit(analysis: PipelineAnalysis, o: Occurrence, value: string): TextEdit {
  if (o.inExpression) return { range: analysis.source.range(o.span), newText: value };
  return {
    range: analysis.source.range(o.span),
    newText: scalarText(value, o.style, analysis.text.slice(o.span.start, o.span.end)),
  };
}

/** The YAML text for a scalar value, keeping the original quoting when it had any. */
export function scalarText(value: string, style: Scalar["type"], original: string): string {
  if (style === "QUOTE_SINGLE" || original.startsWith("'")) return `'${value.replace(/'/g, "''")}'`;
  if (style === "QUOTE_DOUBLE" || original.startsWith('"')) return JSON.stringify(value);
  const plainSafe =
    /^[A-Za-z0-9_/][\w ./-]*$/.test(value) &&
    !value.endsWith(" ") &&
    !/^(true|false|null|~|[-+]?\d[\d._]*)$/i.test(value);
  return plainSafe ? value : JSON.stringify(value);
}

function stripQuotes(analysis: PipelineAnalysis, span: Span): Span {
  const first = analysis.text[span.start];
  if (
    (first === "'" || first === '"') &&
    span.end - span.start >= 2 &&
    analysis.text[span.end - 1] === first
  ) {
    return { start: span.start + 1, end: span.end - 1 };
  }
  return span;
}
