import type { Range } from "../diagnostics/diagnostic.js";
import { FUNCTIONS, METHODS } from "../expr/catalog.js";
import { scanTemplate } from "../expr/template.js";
import type { Stage } from "../model/types.js";
import type { PipelineAnalysis } from "./analysis.js";
import {
  fieldNamedOutputs,
  ROOT_FIELDS,
  ROOTS,
  STAGE_PROPERTIES,
  stageContextKeys,
  stageOutputs,
} from "./stage-outputs.js";
import { regionAtLine } from "./stage-regions.js";
import { type CompletionItem, CompletionKind } from "./types.js";

/** The expression text from its `${` to the cursor, when the cursor is inside one on this line. */
export interface ExpressionCursor {
  /** Decoded expression source before the cursor (YAML quote escapes undone). */
  prefix: string;
  /** The YAML quote around the value: `'`, `"` or none. */
  quote: "'" | '"' | "";
  stageIndex?: number;
}

/** Finds whether the cursor is inside a `${ }` on its line. */
export function expressionAt(analysis: PipelineAnalysis, offset: number): ExpressionCursor | undefined {
  const position = analysis.source.position(offset);
  const before = analysis.source.lineText(position.line).slice(0, position.character);
  const open = before.lastIndexOf("${");
  if (open < 0) return undefined;
  const scanned = scanTemplate(before.slice(open));
  if (scanned.diagnostics.length === 0) return undefined;
  const head = before.slice(0, open);
  const quoteMatch = /(?:^\s*|:\s+|-\s+|^\s*-\s*)(['"])/.exec(head);
  const quote = (quoteMatch?.[1] ?? "") as ExpressionCursor["quote"];
  let prefix = before.slice(open + 2);
  if (quote === "'") prefix = prefix.replace(/''/g, "'");
  else if (quote === '"') prefix = prefix.replace(/\\(["\\])/g, "$1");
  return { prefix, quote, stageIndex: regionAtLine(analysis.regions, position.line)?.index };
}

const md = (value: string) => ({ kind: "markdown" as const, value });

/** Completions inside `${ }`: functions, roots, stage names, judgment inputs, parameters, context keys. */
export function completeExpression(
  analysis: PipelineAnalysis,
  cursor: ExpressionCursor,
  range: (length: number) => Range,
): CompletionItem[] {
  const { pipeline } = analysis;
  const catalog = analysis.options.stages;
  const p = cursor.prefix;
  const q = cursor.quote === "'" ? "''" : "'";
  const item = (
    label: string,
    kind: number,
    partial: string,
    extra: Partial<CompletionItem> = {},
  ): CompletionItem => ({
    label,
    kind,
    textEdit: { range: range(partial.length), newText: extra.textEdit?.newText ?? label },
    ...extra,
    ...(extra.textEdit
      ? { textEdit: { range: range(partial.length), newText: extra.textEdit.newText } }
      : {}),
  });
  const current = cursor.stageIndex === undefined ? undefined : pipeline.stages[cursor.stageIndex];
  const upstream = new Set(current ? upstreamIds(pipeline.stages, current) : []);
  const stageItem = (stage: Stage, partial: string, label = stage.name) =>
    item(label, CompletionKind.Reference, partial, {
      detail: `${stage.type} stage${stage.id !== stage.name ? ` (id ${stage.id})` : ""}`,
      sortText: `${upstream.has(stage.id) ? "0" : "1"}${String(stage.index).padStart(6, "0")}`,
      documentation: md(stageSummary(stage)),
    });

  let m = /#(judge?ment)\(\s*['"](.*?)['"]\s*\)\s*(?:==|!=|\.equals(?:IgnoreCase)?\()\s*['"]([^'"]*)$/.exec(
    p,
  );
  if (m) {
    const stage = pipeline.stages.find((s) => s.name === m?.[2] && s.type === "manualJudgment");
    const inputs = stage && "inputs" in stage ? (stage.inputs as string[]) : [];
    return inputs.map((input) =>
      item(input, CompletionKind.EnumMember, m?.[3] ?? "", { detail: `input of ${stage?.name}` }),
    );
  }
  m = /#(stage|stageExists|stageByRefId|judge?ment)\(\s*['"]([^'"]*)$/.exec(p);
  if (m) {
    const fn = m[1];
    const partial = m[2];
    if (fn === "stageByRefId") return pipeline.stages.map((s) => stageItem(s, partial, s.id));
    const stages = fn.startsWith("judg")
      ? pipeline.stages.filter((s) => s.type === "manualJudgment")
      : pipeline.stages;
    return uniqueByLabel(stages.filter((s) => s !== current).map((s) => stageItem(s, partial)));
  }
  m =
    /#stage\(\s*['"](.*?)['"]\s*\)(?:\[\s*['"]context['"]\s*\]|\.context)(?:\[\s*['"]([^'"]*)|\.(\w*))$/.exec(
      p,
    );
  if (m) {
    const stage = findStage(pipeline.stages, m[1]);
    if (!stage) return [];
    return stageContextKeys(stage, catalog).map((key) =>
      item(key, CompletionKind.Field, m?.[2] ?? m?.[3] ?? "", { detail: `context of ${stage.name}` }),
    );
  }
  m =
    /#stage\(\s*['"](.*?)['"]\s*\)(?:\[\s*['"]outputs['"]\s*\]|\.outputs)(?:\[\s*['"]([^'"]*)|\.(\w*))$/.exec(
      p,
    );
  if (m) {
    const stage = findStage(pipeline.stages, m[1]);
    if (!stage) return [];
    return stageOutputs(stage, catalog).map((output) =>
      item(output.name, CompletionKind.Field, m?.[2] ?? m?.[3] ?? "", {
        detail: `${output.type}, output of ${stage.name}`,
        documentation: md(output.description),
      }),
    );
  }
  m = /#stage(?:ByRefId)?\(\s*['"](.*?)['"]\s*\)(?:\.(\w*)|\[\s*['"]([^'"]*))$/.exec(p);
  if (m) {
    const partial = m[2] ?? m[3] ?? "";
    return STAGE_PROPERTIES.map(([name, doc]) =>
      item(name, CompletionKind.Property, partial, { documentation: md(doc) }),
    );
  }
  m = /(?:^|[^\w.#])(?:(?:execution\.)?trigger\.)?parameters(?:\.(\w*)|\[\s*['"]([^'"]*))$/.exec(p);
  if (m) {
    const dotted = m[1] !== undefined;
    const partial = m[1] ?? m[2] ?? "";
    return pipeline.parameters.map((param) => {
      const plain = /^[A-Za-z_]\w*$/.test(param.name);
      const detail = param.default !== undefined ? `default ${JSON.stringify(param.default)}` : "parameter";
      const doc = param.description ? md(param.description) : undefined;
      if (dotted && !plain) {
        // `parameters.Pipeline Successful` is not an expression: switch to the index form.
        return item(param.name, CompletionKind.Variable, `.${partial}`, {
          detail,
          documentation: doc,
          filterText: `.${param.name}`,
          textEdit: { range: range(0), newText: `[${q}${param.name}${q}]` },
        });
      }
      return item(param.name, CompletionKind.Variable, partial, { detail, documentation: doc });
    });
  }
  m = /(?:^|[^\w.#])secrets\.(\w*)$/.exec(p);
  if (m)
    return pipeline.secrets.map((s) =>
      item(s, CompletionKind.Constant, m?.[1] ?? "", { detail: "secret (masked)" }),
    );
  m = /(?:^|[^\w.#])(trigger|execution)\.(\w*)$/.exec(p);
  if (m) {
    const partial = m[2];
    return (ROOT_FIELDS[m[1]] ?? []).map(([name, doc]) =>
      item(name, CompletionKind.Property, partial, { documentation: md(doc) }),
    );
  }
  m = /#(\w*)$/.exec(p);
  if (m) return functionItems(m[1].length + 1, range, q);
  m = /[\w)\]'"]\.(\w*)$/.exec(p);
  if (m) {
    const partial = m[1];
    return METHODS.map((method) =>
      item(`${method.name}()`, CompletionKind.Method, partial, {
        detail: `on ${method.receivers.join(", ")}`,
        insertTextFormat: 2,
        textEdit: {
          range: range(0),
          newText: method.maxArgs > 0 ? `${method.name}($1)` : `${method.name}()`,
        },
      }),
    );
  }
  m = /(?:^|[^\w.#'"])(\w*)$/.exec(p);
  if (m && !inString(p)) {
    const partial = m[1];
    const roots = ROOTS.map(([name, doc]) =>
      item(name, CompletionKind.Module, partial, { documentation: md(doc) }),
    );
    const outputs = current
      ? pipeline.stages
          .filter((s) => upstream.has(s.id))
          .flatMap((s) =>
            fieldNamedOutputs(s, catalog).map((key) =>
              item(key, CompletionKind.Variable, partial, { detail: `output of ${s.name}` }),
            ),
          )
      : [];
    return [...roots, ...outputs, ...functionItems(partial.length, range, q)];
  }
  return [];
}

function functionItems(length: number, range: (length: number) => Range, q: string): CompletionItem[] {
  return FUNCTIONS.map((fn) => {
    const stringArg = [
      "stage",
      "stageByRefId",
      "stageExists",
      "judgment",
      "judgement",
      "pipelineId",
    ].includes(fn.name);
    const body = fn.maxArgs === 0 ? "()" : stringArg ? `(${q}$1${q})` : "($1)";
    return {
      label: `#${fn.name}`,
      kind: CompletionKind.Function,
      detail: fn.signature,
      documentation: md(`\`${fn.signature}\`\n\n${fn.summary}`),
      insertTextFormat: 2 as const,
      textEdit: { range: range(length), newText: `#${fn.name}${body}` },
    };
  });
}

/** Whether the prefix ends inside a SpEL string literal. */
function inString(prefix: string): boolean {
  let quote = "";
  for (const ch of prefix) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"') quote = ch;
  }
  return quote !== "";
}

function uniqueByLabel(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && seen.add(i.label));
}

/** The stage `#stage('X')` names: by name, else by id. */
export function findStage(stages: readonly Stage[], nameOrId: string): Stage | undefined {
  return stages.find((s) => s.name === nameOrId) ?? stages.find((s) => s.id === nameOrId);
}

/** Ids of every stage upstream of `stage`. */
export function upstreamIds(stages: readonly Stage[], stage: Stage): string[] {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const stack = [...stage.dependsOn];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) stack.push(dep);
  }
  return [...seen];
}

/** Markdown lines describing a stage: type, dependsOn and `if`. */
export function stageSummary(stage: Stage): string {
  const lines = [`**${stage.name}** — \`${stage.type}\` stage, id \`${stage.id}\``];
  if (stage.dependsOn.length > 0)
    lines.push(`dependsOn: ${stage.dependsOn.map((d) => `\`${d}\``).join(", ")}`);
  if (stage.if) lines.push(`if: \`${stage.if}\``);
  if (stage.type === "manualJudgment" && "inputs" in stage)
    lines.push(`inputs: ${(stage.inputs as string[]).map((i) => `\`${i}\``).join(", ")}`);
  return lines.join("\n\n");
}
