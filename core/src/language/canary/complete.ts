// Completion in canary configs: the schema's keys and values (with the canary config schema as
// root), group names where the config refers to groups, template names for
// `customFilterTemplate`, and the Prometheus metric names the other metrics use.
import { CANARY_JUDGE_NAME } from "../../canary/config.js";
import type { Position, Range } from "../../diagnostics/diagnostic.js";
import type { PathSegment } from "../../loader/yaml-loader.js";
import { describeField, fieldsAt } from "../../schema/schema-info.js";
import { schemaAt } from "../../schema/schema-walk.js";
import { type CompletionItem, CompletionKind } from "../types.js";
import { type CanaryConfigAnalysis, canarySchema } from "./analysis.js";
import { type CanaryCursor, canaryCursor } from "./cursor.js";
import { groupsOf, metricsOf, templatesOf, weightedGroupsOf } from "./names.js";

const md = (value: string) => ({ kind: "markdown" as const, value });

/** How names are written at the cursor: in its quotes, as JSON in a JSON file, else plain YAML. */
class Writer {
  constructor(
    private readonly cursor: CanaryCursor,
    private readonly json: boolean,
    readonly range: Range,
  ) {}

  private quoted(text: string): string {
    const quote = this.cursor.quote ?? (this.json ? '"' : undefined);
    if (quote === "'") return `'${text.replace(/'/g, "''")}'`;
    if (quote === '"') return JSON.stringify(text);
    const plain = /^[A-Za-z_][\w ./-]*$/.test(text) && !/\s$|^(true|false|null|yes|no|on|off)$/i.test(text);
    return plain ? text : JSON.stringify(text);
  }

  /** An item replacing the word at the cursor; in quotes, the client filters with them. */
  item(label: string, newText: string, fields: Omit<CompletionItem, "label" | "textEdit">): CompletionItem {
    const out: CompletionItem = { label, ...fields, textEdit: { range: this.range, newText } };
    if (this.cursor.quote) out.filterText = `${this.cursor.quote}${label}${this.cursor.quote}`;
    return out;
  }

  key(name: string): string {
    return `${this.quoted(name)}${this.cursor.colonAfter ? "" : ": "}`;
  }

  string(value: string): string {
    return this.quoted(value);
  }

  /** A flow list of one item, for `groups: |`. */
  list(value: string): string {
    return `[${this.json ? JSON.stringify(value) : this.quoted(value)}]`;
  }
}

/** Completion at a position of a canary config. */
export function completeCanaryConfig(analysis: CanaryConfigAnalysis, position: Position): CompletionItem[] {
  const offset = analysis.source.offset(position);
  const cursor = canaryCursor(analysis.text, offset);
  if (!cursor) return [];
  const write = new Writer(cursor, analysis.json, analysis.source.range(cursor.replace));
  if (cursor.kind === "key") return keyItems(cursor, cursor.path, cursor.existingKeys, write);
  // A word typed where an object goes (`- na|` in `metrics`) is the start of a key.
  if (!cursor.empty && isObjectAt(cursor.data, cursor.path)) return keyItems(cursor, cursor.path, [], write);
  return valueItems(cursor, write);
}

function isObjectAt(data: unknown, path: readonly PathSegment[]): boolean {
  return schemaAt(canarySchema(), data, path).schemas.some((s) => s.type === "object" || s.properties);
}

const isGroupWeights = (path: readonly PathSegment[]) =>
  path.length === 2 && path[0] === "classifier" && path[1] === "groupWeights";

function groupDetail(metrics: readonly string[]): string {
  return metrics.length === 0 ? "group" : `group of ${metrics.join(", ")}`;
}

function keyItems(
  cursor: CanaryCursor,
  path: PathSegment[],
  existingKeys: readonly string[],
  write: Writer,
): CompletionItem[] {
  const existing = new Set(existingKeys);
  if (isGroupWeights(path)) {
    return [...groupsOf(cursor.data)]
      .filter(([group]) => !existing.has(group))
      .map(([group, metrics]) =>
        write.item(group, write.key(group), { kind: CompletionKind.Reference, detail: groupDetail(metrics) }),
      );
  }
  return fieldsAt(path, cursor.data, canarySchema())
    .filter((f) => !existing.has(f.name))
    .map((f) =>
      write.item(f.name, write.key(f.name), {
        kind: CompletionKind.Property,
        detail: `${f.type}${f.required ? " (required)" : ""}`,
        ...(f.description ? { documentation: md(f.description) } : {}),
        sortText: `${f.required ? "0" : "1"}${f.name}`,
      }),
    );
}

function valueItems(cursor: CanaryCursor, write: Writer): CompletionItem[] {
  const { path, data } = cursor;
  const [top, index, field, sub, item] = path;
  const inMetric = top === "metrics" && typeof index === "number";
  if (inMetric && field === "groups" && (path.length === 4 || (path.length === 3 && cursor.empty))) {
    const own = metricsOf(data)[index]?.groups.filter((_, i) => i !== sub) ?? [];
    const groups = groupsOf(data);
    for (const group of weightedGroupsOf(data)) if (!groups.has(group)) groups.set(group, []);
    return [...groups]
      .filter(([group]) => !own.includes(group) && group !== cursor.prefix)
      .map(([group, metrics]) =>
        write.item(group, path.length === 3 ? write.list(group) : write.string(group), {
          kind: CompletionKind.Reference,
          detail: groupDetail(metrics),
        }),
      );
  }
  if (inMetric && field === "query" && path.length === 4 && item === undefined) {
    if (sub === "customFilterTemplate") {
      return [...templatesOf(data)].map(([name, text]) =>
        write.item(name, write.string(name), {
          kind: CompletionKind.Reference,
          detail: "template",
          documentation: md(`\`\`\`\n${text}\n\`\`\``),
        }),
      );
    }
    if (sub === "metricName") {
      const users = new Map<string, string[]>();
      for (const metric of metricsOf(data)) {
        if (metric.index === index || metric.metricName === undefined) continue;
        users.set(metric.metricName, [...(users.get(metric.metricName) ?? []), metric.name ?? "?"]);
      }
      return [...users].map(([name, metrics]) =>
        write.item(name, write.string(name), {
          kind: CompletionKind.Value,
          detail: `metric name of ${metrics.join(", ")}`,
        }),
      );
    }
    if (sub === "type") return [enumItem("prometheus", "type", write)];
  }
  if (top === "judge" && index === "name" && path.length === 2)
    return [enumItem(CANARY_JUDGE_NAME, "name", write)];
  const info = describeField(path, data, canarySchema());
  if (!info) return [];
  if (info.enum) return info.enum.map((v) => enumItem(v, info.name, write));
  if (info.type.split(" | ").includes("boolean"))
    return ["true", "false"].map((v) =>
      write.item(v, v, { kind: CompletionKind.EnumMember, ...(info.name ? { detail: info.name } : {}) }),
    );
  return [];
}

function enumItem(value: string, field: string | undefined, write: Writer): CompletionItem {
  return write.item(value, write.string(value), {
    kind: CompletionKind.EnumMember,
    ...(field ? { detail: field } : {}),
  });
}
