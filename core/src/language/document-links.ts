import { isScalar } from "yaml";
import type { Span } from "../diagnostics/diagnostic.js";
import { scalarOffsetMap } from "../loader/scalar-offsets.js";
import type { PipelineAnalysis } from "./analysis.js";
import type { DocumentLink, LanguageContext } from "./types.js";

/**
 * Links in a pipeline file: `pipeline:` of `pipeline` stages and `type: pipeline` triggers to
 * the other pipeline's file, and in `run` stages the first path-like token of `command` and the
 * `workingDirectory` when they name an existing file or folder of the repository.
 */
export function documentLinks(analysis: PipelineAnalysis, context: LanguageContext): DocumentLink[] {
  const out: DocumentLink[] = [];
  const byName = new Map((context.pipelines ?? []).map((p) => [p.name, p.uri]));
  const pipelineLink = (value: unknown, span: Span | undefined) => {
    const target = typeof value === "string" ? byName.get(value) : undefined;
    if (!target || !span) return;
    out.push({
      range: analysis.source.range(unquoted(analysis, span)),
      target,
      tooltip: `Open pipeline '${value}'`,
    });
  };
  const resolve = context.resolveWorkspacePath;
  for (const stage of analysis.pipeline.stages) {
    if (stage.type === "pipeline") pipelineLink(stage.config.pipeline, stage.source.fields.pipeline?.value);
    if (stage.type !== "run" || !resolve) continue;
    const command = stage.config.command;
    if (typeof command === "string") {
      const token = pathToken(command, resolve);
      const at = token && valueSpan(analysis, ["stages", stage.index, "command"], token.start, token.end);
      if (token && at)
        out.push({ range: analysis.source.range(at), target: token.uri, tooltip: `Open ${token.path}` });
    }
    const dir = stage.config.workingDirectory;
    const dirUri = typeof dir === "string" && isRelativePath(dir) ? resolve(normalize(dir)) : undefined;
    const dirSpan = stage.source.fields.workingDirectory?.value;
    if (dirUri && dirSpan) {
      out.push({
        range: analysis.source.range(unquoted(analysis, dirSpan)),
        target: dirUri,
        tooltip: `Open ${dir}`,
      });
    }
  }
  for (const trigger of analysis.pipeline.triggers) {
    if (trigger.type === "pipeline")
      pipelineLink(trigger.fields.pipeline, trigger.source.fields.pipeline?.value);
  }
  return out.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

/** The first token of the command's first line that is a relative path to something that exists. */
function pathToken(
  command: string,
  resolve: (relativePath: string) => string | undefined,
): { start: number; end: number; path: string; uri: string } | undefined {
  const firstLine = command.split("\n")[0];
  for (const match of firstLine.matchAll(/[^\s;&|<>()'"`]+/g)) {
    const token = match[0];
    if (!isRelativePath(token) || !/[/.]/.test(token)) continue;
    const uri = resolve(normalize(token));
    if (uri) return { start: match.index, end: match.index + token.length, path: token, uri };
  }
  return undefined;
}

/** Relative, inside the repository, and not an expression, option, variable or URL. */
function isRelativePath(value: string): boolean {
  if (value === "" || value.startsWith("/") || value.startsWith("-") || value.startsWith("~")) return false;
  if (value.includes("${") || value.includes("$") || value.includes("://") || /^[A-Za-z]:[\\/]/.test(value)) {
    return false;
  }
  const parts = normalize(value).split("/");
  return parts[0] !== ".." && parts.every((p) => p !== "");
}

/** `./a//b/` → `a/b`; `.` stays `.`. */
function normalize(value: string): string {
  const parts = value.split("/").filter((p) => p !== "" && p !== ".");
  return parts.length === 0 ? "." : parts.join("/");
}

/** The source span of characters start..end of a scalar's value (quotes and escapes accounted for). */
function valueSpan(
  analysis: PipelineAnalysis,
  path: (string | number)[],
  start: number,
  end: number,
): Span | undefined {
  const node = analysis.document.nodeAt(path);
  if (!node || !isScalar(node)) return undefined;
  const map = scalarOffsetMap(analysis.text, node);
  return { start: map(start), end: map(end - 1) + 1 };
}

function unquoted(analysis: PipelineAnalysis, span: Span): Span {
  const first = analysis.text[span.start];
  const last = analysis.text[span.end - 1];
  if ((first === "'" || first === '"') && last === first && span.end - span.start >= 2) {
    return { start: span.start + 1, end: span.end - 1 };
  }
  return span;
}
