import { dispatchInputIds, type Pipeline } from "@capstan/core";
import type { RunContext } from "./context.js";

type Data = Record<string, unknown>;

const EVENT_TRIGGER: Record<string, string> = {
  workflow_dispatch: "manual",
  push: "git",
  schedule: "cron",
  workflow_run: "pipeline",
  registry_package: "docker",
  repository_dispatch: "webhook",
};

const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Data)[k] : undefined), value);

/**
 * The execution's trigger and parameters from the GitHub event, or why this event does not start
 * the pipeline (filters GitHub cannot express: a docker tag regex, a branch regex).
 */
export function triggerFromEvent(
  pipeline: Pipeline,
  ctx: RunContext,
  inputsJson: string,
): { trigger: Data; parameters: Data } | { skip: string } {
  const type = EVENT_TRIGGER[ctx.eventName] ?? ctx.eventName;
  const trigger: Data = {
    type,
    user: ctx.actor,
    sha: ctx.sha,
    ref: ctx.ref,
    actor: ctx.actor,
    repository: `${ctx.owner}/${ctx.repo}`,
    event: ctx.eventName,
  };
  // No prototype: a parameter named `__proto__` or `constructor` is an ordinary key.
  const parameters: Data = Object.create(null);
  if (ctx.eventName === "workflow_dispatch" || ctx.eventName === "repository_dispatch") {
    let supplied: Data = {};
    try {
      supplied = inputsJson ? (JSON.parse(inputsJson) as Data) : {};
    } catch {
      supplied = {};
    }
    if (ctx.eventName === "repository_dispatch")
      supplied = (get(ctx.event, "client_payload", "parameters") as Data) ?? {};
    const ids = dispatchInputIds(pipeline.parameters);
    for (const p of pipeline.parameters) {
      const id = ids.get(p.name)!;
      if (Object.hasOwn(supplied, id)) parameters[p.name] = supplied[id];
      else if (Object.hasOwn(supplied, p.name)) parameters[p.name] = supplied[p.name];
    }
  }
  if (type === "docker") {
    const tag = String(
      get(ctx.event, "registry_package", "package_version", "container_metadata", "tag", "name") ?? "",
    );
    const pkg = String(get(ctx.event, "registry_package", "name") ?? "");
    const docker = pipeline.triggers.filter((t) => t.type === "docker");
    const match = docker.find((t) => {
      const image = String(t.fields.image ?? "");
      const tagRegex = typeof t.fields.tag === "string" ? t.fields.tag : ".*";
      return (
        (pkg === "" || image.endsWith(`/${pkg}`) || image === pkg) &&
        new RegExp(`^(?:${tagRegex})$`).test(tag)
      );
    });
    if (!match)
      return { skip: `image tag '${tag}' of package '${pkg}' matches no docker trigger of the pipeline` };
    Object.assign(trigger, { tag, image: match.fields.image });
  }
  if (type === "git") {
    const branch = ctx.ref.replace(/^refs\/heads\//, "");
    const git = pipeline.triggers.filter((t) => t.type === "git");
    const ok = git.some(
      (t) => typeof t.fields.branch !== "string" || new RegExp(`^(?:${t.fields.branch})$`).test(branch),
    );
    if (git.length > 0 && !ok) return { skip: `branch '${branch}' matches no git trigger's branch regex` };
    trigger.branch = branch;
  }
  if (type === "pipeline") {
    trigger.parentExecution = {
      name: get(ctx.event, "workflow_run", "name"),
      conclusion: get(ctx.event, "workflow_run", "conclusion"),
      runId: get(ctx.event, "workflow_run", "id"),
    };
  }
  return { trigger, parameters };
}
