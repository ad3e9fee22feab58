/// <reference lib="dom" />
// Runs inside the graph webview (a browser context, bundled on its own as dist/webview.js).
import type { GraphEdge, GraphModel, GraphNode } from "../graph/graph-model.js";

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = "http://www.w3.org/2000/svg";

/** 16x16 line icons per stage kind, drawn as SVG paths (no fonts, no remote content). */
const ICON_PATHS: Record<string, string> = {
  wait: "M4 2h8M4 14h8M5 2c0 4 6 4 6 6s-6 2-6 6M11 2c0 4-6 4-6 6s6 2 6 6",
  judgment: "M8 1l7 7-7 7-7-7zM6.5 6.2a1.6 1.6 0 1 1 2.2 1.5c-.5.2-.7.6-.7 1.1M8 11v.4",
  check: "M2 8.5l4 4 8-9",
  variables: "M3 3c-1.5 3-1.5 7 0 10M13 3c1.5 3 1.5 7 0 10M6 5.5l4 5M10 5.5l-4 5",
  run: "M4 2.5v11l9-5.5z",
  webhook:
    "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M1.5 8h13M8 1.5c-2.5 3-2.5 10 0 13M8 1.5c2.5 3 2.5 10 0 13",
  pipeline: "M1.5 3.5h5v4h-5zM9.5 8.5h5v4h-5zM6.5 5.5h2v5h1",
  deploy: "M8 14V3M3.5 7.5L8 3l4.5 4.5M3 1.5h10",
  resize: "M2 6V2h4M2 2l4.5 4.5M14 10v4h-4M14 14l-4.5-4.5",
  destroy: "M2.5 4h11M6 4V2.5h4V4M4 4l.8 10h6.4L12 4M6.8 6.5v5M9.2 6.5v5",
  disable: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M3.4 3.4l9.2 9.2",
  enable: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M5 8.2l2 2 4-4.4",
  rollback: "M3 8a5 5 0 1 0 1.5-3.6M2.5 2v3h3",
  canary: "M2 13l3-4 3 2 4-7 2 3",
  stage: "M2.5 2.5h11v11h-11zM5 6h6M5 8.5h6M5 11h4",
};

const STATUS_LABEL: Record<string, string> = {
  SUCCEEDED: "succeeded",
  FAILED_CONTINUE: "failed (continued)",
  TERMINAL: "failed",
  STOPPED: "stopped",
  CANCELED: "canceled",
  SKIPPED: "skipped",
  RUNNING: "running",
  PAUSED: "paused",
  NOT_STARTED: "not started",
  SUSPENDED: "waiting",
};

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const tooltip = document.getElementById("tooltip") as HTMLDivElement;

function showTooltip(node: GraphNode, event: MouseEvent): void {
  const lines = [`${node.name} (${node.type})`, `id: ${node.id}`];
  if (node.if) lines.push(`if: ${node.if}`);
  if (node.judgment && node.inputs.length > 0) lines.push(`choices: ${node.inputs.join(", ")}`);
  if (node.status) lines.push(`last run: ${STATUS_LABEL[node.status] ?? node.status}`);
  if (node.result)
    lines.push(`canary: ${node.result}${node.score !== undefined ? `, score ${node.score}` : ""}`);
  tooltip.textContent = lines.join("\n");
  tooltip.hidden = false;
  tooltip.style.left = `${event.clientX + 12}px`;
  tooltip.style.top = `${event.clientY + 12}px`;
}

function hideTooltip(): void {
  tooltip.hidden = true;
}

function edgePath(edge: GraphEdge): string {
  const pts = edge.points;
  if (pts.length === 0) return "";
  let d = `M${pts[0].x},${pts[0].y}`;
  if (pts.length === 2) return `${d} L${pts[1].x},${pts[1].y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const mid = { x: (pts[i].x + pts[i + 1].x) / 2, y: (pts[i].y + pts[i + 1].y) / 2 };
    d += ` Q${pts[i].x},${pts[i].y} ${i === pts.length - 2 ? `${pts[i + 1].x},${pts[i + 1].y}` : `${mid.x},${mid.y}`}`;
  }
  return d;
}

function drawNode(node: GraphNode): SVGGElement {
  const left = node.x - node.width / 2;
  const top = node.y - node.height / 2;
  const g = el("g", {
    class: `node${node.judgment ? " judgment" : ""}${node.status ? ` status-${node.status}` : ""}${node.result ? ` result-${node.result}` : ""}${node.if ? " conditional" : ""}`,
    "data-stage": node.id,
    tabindex: 0,
    role: "button",
    "aria-label": `${node.name}, ${node.type}${node.if ? ", conditional" : ""}`,
  });
  const title = el("title");
  title.textContent = `${node.name} (${node.type})${node.if ? `\nif: ${node.if}` : ""}`;
  g.appendChild(title);
  if (node.judgment) {
    const c = 14;
    const r = left + node.width;
    const b = top + node.height;
    g.appendChild(
      el("polygon", {
        class: "shape",
        points: `${left + c},${top} ${r - c},${top} ${r},${node.y} ${r - c},${b} ${left + c},${b} ${left},${node.y}`,
      }),
    );
  } else {
    g.appendChild(
      el("rect", { class: "shape", x: left, y: top, width: node.width, height: node.height, rx: 6 }),
    );
  }
  const icon = el("path", {
    class: `icon icon-${node.icon}`,
    d: ICON_PATHS[node.icon] ?? ICON_PATHS.stage,
    transform: `translate(${left + (node.judgment ? 18 : 10)},${top + 10}) scale(1.1)`,
  });
  g.appendChild(icon);
  const name = el("text", { class: "name", x: left + (node.judgment ? 42 : 34), y: top + 22 });
  name.textContent = truncate(node.name, node.judgment ? 17 : 20);
  g.appendChild(name);
  const type = el("text", { class: "type", x: left + (node.judgment ? 42 : 34), y: top + 40 });
  type.textContent = truncate(
    node.result
      ? `${node.type} · ${node.result}${node.score !== undefined ? ` ${node.score}` : ""}`
      : node.status
        ? `${node.type} · ${STATUS_LABEL[node.status] ?? node.status}`
        : node.type,
    26,
  );
  g.appendChild(type);
  if (node.judgment && node.inputs.length > 0) {
    const inputs = el("text", { class: "inputs", x: left + 42, y: top + 58 });
    inputs.textContent = truncate(node.inputs.join(" | "), 22);
    g.appendChild(inputs);
  }
  if (node.if) {
    const badge = el("text", {
      class: "if-badge",
      x: left + node.width - (node.judgment ? 20 : 8),
      y: top + 14,
      "text-anchor": "end",
    });
    badge.textContent = "if";
    g.appendChild(badge);
  }
  const reveal = () => vscode.postMessage({ type: "reveal", id: node.id, offset: node.offset });
  g.addEventListener("click", reveal);
  g.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") reveal();
  });
  g.addEventListener("mousemove", (e) => showTooltip(node, e));
  g.addEventListener("mouseleave", hideTooltip);
  return g;
}

function render(model: GraphModel): void {
  const canvas = document.getElementById("canvas") as HTMLElement;
  const title = document.getElementById("title") as HTMLElement;
  const execution = document.getElementById("execution") as HTMLElement;
  const problems = document.getElementById("problems") as HTMLElement;
  title.textContent = `${model.pipeline || "(unnamed pipeline)"} · ${model.nodes.length} stage${model.nodes.length === 1 ? "" : "s"}`;
  execution.textContent = model.execution
    ? `last run ${model.execution.id}: ${STATUS_LABEL[model.execution.status] ?? model.execution.status}`
    : "";
  problems.hidden = model.problems.length === 0;
  problems.textContent = model.problems.join("\n");
  const svg = el("svg", {
    id: "graph",
    width: Math.max(model.width, 10),
    height: Math.max(model.height, 10),
    viewBox: `0 0 ${Math.max(model.width, 10)} ${Math.max(model.height, 10)}`,
  });
  const defs = el("defs");
  const marker = el("marker", {
    id: "arrow",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.appendChild(el("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  for (const edge of model.edges) {
    const g = el("g", {
      class: `edge${edge.conditional ? " conditional" : ""}${edge.branch ? " branch" : ""}`,
      "data-from": edge.from,
      "data-to": edge.to,
    });
    g.appendChild(el("path", { d: edgePath(edge), "marker-end": "url(#arrow)" }));
    if (edge.branch && edge.points.length > 0) {
      const mid = edge.points[Math.floor(edge.points.length / 2)];
      const label = el("text", { class: "branch-label", x: mid.x, y: mid.y - 4, "text-anchor": "middle" });
      label.textContent = edge.branch;
      g.appendChild(label);
    }
    svg.appendChild(g);
  }
  for (const node of model.nodes) svg.appendChild(drawNode(node));
  canvas.replaceChildren(svg);
  if (model.nodes.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "No stages yet: add some under `stages:`.";
    canvas.appendChild(empty);
  }
  vscode.setState({ model });
  vscode.postMessage({ type: "rendered", nodes: model.nodes.length });
}

window.addEventListener("message", (event: MessageEvent) => {
  const message = event.data as { type?: string; model?: GraphModel };
  if (message?.type === "model" && message.model) render(message.model);
});

const saved = vscode.getState() as { model?: GraphModel } | undefined;
if (saved?.model) render(saved.model);
vscode.postMessage({ type: "ready" });
