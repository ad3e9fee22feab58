import { stringify } from "yaml";
import type { Position, Range } from "../diagnostics/diagnostic.js";
import { pipelineSchema } from "../schema/pipeline-schema.js";
import { describeField, fieldsAt, stageTypes } from "../schema/schema-info.js";
import type { StageCatalog } from "../stages/catalog.js";
import type { PipelineAnalysis } from "./analysis.js";
import { completeExpression, expressionAt } from "./complete-expression.js";
import { type CursorContext, cursorContext } from "./cursor-context.js";
import { type CompletionItem, CompletionKind, type LanguageContext } from "./types.js";

const md = (value: string) => ({ kind: "markdown" as const, value });

/**
 * Completion at a position: inside `${ }` the expression language, elsewhere the schema's keys
 * and values for the node at the cursor (the stage's own type decides which fields exist),
 * stage ids in `dependsOn`, other pipelines for `pipeline`, and whole-stage snippets.
 */
export function complete(
  analysis: PipelineAnalysis,
  position: Position,
  context: LanguageContext,
): CompletionItem[] {
  const offset = analysis.source.offset(position);
  const rangeBack = (length: number): Range => ({
    start: { line: position.line, character: Math.max(0, position.character - length) },
    end: position,
  });
  const expression = expressionAt(analysis, offset);
  if (expression) return completeExpression(analysis, expression, rangeBack);
  const cursor = cursorContext(analysis, offset);
  if (!cursor) return [];
  const range = analysis.source.range(cursor.replace);
  const stages = analysis.options.stages;
  if (cursor.kind === "stage-item") return stageSnippets(range, cursor.indent, true, stages);
  if (cursor.kind === "key") return keyItems(cursor, range, stages);
  return valueItems(analysis, cursor, range, context);
}

function keyItems(cursor: CursorContext, range: Range, stages?: StageCatalog): CompletionItem[] {
  const fields = fieldsAt(cursor.dataPath, cursor.data, pipelineSchema(stages));
  const existing = new Set(cursor.existingKeys);
  return fields
    .filter((f) => !existing.has(f.name))
    .map((f) => ({
      label: f.name,
      kind: CompletionKind.Property,
      detail: `${f.type}${f.required ? " (required)" : ""}`,
      documentation: f.description ? md(f.description) : undefined,
      sortText: `${f.required ? "0" : f.name === "type" ? "0" : "1"}${f.name}`,
      textEdit: { range, newText: `${f.name}: ` },
    }));
}

function valueItems(
  analysis: PipelineAnalysis,
  cursor: CursorContext,
  range: Range,
  context: LanguageContext,
): CompletionItem[] {
  const { path } = cursor;
  const { pipeline } = analysis;
  const stages = analysis.options.stages;
  if (path[0] === "stages" && typeof path[1] === "number" && path.length === 2) {
    return stageSnippets(range, cursor.indent, false, stages);
  }
  if (path[0] === "stages" && path[2] === "type" && path.length === 3) {
    return stageTypes(stages).map((t) => ({
      label: t.name,
      kind: CompletionKind.EnumMember,
      detail: t.label,
      documentation: md(t.description),
      textEdit: { range, newText: t.name },
    }));
  }
  if (path[0] === "stages" && path[2] === "dependsOn") {
    const self = pipeline.stages[path[1] as number];
    const downstream = self ? downstreamIds(analysis, self.id) : new Set<string>();
    const flowList = path.length === 3;
    return pipeline.stages
      .filter((s) => s !== self && !downstream.has(s.id))
      .map((s) => ({
        label: s.id,
        kind: CompletionKind.Reference,
        detail: `${s.type} stage '${s.name}'`,
        textEdit: { range, newText: flowList ? `[${s.id}]` : s.id },
      }));
  }
  if (
    (path[0] === "stages" && path[2] === "pipeline") ||
    (path[0] === "triggers" && path[2] === "pipeline")
  ) {
    return (context.pipelines ?? [])
      .filter((p) => p.name !== pipeline.name)
      .map((p) => ({
        label: p.name,
        kind: CompletionKind.File,
        detail: p.uri,
        textEdit: { range, newText: p.name },
      }));
  }
  const info = describeField(cursor.dataPath, cursor.data, pipelineSchema(stages));
  if (!info) return [];
  const values = info.enum ?? (info.type.includes("boolean") ? ["true", "false"] : []);
  return values.map((v) => ({
    label: v,
    kind: CompletionKind.EnumMember,
    detail: info.name,
    textEdit: { range, newText: v },
  }));
}

/** Stage ids that depend on `id`, directly or not (they cannot be its dependencies). */
function downstreamIds(analysis: PipelineAnalysis, id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const stage of analysis.pipeline.stages) {
    for (const dep of stage.dependsOn) children.set(dep, [...(children.get(dep) ?? []), stage.id]);
  }
  const out = new Set<string>();
  const stack = [...(children.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (out.has(next)) continue;
    out.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return out;
}

/** A snippet per stage type, from the schema's example of that type. */
function stageSnippets(
  range: Range,
  indent: number,
  withDash: boolean,
  stages?: StageCatalog,
): CompletionItem[] {
  return stageTypes(stages).map((t, i) => {
    const yaml = stringify(t.example, { lineWidth: 0 }).trimEnd().split("\n");
    const pad = " ".repeat(indent + 2);
    const body = yaml.map((line, k) => (k === 0 ? line : `${pad}${line}`)).join("\n");
    return {
      label: `${t.name} stage`,
      kind: CompletionKind.Snippet,
      detail: t.label,
      documentation: md(`${t.description}\n\n\`\`\`yaml\n- ${yaml.join("\n  ")}\n\`\`\``),
      sortText: String(i).padStart(3, "0"),
      insertTextFormat: 1 as const,
      textEdit: { range, newText: withDash ? `- ${body}` : body },
    };
  });
}
