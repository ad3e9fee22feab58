import type { Position } from "../diagnostics/diagnostic.js";
import { childrenOf, type ExprNode } from "../expr/ast.js";
import { FUNCTION_BY_NAME, METHOD_BY_NAME } from "../expr/catalog.js";
import { cronProblem } from "../model/cron.js";
import { durationInWords, parseDuration } from "../model/duration.js";
import { pipelineSchema } from "../schema/pipeline-schema.js";
import { describeField, stageTypes } from "../schema/schema-info.js";
import type { PipelineAnalysis } from "./analysis.js";
import { findStage, stageSummary } from "./complete-expression.js";
import { cronInWords } from "./cron-words.js";
import { stageOutputAt } from "./stage-output-at.js";
import { ROOTS, stageOutputs } from "./stage-outputs.js";
import { siteAtOffset, targetAt } from "./symbols-at.js";
import type { Hover } from "./types.js";
import { nodeAtOffset } from "./yaml-path.js";

/**
 * Hover: for expressions the function's signature, the referenced stage (type, dependsOn, `if`),
 * a judgment's inputs or a parameter's default; for YAML the schema's description of the key,
 * the stage type, and durations and cron expressions in words.
 */
export function hover(analysis: PipelineAnalysis, position: Position): Hover | undefined {
  const offset = analysis.source.offset(position);
  const result = (value: string, start: number, end: number): Hover => ({
    contents: { kind: "markdown", value },
    range: analysis.source.range({ start, end }),
  });
  const target = targetAt(analysis, offset);
  if (target?.kind === "stage") {
    const owner = siteAtOffset(analysis, offset) ? "" : "";
    return result(owner + stageSummary(target.stage), target.span.start, target.span.end);
  }
  if (target?.kind === "parameter") {
    const parameter = analysis.pipeline.parameters.find((p) => p.name === target.name);
    const lines = [`**parameter** \`${target.name}\``];
    if (parameter?.description) lines.push(parameter.description);
    if (parameter?.default !== undefined) lines.push(`default: \`${JSON.stringify(parameter.default)}\``);
    if (parameter?.options?.length)
      lines.push(`options: ${parameter.options.map((o) => `\`${o}\``).join(", ")}`);
    if (!parameter) lines.push("Not declared in this pipeline's `parameters`.");
    return result(lines.join("\n\n"), target.span.start, target.span.end);
  }
  if (target?.kind === "secret")
    return result(
      `**secret** \`${target.name}\` — a GitHub secret, always masked.`,
      target.span.start,
      target.span.end,
    );
  const stages = analysis.options.stages;
  const site = siteAtOffset(analysis, offset);
  if (site) {
    const expression = site.expressions.find(
      (e) => offset >= e.sourceSpan.start && offset <= e.sourceSpan.end,
    );
    if (!expression || !site.offsets) return undefined;
    const offsets = site.offsets;
    // File offset -> offset inside the expression source.
    let k = expression.valueStart;
    while (k + 1 < offsets.length && offsets[k + 1] <= offset) k++;
    const at = k - expression.valueStart;
    const node = innermost(expression.ast, at);
    if (!node) return undefined;
    const fileSpan = (s: { start: number; end: number }) => ({
      start: offsets[s.start + expression.valueStart],
      end: offsets[Math.max(s.start, s.end - 1) + expression.valueStart] + 1,
    });
    const output = stageOutputAt(expression.ast, at);
    if (output) {
      const stage = findStage(analysis.pipeline.stages, output.stage);
      const spec = stage && stageOutputs(stage, stages).find((o) => o.name === output.output);
      const span = fileSpan(output.span);
      if (spec)
        return result(`**${spec.name}**: \`${spec.type}\` — ${spec.description}`, span.start, span.end);
    }
    if (node.kind === "function") {
      const spec = FUNCTION_BY_NAME.get(node.name);
      if (!spec) return undefined;
      const span = fileSpan({ start: node.span.start, end: node.nameSpan.end });
      return result(`\`${spec.signature}\`\n\n${spec.summary}`, span.start, span.end);
    }
    if (node.kind === "method") {
      const spec = METHOD_BY_NAME.get(node.name);
      const span = fileSpan(node.nameSpan);
      return spec
        ? result(`\`.${spec.name}()\` — allowed on ${spec.receivers.join(", ")}`, span.start, span.end)
        : undefined;
    }
    if (node.kind === "identifier") {
      const root = ROOTS.find(([name]) => name === node.name);
      const span = fileSpan(node.span);
      return root ? result(`**${root[0]}** — ${root[1]}`, span.start, span.end) : undefined;
    }
    return undefined;
  }
  const hit = nodeAtOffset(analysis, offset);
  if (!hit) return undefined;
  const data = analysis.document.value;
  const schema = pipelineSchema(stages);
  if (hit.isKey) {
    const info = describeField(hit.path, data, schema);
    if (!info) return undefined;
    const text = info.markdownDescription ?? info.description ?? "";
    return result(
      `**${info.name ?? hit.path[hit.path.length - 1]}**: \`${info.type}\`${info.required ? " (required)" : ""}\n\n${text}`,
      hit.span.start,
      hit.span.end,
    );
  }
  const value = "value" in hit.node ? (hit.node as { value: unknown }).value : undefined;
  const last = hit.path[hit.path.length - 1];
  if (hit.path[0] === "stages" && last === "type" && hit.path.length === 3) {
    const type = stageTypes(stages).find((t) => t.name === value);
    if (type)
      return result(
        `**${type.label}** (\`${type.name}\`)\n\n${type.description}`,
        hit.span.start,
        hit.span.end,
      );
  }
  if (typeof value === "string") {
    const ms = parseDuration(value);
    if (ms !== undefined) return result(durationInWords(ms), hit.span.start, hit.span.end);
    if (hit.path[0] === "triggers" && last === "expression" && !cronProblem(value)) {
      return result(`${cronInWords(value)} (UTC)`, hit.span.start, hit.span.end);
    }
  }
  const info = describeField(hit.path, data, schema);
  if (!info?.description) return undefined;
  return result(info.markdownDescription ?? info.description, hit.span.start, hit.span.end);
}

/** The deepest node whose span contains `at` (expression-relative). */
function innermost(node: ExprNode, at: number): ExprNode | undefined {
  if (at < node.span.start || at > node.span.end) return undefined;
  for (const child of childrenOf(node)) {
    const inner = innermost(child, at);
    if (inner) return inner;
  }
  return node;
}
