import type { Pipeline, Stage } from "../model/types.js";

/** Status names used to colour a rendered graph (from an execution record). */
export type StatusByStage = ReadonlyMap<string, string>;

/** Stages in topological order by level: level 0 has no dependencies. Unknown deps are ignored. */
export function stageLevels(pipeline: Pipeline): Stage[][] {
  const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const levelOf = (stage: Stage): number => {
    const known = level.get(stage.id);
    if (known !== undefined) return known;
    if (visiting.has(stage.id)) return 0; // a cycle: validation reports it
    visiting.add(stage.id);
    let value = 0;
    for (const dep of stage.dependsOn) {
      const parent = byId.get(dep);
      if (parent) value = Math.max(value, levelOf(parent) + 1);
    }
    visiting.delete(stage.id);
    level.set(stage.id, value);
    return value;
  };
  const levels: Stage[][] = [];
  for (const stage of pipeline.stages) {
    const l = levelOf(stage);
    levels[l] = [...(levels[l] ?? []), stage];
  }
  return levels.filter(Boolean);
}

const mermaidId = (id: string) => `s_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
const mermaidText = (text: string) => text.replace(/"/g, "#quot;").replace(/[<>]/g, "");

const STATUS_CLASSES: Record<string, string> = {
  SUCCEEDED: "fill:#d4f7dc,stroke:#1a7f37",
  FAILED_CONTINUE: "fill:#fff4c2,stroke:#9a6700",
  TERMINAL: "fill:#ffd8d3,stroke:#cf222e",
  STOPPED: "fill:#ffe2c2,stroke:#bc4c00",
  CANCELED: "fill:#e6e6e6,stroke:#57606a",
  SKIPPED: "fill:#f3f3f3,stroke:#8c959f,stroke-dasharray:4 3",
  RUNNING: "fill:#ddf4ff,stroke:#0969da",
  NOT_STARTED: "fill:#ffffff,stroke:#8c959f",
};

/** The stage graph as a Mermaid flowchart, optionally coloured by status. */
export function renderMermaid(pipeline: Pipeline, statuses?: StatusByStage): string {
  const lines = ["flowchart LR"];
  for (const stage of pipeline.stages) {
    const status = statuses?.get(stage.id);
    const label = `${mermaidText(stage.name)}<br/><small>${stage.type}${status ? ` · ${status}` : ""}</small>`;
    const shape = stage.type === "manualJudgment" ? `{{"${label}"}}` : `["${label}"]`;
    lines.push(`  ${mermaidId(stage.id)}${shape}`);
  }
  const ids = new Set(pipeline.stages.map((s) => s.id));
  for (const stage of pipeline.stages) {
    for (const dep of stage.dependsOn) {
      if (!ids.has(dep)) continue;
      const condition = stage.if ? `|"if"|` : "";
      lines.push(`  ${mermaidId(dep)} -->${condition} ${mermaidId(stage.id)}`);
    }
  }
  if (statuses) {
    const used = new Set([...statuses.values()].filter((s) => STATUS_CLASSES[s]));
    for (const status of used) lines.push(`  classDef ${status} ${STATUS_CLASSES[status]}`);
    for (const stage of pipeline.stages) {
      const status = statuses.get(stage.id);
      if (status && STATUS_CLASSES[status]) lines.push(`  class ${mermaidId(stage.id)} ${status}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const dotText = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** The stage graph in Graphviz dot. */
export function renderDot(pipeline: Pipeline): string {
  const lines = [
    `digraph "${dotText(pipeline.name)}" {`,
    "  rankdir=LR;",
    "  node [shape=box, style=rounded];",
  ];
  for (const stage of pipeline.stages) {
    const shape = stage.type === "manualJudgment" ? ", shape=hexagon" : "";
    lines.push(`  "${dotText(stage.id)}" [label="${dotText(stage.name)}\\n(${stage.type})"${shape}];`);
  }
  const ids = new Set(pipeline.stages.map((s) => s.id));
  for (const stage of pipeline.stages) {
    for (const dep of stage.dependsOn) {
      if (!ids.has(dep)) continue;
      const style = stage.if ? ' [style=dashed, label="if"]' : "";
      lines.push(`  "${dotText(dep)}" -> "${dotText(stage.id)}"${style};`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** The stage graph as indented text, one level of the DAG per block. */
export function renderText(pipeline: Pipeline, statuses?: StatusByStage): string {
  const lines = [`${pipeline.name}`];
  stageLevels(pipeline).forEach((stages, level) => {
    lines.push(`  level ${level}`);
    for (const stage of stages) {
      const deps = stage.dependsOn.length > 0 ? ` <- ${stage.dependsOn.join(", ")}` : "";
      const status = statuses?.get(stage.id);
      const cond = stage.if ? `  if ${stage.if}` : "";
      lines.push(`    ${stage.id} [${stage.type}]${status ? ` ${status}` : ""}${deps}${cond}`);
    }
  });
  return `${lines.join("\n")}\n`;
}
