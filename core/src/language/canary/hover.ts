// Hover in canary configs: the schema's description of a key or value, a group's metrics and
// weight, a template's text.
import type { Position } from "../../diagnostics/diagnostic.js";
import { describeField } from "../../schema/schema-info.js";
import type { Hover } from "../types.js";
import { nodeAtOffset } from "../yaml-path.js";
import { type CanaryConfigAnalysis, canarySchema } from "./analysis.js";
import { groupsOf, groupWeightsOf, templatesOf } from "./names.js";

/** Hover at a position of a canary config. */
export function hoverCanaryConfig(analysis: CanaryConfigAnalysis, position: Position): Hover | undefined {
  const offset = analysis.source.offset(position);
  const hit = nodeAtOffset(analysis, offset);
  if (!hit) return undefined;
  const result = (value: string): Hover => ({
    contents: { kind: "markdown", value },
    range: analysis.source.range(hit.span),
  });
  const data = analysis.document.value;
  const { path } = hit;
  const value = "value" in hit.node ? (hit.node as { value: unknown }).value : undefined;
  const inGroupWeights =
    hit.isKey && path.length === 3 && path[0] === "classifier" && path[1] === "groupWeights";
  const inGroups =
    !hit.isKey &&
    path.length === 4 &&
    path[0] === "metrics" &&
    path[2] === "groups" &&
    typeof value === "string";
  if (inGroupWeights || inGroups) return result(groupHover(data, String(inGroupWeights ? path[2] : value)));
  if (
    !hit.isKey &&
    path.length === 4 &&
    path[0] === "metrics" &&
    path[2] === "query" &&
    path[3] === "customFilterTemplate" &&
    typeof value === "string"
  ) {
    const text = templatesOf(data).get(value);
    return result(
      text === undefined
        ? `**template** \`${value}\`: not in \`templates\``
        : `**template** \`${value}\`\n\n\`\`\`\n${text}\n\`\`\``,
    );
  }
  const info = describeField(path, data, canarySchema());
  if (!info) return undefined;
  const text = info.markdownDescription ?? info.description ?? "";
  if (hit.isKey)
    return result(
      `**${info.name ?? path[path.length - 1]}**: \`${info.type}\`${info.required ? " (required)" : ""}\n\n${text}`,
    );
  return text ? result(text) : undefined;
}

function groupHover(data: unknown, group: string): string {
  const metrics = groupsOf(data).get(group);
  const weights = groupWeightsOf(data);
  const weight = weights.get(group);
  const lines = [`**group** \`${group}\``];
  lines.push(
    metrics === undefined
      ? "No metric is in this group."
      : metrics.length === 0
        ? "Its metrics have no names yet."
        : `Metrics: ${metrics.map((m) => `\`${m}\``).join(", ")}.`,
  );
  if (weight !== undefined) lines.push(`Weight: ${weight} (percent of the score).`);
  else if (metrics !== undefined) {
    const unweighted = [...groupsOf(data).keys()].filter((g) => !weights.has(g)).length;
    const left = 100 - [...weights.values()].reduce((a, b) => a + b, 0);
    lines.push(
      `No weight in \`classifier.groupWeights\`: the ${unweighted} group${unweighted === 1 ? "" : "s"} without one share what is left of 100 (${+(left / unweighted).toFixed(2)} each).`,
    );
  }
  return lines.join("\n\n");
}
