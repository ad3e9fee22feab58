import { type Diagnostic, diagnostic, type RelatedInformation } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { Pipeline, Stage } from "../model/types.js";

/** The span of a stage's `id` (or of the whole stage when it has none). */
function idSpan(stage: Stage) {
  return stage.source.fields.id?.value ?? stage.source.fields.name?.value ?? stage.source.span;
}

/** Duplicate ids and names, unknown dependsOn, cycles, no initial stage and never-reachable stages. */
export function checkGraph(pipeline: Pipeline): Diagnostic[] {
  return [...checkStageGraph(pipeline), ...checkDuplicateNames(pipeline)];
}

/**
 * The checks that read only stage ids and dependsOn (duplicate ids, unknown or self dependencies,
 * cycles, no initial stage, stages below a cycle): an edit that keeps those can reuse them.
 */
export function checkStageGraph(pipeline: Pipeline): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byId = new Map<string, Stage>();
  for (const stage of pipeline.stages) {
    const first = byId.get(stage.id);
    if (first) {
      diagnostics.push(
        diagnostic(
          "duplicate-stage-id",
          "error",
          `Stage id '${stage.id}' is already used by stage ${first.index + 1} ('${first.name}'). Stage ids must be unique; rename one.`,
          idSpan(stage),
          { related: [{ message: `First use of '${stage.id}'`, span: idSpan(first) }] },
        ),
      );
    } else {
      byId.set(stage.id, stage);
    }
  }

  const knownIds = [...byId.keys()];
  for (const stage of pipeline.stages) {
    const depsNode = stage.source.fields.dependsOn;
    stage.dependsOn.forEach((dep, i) => {
      const span = depItemSpan(stage, i) ?? depsNode?.value ?? stage.source.span;
      if (dep === stage.id) {
        diagnostics.push(
          diagnostic(
            "self-dependency",
            "error",
            `Stage '${stage.id}' depends on itself; remove it from dependsOn.`,
            span,
          ),
        );
      } else if (!byId.has(dep)) {
        const hint = didYouMean(dep, knownIds);
        diagnostics.push(
          diagnostic(
            "unknown-stage-ref",
            "error",
            `dependsOn names '${dep}', but no stage has that id.${hint || ` Known ids: ${knownIds.join(", ")}.`}`,
            span,
            { data: { name: dep, suggestion: hint ? hint.slice(15, -2) : undefined } },
          ),
        );
      }
    });
  }

  const cycles = checkCycles(pipeline, byId);
  diagnostics.push(...cycles.diagnostics);

  if (pipeline.stages.length > 0 && pipeline.stages.every((s) => s.dependsOn.length > 0)) {
    diagnostics.push(
      diagnostic(
        "no-initial-stage",
        "error",
        "Every stage depends on another, so none can start. At least one stage must have no dependsOn.",
        pipeline.source.fields.stages?.key ?? pipeline.source.span,
      ),
    );
  }
  diagnostics.push(...checkBelowCycles(pipeline, cycles.members));
  return diagnostics;
}

function depItemSpan(stage: Stage, index: number) {
  return stage.dependsOnSpans[index];
}

/** Two stages with the same name (a warning: #stage and #judgment find the first). */
export function checkDuplicateNames(pipeline: Pipeline): Diagnostic[] {
  const seen = new Map<string, Stage>();
  const out: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    if (!stage.source.fields.name) continue;
    const first = seen.get(stage.name);
    if (first) {
      out.push(
        diagnostic(
          "duplicate-stage-name",
          "warning",
          `Stage name '${stage.name}' is also used by stage '${first.id}'; #stage('${stage.name}') and #judgment('${stage.name}') will find the first one.`,
          stage.source.fields.name.value,
          {
            related: [
              {
                message: "The other stage with this name",
                span: first.source.fields.name?.value ?? idSpan(first),
              },
            ],
          },
        ),
      );
    } else {
      seen.set(stage.name, stage);
    }
  }
  return out;
}

function checkCycles(
  pipeline: Pipeline,
  byId: Map<string, Stage>,
): { diagnostics: Diagnostic[]; members: Set<string> } {
  const out: Diagnostic[] = [];
  const members = new Set<string>();
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  // Iterative DFS so a 20,000-stage chain cannot overflow the stack.
  for (const root of pipeline.stages) {
    if (state.has(root.id)) continue;
    const stack: { stage: Stage; next: number }[] = [{ stage: root, next: 0 }];
    const path: string[] = [root.id];
    state.set(root.id, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next >= top.stage.dependsOn.length) {
        state.set(top.stage.id, "done");
        stack.pop();
        path.pop();
        continue;
      }
      const depId = top.stage.dependsOn[top.next++];
      const dep = byId.get(depId);
      if (!dep || dep === top.stage) continue;
      const seen = state.get(dep.id);
      if (seen === "visiting") {
        const cycle = path.slice(path.indexOf(dep.id));
        const key = [...cycle].sort().join("\u0000");
        if (!reported.has(key)) {
          reported.add(key);
          out.push(cycleDiagnostic(cycle.map((id) => byId.get(id)!)));
          for (const id of cycle) members.add(id);
        }
      } else if (seen === undefined) {
        state.set(dep.id, "visiting");
        stack.push({ stage: dep, next: 0 });
        path.push(dep.id);
      }
    }
  }
  return { diagnostics: out, members };
}

function cycleDiagnostic(members: Stage[]): Diagnostic {
  // path runs child -> parent; show it in run order, starting at the stage written first.
  const reversed = [...members].reverse();
  const first = reversed.reduce((a, b) => (b.index < a.index ? b : a));
  const at = reversed.indexOf(first);
  const order = [...reversed.slice(at), ...reversed.slice(0, at)];
  const names = [...order.map((s) => s.id), order[0].id].join(" -> ");
  const related: RelatedInformation[] = order.map((s) => ({
    message: `'${s.id}' is part of the cycle`,
    span: idSpan(s),
  }));
  return diagnostic(
    "cycle",
    "error",
    `These stages depend on each other in a cycle: ${names}. Remove one of these dependsOn entries.`,
    first.source.fields.dependsOn?.value ?? idSpan(first),
    { related },
  );
}

/**
 * Stages just below a cycle never start. Only the first stage under the cycle is reported:
 * its own descendants follow from it, and a stage under an unknown id has unknown-stage-ref.
 */
function checkBelowCycles(pipeline: Pipeline, inCycle: ReadonlySet<string>): Diagnostic[] {
  if (inCycle.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    if (inCycle.has(stage.id)) continue;
    const blockers = stage.dependsOn.filter((d) => inCycle.has(d));
    if (blockers.length === 0) continue;
    out.push(
      diagnostic(
        "unreachable-stage",
        "warning",
        `Stage '${stage.id}' can never start: it waits on ${blockers.map((b) => `'${b}'`).join(", ")}, which is part of a cycle.`,
        idSpan(stage),
      ),
    );
  }
  return out;
}
