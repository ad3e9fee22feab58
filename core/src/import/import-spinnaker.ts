import { SourceText } from "../diagnostics/source-text.js";
import type { StageCatalog } from "../stages/catalog.js";
import { builtinStages } from "../stages/index.js";
import { ImportContext } from "./context.js";
import { parseJson } from "./json-parser.js";
import { childPath, isRecord } from "./json-path.js";
import { convertPipeline, pipelineOrigins } from "./pipeline.js";
import type { ImportedPipeline, ImportOptions, ImportResult } from "./types.js";
import { toPipelineYaml } from "./yaml-output.js";

const DINGHY_KEYS: Record<string, string> = {
  application: "the dinghyfile's application; Capstan's is the repository",
  globals: "dinghy template globals; render the dinghyfile first if it uses templates",
  deleteStalePipelines: "Capstan pipelines are files; delete a file to delete a pipeline",
  spec: "application spec; application-wide settings go in .capstan/application.yml",
};

/**
 * The first template action of a dinghyfile (Go templates: `{{ module "x" }}`, `{{ var "x" }}`,
 * `{{ if ... }}`), when the text is one; dinghy renders those into JSON.
 */
function dinghyTemplate(text: string): { offset: number; end: number; keyword: string } | undefined {
  const m =
    /\{\{-?\s*(module|appModule|var|pipelineID|if|range|with|define|template|block|\$\w*|\.\w*)\b[^}]*\}\}/.exec(
      text,
    );
  if (!m) return undefined;
  return { offset: m.index, end: m.index + m[0].length, keyword: m[1] };
}

/**
 * Converts Spinnaker pipeline JSON text (one pipeline, a list of them, or a dinghyfile
 * `{ "pipelines": [...] }`) into Capstan pipelines, with a report of every field that was dropped
 * or changed. Never throws: malformed JSON comes back as a diagnostic with its line and column.
 */
export function importSpinnaker(
  jsonText: string,
  options: ImportOptions = {},
  stages: StageCatalog = builtinStages(),
): ImportResult {
  const parsed = parseJson(jsonText);
  const source = new SourceText(jsonText);
  const locate = (offset: number) => {
    const p = source.position(offset);
    return { line: p.line + 1, column: p.character + 1 };
  };
  if (!parsed.ok) {
    const dinghy = dinghyTemplate(jsonText);
    if (dinghy) {
      const at = locate(dinghy.offset);
      return {
        pipelines: [],
        report: [],
        diagnostics: [
          {
            code: "dinghy-template",
            severity: "error",
            message: `this is a dinghy template (line ${at.line} uses {{ ${dinghy.keyword} ... }}), not pipeline JSON: render it first (arm dinghy render dinghyfile > rendered.json, with its modules) and import the rendered JSON`,
            span: { start: dinghy.offset, end: dinghy.end },
            ...at,
          },
        ],
      };
    }
    const { offset, message } = parsed.error;
    const at = locate(offset);
    return {
      pipelines: [],
      report: [],
      diagnostics: [
        {
          code: "invalid-json",
          severity: "error",
          message: `invalid JSON at line ${at.line}, column ${at.column}: ${message}`,
          span: { start: offset, end: Math.min(offset + 1, jsonText.length) },
          ...at,
        },
      ],
    };
  }
  const ctx = new ImportContext(options, parsed.spans, locate);
  for (const d of parsed.duplicateKeys)
    ctx.diagnostic(
      "duplicate-json-key",
      "warning",
      `the key is repeated in this object; the last value wins`,
      d.path,
    );
  return run(parsed.value, ctx, stages);
}

/** As `importSpinnaker`, for JSON already parsed (no line/column in diagnostics). */
export function importSpinnakerValue(
  value: unknown,
  options: ImportOptions = {},
  stages: StageCatalog = builtinStages(),
): ImportResult {
  return run(value, new ImportContext(options), stages);
}

function run(value: unknown, ctx: ImportContext, stages: StageCatalog): ImportResult {
  ctx.input = value;
  const entries = pipelineEntries(value, ctx);
  // Let pipeline stages and triggers name sibling pipelines by name instead of id.
  for (const { raw } of entries)
    if (typeof raw.id === "string" && typeof raw.name === "string" && !ctx.pipelineNames.has(raw.id))
      ctx.pipelineNames.set(raw.id, raw.name);

  const pipelines: ImportedPipeline[] = [];
  const names = new Map<string, string>();
  entries.forEach(({ raw, path }, i) => {
    let converted: Record<string, unknown>;
    try {
      converted = convertPipeline(raw, path, ctx, i, stages);
    } catch (e) {
      // A bug, not bad input; reported rather than thrown so one pipeline can't sink a whole import.
      ctx.diagnostic(
        "import-failed",
        "error",
        `internal error while converting this pipeline: ${String(e)}`,
        path,
      );
      return;
    }
    const name = String(converted.name);
    const first = names.get(name);
    if (first !== undefined)
      ctx.diagnostic(
        "duplicate-pipeline-name",
        "error",
        `pipeline name "${name}" is used by ${first} and ${path}; Capstan pipeline names are unique`,
        childPath(path, "name"),
      );
    else names.set(name, path);
    const origins = pipelineOrigins.get(converted);
    pipelines.push({
      name,
      path,
      value: converted,
      yaml: toPipelineYaml(converted),
      ...(origins ? { origins } : {}),
    });
  });
  return {
    pipelines,
    report: ctx.notes,
    diagnostics: ctx.diagnostics,
    ...(ctx.spans ? { spans: ctx.spans } : {}),
  };
}

function pipelineEntries(
  value: unknown,
  ctx: ImportContext,
): { raw: Record<string, unknown>; path: string }[] {
  const list = (items: unknown[], path: string) =>
    items.flatMap((item, i) => {
      const p = childPath(path, i);
      if (isRecord(item)) return [{ raw: item, path: p }];
      ctx.diagnostic("not-a-pipeline", "error", "expected a pipeline object here", p);
      return [];
    });
  if (Array.isArray(value)) return list(value, "$");
  if (isRecord(value) && Array.isArray(value.pipelines)) {
    for (const key of Object.keys(value))
      if (key !== "pipelines")
        ctx.note(
          childPath("$", key),
          "dropped",
          DINGHY_KEYS[key] ?? `${key} is not part of a dinghyfile Capstan reads`,
        );
    return list(value.pipelines, "$.pipelines");
  }
  if (isRecord(value) && (Array.isArray(value.stages) || typeof value.name === "string"))
    return [{ raw: value, path: "$" }];
  ctx.diagnostic(
    "not-a-pipeline",
    "error",
    'expected a Spinnaker pipeline object (with name and stages), a list of them, or a dinghyfile {"pipelines": [...]}',
    "$",
  );
  return [];
}
