import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import type { ExpressionSummary } from "../../engine/record.js";
import { stageProblem } from "../checks.js";

type Evaluated = { result?: TaskResult; pendingUrls: string[] };

function evaluateAll(ctx: StageContext): Evaluated {
  const raw = ctx.stage.context.variables;
  if (raw !== undefined && !Array.isArray(raw)) {
    return {
      result: { status: "TERMINAL", error: "evaluateVariables needs 'variables' as a list of {key, value}" },
      pendingUrls: [],
    };
  }
  // Maps without a prototype: a variable named `__proto__` or `constructor` is an ordinary key.
  const outputs: Record<string, unknown> = Object.create(null);
  // What later variables see: only the variables that evaluated without a summary entry. One that
  // failed keeps its text as its output (as in Orca) but is not read by the ones after it as that
  // text: `${x + y}` after a failed `y` fails too instead of concatenating y's expression.
  const visible: Record<string, unknown> = Object.create(null);
  const summary: ExpressionSummary = {};
  const pendingUrls: string[] = [];
  for (const entry of (raw ?? []) as { key?: unknown; value?: unknown }[]) {
    if (!entry || typeof entry.key !== "string" || entry.key === "") {
      return {
        result: { status: "TERMINAL", error: "every variable of evaluateVariables needs a 'key'" },
        pendingUrls: [],
      };
    }
    // Each variable sees the ones before it, as in Orca's EvaluateVariablesTask.
    const result = ctx.evaluateTree(entry.value, visible);
    const failures = Object.entries(result.summary);
    for (const [expr, list] of failures) summary[expr] = [...(summary[expr] ?? []), ...list];
    pendingUrls.push(...(result.pendingUrls ?? []));
    outputs[entry.key] = result.value;
    if (failures.length === 0) visible[entry.key] = result.value;
    else delete visible[entry.key];
  }
  return { result: { status: "SUCCEEDED", outputs, summary }, pendingUrls };
}

function run(ctx: StageContext): TaskResult | Promise<TaskResult> {
  const first = evaluateAll(ctx);
  if (first.pendingUrls.length === 0) return first.result!;
  // URL functions: fetch what they asked for (a few rounds, for URLs built from fetched data).
  return (async () => {
    let current = first;
    for (let round = 0; round < 3 && current.pendingUrls.length > 0; round++) {
      await ctx.fetchUrls(current.pendingUrls);
      current = evaluateAll(ctx);
    }
    return current.result!;
  })();
}

/** `evaluateVariables`: evaluates `variables` in order; each becomes an output readable as `${ key }`. */
export const evaluateVariablesStage: StageHandler = {
  type: "evaluateVariables",
  pure: true,
  deferredFields: ["variables"],
  start: run,
  check(stage) {
    const list = stage.config.variables;
    if (!Array.isArray(list) || list.length === 0)
      return [
        stageProblem(
          stage,
          "type",
          "variables-missing",
          "An evaluateVariables stage needs 'variables': a list of {key, value}.",
        ),
      ];
    const seen = new Set<string>();
    const out = [];
    for (const v of list as { key?: unknown }[]) {
      const key = typeof v?.key === "string" ? v.key : "";
      if (!key)
        out.push(stageProblem(stage, "variables", "variable-key-missing", "Every variable needs a 'key'."));
      else if (seen.has(key))
        out.push(
          stageProblem(
            stage,
            "variables",
            "variable-key-duplicate",
            `The variable '${key}' is set twice; the second value wins.`,
            "warning",
          ),
        );
      seen.add(key);
    }
    return out;
  },
};
