import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Parameter, Pipeline, Trigger } from "../model/types.js";

/** GitHub's limit on `workflow_dispatch` inputs. */
export const MAX_DISPATCH_INPUTS = 25;

type Data = Record<string, unknown>;

/** The slug of a pipeline name used in file names, event types and concurrency groups. */
export function pipelineSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "pipeline" : slug;
}

/** The `name:` of the workflow generated for a pipeline (other pipelines' `workflow_run` names it). */
export function workflowName(pipelineName: string): string {
  return `Capstan: ${pipelineName}`;
}

/** The workflow file name generated for a pipeline. */
export function workflowFileName(pipelineName: string): string {
  return `capstan-${pipelineSlug(pipelineName)}.yml`;
}

/** The `workflow_dispatch` input id of each parameter (ids allow letters, digits, `_` and `-`). */
export function dispatchInputIds(parameters: readonly Parameter[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const p of parameters) {
    let base = p.name.replace(/[^A-Za-z0-9_-]+/g, "_");
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    let id = base;
    for (let n = 2; used.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    used.add(id.toLowerCase());
    ids.set(p.name, id);
  }
  return ids;
}

function dispatchInput(p: Parameter): Data {
  const description = p.description ? `${p.name}: ${p.description}` : p.name;
  const input: Data = { description, required: p.required };
  if (p.options && p.options.length > 0) {
    input.type = "choice";
    input.options = p.options.map(String);
    if (p.default !== undefined && p.default !== null) input.default = String(p.default);
  } else if (typeof p.default === "boolean") {
    input.type = "boolean";
    input.default = p.default;
  } else if (typeof p.default === "number") {
    input.type = "number";
    input.default = p.default;
  } else {
    input.type = "string";
    if (p.default !== undefined && p.default !== null) input.default = String(p.default);
  }
  return input;
}

const LITERAL = /^[A-Za-z0-9_/-]+$/;

/**
 * A Spinnaker branch regex as GitHub branch filters: a plain name stays, `prefix.*` becomes
 * `prefix**`; any other regex listens on every branch and the action checks the regex at run time.
 */
export function branchFilter(branch: string): { branches: string[]; checkedByAction: boolean } {
  const core = branch.replace(/^\^/, "").replace(/\$$/, "");
  if (LITERAL.test(core)) return { branches: [core], checkedByAction: false };
  if (core.endsWith(".*") && (core === ".*" || LITERAL.test(core.slice(0, -2)))) {
    return { branches: [`${core.slice(0, -2)}**`], checkedByAction: false };
  }
  return { branches: ["**"], checkedByAction: true };
}

const STATUS_CONCLUSION: Record<string, string> = {
  successful: "success",
  failed: "failure",
  canceled: "cancelled",
};

/** The workflow's `on:` map and the condition (for the first jobs) that filters pipeline triggers. */
export function compileTriggers(pipeline: Pipeline): {
  on: Data;
  condition?: string;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const on: Data = {};
  const ids = dispatchInputIds(pipeline.parameters);
  const inputs: Data = {};
  // Own properties, so a parameter named `__proto__` is an input like any other.
  for (const p of pipeline.parameters)
    Object.defineProperty(inputs, ids.get(p.name)!, {
      value: dispatchInput(p),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  // Every Spinnaker pipeline can be started by hand, so every workflow can be dispatched.
  on.workflow_dispatch = pipeline.parameters.length > 0 ? { inputs } : null;
  if (pipeline.parameters.length > MAX_DISPATCH_INPUTS) {
    const extra = pipeline.parameters[MAX_DISPATCH_INPUTS];
    diagnostics.push({
      code: "github-too-many-inputs",
      severity: "error",
      message: `GitHub allows at most ${MAX_DISPATCH_INPUTS} workflow_dispatch inputs; this pipeline has ${pipeline.parameters.length} parameters. Merge some (e.g. one JSON parameter).`,
      span: extra.source.span,
    });
  }
  const push: { branches: string[]; paths: string[] } = { branches: [], paths: [] };
  const schedule: Data[] = [];
  const workflowRuns: { name: string; conclusions: string[] }[] = [];
  const dispatchTypes: string[] = [];
  let docker = false;
  for (const trigger of pipeline.triggers) {
    const f = trigger.fields;
    switch (trigger.type) {
      case "git": {
        const branch = typeof f.branch === "string" ? f.branch : undefined;
        if (branch) push.branches.push(...branchFilter(branch).branches);
        else push.branches.push("**");
        for (const p of listOf(f.paths)) push.paths.push(p);
        break;
      }
      case "cron":
        if (typeof f.expression === "string") schedule.push({ cron: f.expression });
        break;
      case "pipeline":
        if (typeof f.pipeline === "string") {
          const conclusions = listOf(f.status).map(
            (s) => STATUS_CONCLUSION[s.toLowerCase()] ?? s.toLowerCase(),
          );
          workflowRuns.push({ name: workflowName(f.pipeline), conclusions });
        }
        break;
      case "docker":
        docker = true;
        break;
      case "webhook":
        dispatchTypes.push(webhookEventType(pipeline, trigger));
        break;
      default:
        break;
    }
  }
  if (push.branches.length > 0) {
    const branches = push.branches.includes("**") ? ["**"] : unique(push.branches);
    on.push = push.paths.length > 0 ? { branches, paths: unique(push.paths) } : { branches };
  }
  if (schedule.length > 0) on.schedule = schedule;
  if (workflowRuns.length > 0) {
    on.workflow_run = { workflows: unique(workflowRuns.map((w) => w.name)), types: ["completed"] };
  }
  if (docker) on.registry_package = { types: ["published"] };
  if (dispatchTypes.length > 0) on.repository_dispatch = { types: unique(dispatchTypes) };
  return { on, condition: workflowRunCondition(workflowRuns), diagnostics };
}

/** `repository_dispatch` event type of a webhook trigger. */
export function webhookEventType(pipeline: Pipeline, trigger: Trigger): string {
  const source = typeof trigger.fields.source === "string" ? trigger.fields.source : pipeline.name;
  return `capstan-${pipelineSlug(source)}`;
}

/** The status filter of pipeline triggers, as a job `if:` (workflow_run has no conclusion filter). */
function workflowRunCondition(runs: { name: string; conclusions: string[] }[]): string | undefined {
  if (runs.length === 0 || runs.every((r) => r.conclusions.length === 0)) return undefined;
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const alternatives = runs.map((r) => {
    const name = `github.event.workflow_run.name == ${quote(r.name)}`;
    if (r.conclusions.length === 0) return `(${name})`;
    const concl = r.conclusions
      .map((c) => `github.event.workflow_run.conclusion == ${quote(c)}`)
      .join(" || ");
    return `(${name} && (${concl}))`;
  });
  return `github.event_name != 'workflow_run' || ${alternatives.join(" || ")}`;
}

function listOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
