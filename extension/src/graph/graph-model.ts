import { buildPipeline, builtinStages, loadYaml, type Pipeline, type Stage } from "@capstan/core";
import dagre from "@dagrejs/dagre";

/** A stage drawn as a node; coordinates are the node's centre (dagre's convention). */
export interface GraphNode {
  id: string;
  name: string;
  type: string;
  /** Icon key from `iconFor`. */
  icon: string;
  judgment: boolean;
  /** The judgment's choices (manual judgments only). */
  inputs: string[];
  /** The raw `if` expression, shown on hover. */
  if?: string;
  /** Last status from an execution record, when one exists. */
  status?: string;
  /** A canary analysis' last result (Pass, Marginal, Fail, Error) and score, when it has one. */
  result?: string;
  score?: number;
  /** Offset of the stage in the text, to reveal it on click. */
  offset: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The judgment choice this edge is taken for, when the child tests `#judgment(...)`. */
  branch?: string;
  /** The child has an `if`. */
  conditional: boolean;
  points: { x: number; y: number }[];
}

/** What the webview draws: a laid-out stage graph. */
export interface GraphModel {
  pipeline: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
  /** Where the statuses came from (an execution id), when coloured. */
  execution?: { id: string; status: string };
  /** Errors found while building the model (YAML syntax), shown above the graph. */
  problems: string[];
}

const NODE_WIDTH = 190;
const NODE_HEIGHT = 58;
const JUDGMENT_HEIGHT = 74;

/** The icon key for a stage type, from its definition ("stage" for anything without its own icon). */
export function iconFor(type: string): string {
  return builtinStages().icon(type);
}

const JUDGMENT_TEST =
  /#judgment\(\s*['"]([^'"]*)['"]\s*\)\s*(?:==\s*['"]([^'"]*)['"]|\.equals\(\s*['"]([^'"]*)['"]\s*\))/;

/** Expressions a stage is gated by: its `if`, plus expression preconditions of a checkPreconditions stage. */
function gateExpressions(stage: Stage): string[] {
  const out = stage.if ? [stage.if] : [];
  const preconditions = stage.config.preconditions;
  if (Array.isArray(preconditions)) {
    for (const p of preconditions) {
      if (p && typeof p === "object" && typeof (p as Record<string, unknown>).expression === "string") {
        out.push((p as Record<string, string>).expression);
      }
    }
  }
  return out;
}

/** The judgment choice that leads from `judgment` to `child`, if the child tests for one. */
export function branchFor(judgment: Stage, child: Stage): string | undefined {
  for (const expression of gateExpressions(child)) {
    const match = JUDGMENT_TEST.exec(expression);
    if (!match) continue;
    const [, ref, eq, equals] = match;
    if (ref === judgment.id || ref === judgment.name) return eq ?? equals;
  }
  return undefined;
}

/** Lays out a built pipeline with dagre (left to right). */
export function layoutPipeline(pipeline: Pipeline, statuses?: ReadonlyMap<string, string>): GraphModel {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 28, ranksep: 70, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  const stages = pipeline.stages.filter((s) => {
    if (ids.has(s.id)) return false; // duplicate ids: validation reports them; draw the first
    ids.add(s.id);
    return true;
  });
  for (const stage of stages) {
    const judgment = stage.type === "manualJudgment";
    g.setNode(stage.id, { width: NODE_WIDTH, height: judgment ? JUDGMENT_HEIGHT : NODE_HEIGHT });
  }
  const byId = new Map(stages.map((s) => [s.id, s]));
  const edges: Omit<GraphEdge, "points">[] = [];
  for (const stage of stages) {
    for (const dep of stage.dependsOn) {
      const parent = byId.get(dep);
      if (!parent || dep === stage.id) continue;
      const branch = parent.type === "manualJudgment" ? branchFor(parent, stage) : undefined;
      edges.push({ from: dep, to: stage.id, branch, conditional: Boolean(stage.if) });
      g.setEdge(dep, stage.id, branch ? { width: 70, height: 18, labelpos: "c" } : {});
    }
  }
  dagre.layout(g);
  const nodes: GraphNode[] = stages.map((stage) => {
    const n = g.node(stage.id);
    const inputs =
      stage.type === "manualJudgment" && Array.isArray(stage.config.inputs)
        ? stage.config.inputs.map(String)
        : [];
    return {
      id: stage.id,
      name: stage.name,
      type: stage.type,
      icon: iconFor(stage.type),
      judgment: stage.type === "manualJudgment",
      inputs,
      if: stage.if,
      status: statuses?.get(stage.id),
      offset: stage.source.span.start,
      x: n.x,
      y: n.y,
      width: n.width,
      height: n.height,
    };
  });
  const laidOut = edges.map((e) => ({
    ...e,
    points: ((g.edge(e.from, e.to) as { points?: { x: number; y: number }[] } | undefined)?.points ?? []).map(
      (p) => ({ x: p.x, y: p.y }),
    ),
  }));
  const size = g.graph();
  return {
    pipeline: pipeline.name,
    nodes,
    edges: laidOut,
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    problems: [],
  };
}

/** Parses pipeline YAML text and lays out its stage graph; YAML errors are listed, never thrown. */
export function buildGraphModel(
  text: string,
  path: string,
  statuses?: ReadonlyMap<string, string>,
): GraphModel {
  const doc = loadYaml(text, path);
  const { pipeline } = buildPipeline(doc);
  const model = layoutPipeline(pipeline, statuses);
  model.problems = doc.diagnostics
    .filter((d) => d.severity === "error")
    .slice(0, 5)
    .map((d) => `line ${doc.source.position(d.span.start).line + 1}: ${d.message}`);
  return model;
}
