import type { Pipeline, Stage } from "../model/types.js";

/** Status names used to colour a rendered graph (from an execution record). */
export type StatusByStage = ReadonlyMap<string, string>;

/** Stages grouped by level (longest path from a stage with no dependencies); cycles are cut. */
export function stageLevels(pipeline: Pipeline): Stage[][] {
  const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
  const children = new Map<string, Stage[]>();
  const pending = new Map<Stage, number>();
  for (const stage of pipeline.stages) {
    const parents = new Set(stage.dependsOn.filter((d) => byId.has(d) && d !== stage.id));
    pending.set(stage, parents.size);
    for (const parent of parents) {
      const list = children.get(parent) ?? [];
      list.push(stage);
      children.set(parent, list);
    }
  }
  const level = new Map<Stage, number>();
  const queue = pipeline.stages.filter((s) => pending.get(s) === 0);
  for (const stage of queue) level.set(stage, 0);
  for (let i = 0; i < queue.length; i++) {
    const stage = queue[i];
    for (const child of children.get(stage.id) ?? []) {
      level.set(child, Math.max(level.get(child) ?? 0, (level.get(stage) ?? 0) + 1));
      const left = (pending.get(child) ?? 1) - 1;
      pending.set(child, left);
      if (left === 0) queue.push(child);
    }
  }
  const levels: Stage[][] = [];
  for (const stage of pipeline.stages) {
    // Stages in or below a cycle never leave the queue; show them after the rest.
    const l = level.get(stage) ?? levels.length;
    const bucket = levels[l] ?? [];
    bucket.push(stage);
    levels[l] = bucket;
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
  // A branch gate that was not taken (a STOPPED checkPreconditions stage; see branchNotTaken).
  NOT_TAKEN: "fill:#f3f3f3,stroke:#8c959f,stroke-dasharray:4 3",
  RUNNING: "fill:#ddf4ff,stroke:#0969da",
  NOT_STARTED: "fill:#ffffff,stroke:#8c959f",
};

/** The stage graph as a Mermaid flowchart, optionally coloured by status. */
export function renderMermaid(pipeline: Pipeline, statuses?: StatusByStage): string {
  const lines = ["flowchart LR"];
  for (const stage of pipeline.stages) {
    const status = statuses?.get(stage.id);
    const shown = status === "NOT_TAKEN" ? "not taken" : status;
    const label = `${mermaidText(stage.name)}<br/><small>${stage.type}${shown ? ` · ${shown}` : ""}</small>`;
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
