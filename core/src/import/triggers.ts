import { pipelineNameOf } from "../model/pipeline-name.js";
import type { ImportContext } from "./context.js";
import { quartzToCron } from "./cron.js";
import { childPath, isBlank, isRecord, show } from "./json-path.js";

/** Fields of a trigger that are consumed (or deliberately ignored) per trigger type. */
const HANDLED: Record<string, string[]> = {
  manual: [],
  cron: ["cronExpression"],
  git: ["branch"],
  docker: ["registry", "repository", "tag"],
  pipeline: ["pipeline", "status"],
  webhook: [],
};
// Reasons worth more than "no equivalent".
const WHY: Record<string, (t: Record<string, unknown>) => string> = {
  "git.project": (t) =>
    `Capstan git triggers fire on pushes to the repository holding the pipeline; this one watched ${show(t.source ?? "git")} ${show(t.project)}/${show(t.slug)}`,
  "git.slug": () => "see project: the watched repository is the one holding the pipeline",
  "git.source": () => "see project: the watched repository is the one holding the pipeline",
  "git.secret": () => "GitHub delivers push events to Capstan directly; no webhook secret is needed",
  "webhook.source": (t) =>
    `Capstan webhook triggers listen for the repository_dispatch event capstan-<pipeline name>, not the Spinnaker webhook source ${show(t.source)}`,
  "pipeline.application": () => "Capstan pipeline triggers name a pipeline of this repository",
  "docker.account": () => "the registry account is GitHub's; not needed",
};
// Reasons for keys every trigger type may have.
const WHY_ANY: Record<string, (t: Record<string, unknown>) => string> = {
  id: (t) => `Spinnaker's id of the trigger (${show(t.id)}); Capstan triggers have none`,
};
// Consumed by every trigger type.
const SILENT = new Set(["type", "enabled"]);

/** Converts `triggers`; resolves pipeline ids to names through `pipelineNames`. */
export function convertTriggers(
  list: unknown,
  path: string,
  ctx: ImportContext,
  pipelineNames: ReadonlyMap<string, string>,
): Record<string, unknown>[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    ctx.note(path, "dropped", "triggers is not a list");
    return [];
  }
  const out: Record<string, unknown>[] = [];
  list.forEach((raw, i) => {
    const tPath = childPath(path, i);
    if (!isRecord(raw) || typeof raw.type !== "string") {
      ctx.note(tPath, "dropped", "a trigger without a type");
      return;
    }
    const type = raw.type;
    if (!(type in HANDLED)) {
      ctx.note(
        tPath,
        "unsupported",
        `${type} triggers have no Capstan equivalent (manual, git, cron, pipeline, docker, webhook); dropped`,
      );
      return;
    }
    const t = convertOne(type, raw, tPath, ctx, pipelineNames);
    if (!t) return;
    for (const key of Object.keys(raw)) {
      if (SILENT.has(key) || HANDLED[type].includes(key)) continue;
      const value = raw[key];
      if (isBlank(value)) continue;
      ctx.note(
        childPath(tPath, key),
        "dropped",
        (WHY[`${type}.${key}`] ?? WHY_ANY[key])?.(raw) ?? `${key} ${show(value)} has no Capstan equivalent`,
      );
    }
    // Capstan triggers have the same switch; a string "false" is read as Spinnaker's UI would.
    if (raw.enabled === false || raw.enabled === "false") {
      t.enabled = false;
      if (raw.enabled === "false")
        ctx.note(childPath(tPath, "enabled"), "changed", 'the string "false" read as false');
    }
    out.push(t);
  });
  return out;
}

function convertOne(
  type: string,
  raw: Record<string, unknown>,
  path: string,
  ctx: ImportContext,
  pipelineNames: ReadonlyMap<string, string>,
): Record<string, unknown> | undefined {
  switch (type) {
    case "cron": {
      const expr = raw.cronExpression;
      const ePath = childPath(path, "cronExpression");
      if (typeof expr !== "string") {
        ctx.note(path, "dropped", "cron trigger without a cronExpression");
        return undefined;
      }
      const c = quartzToCron(expr);
      if (!c.ok) {
        ctx.note(ePath, "unsupported", `${show(expr)}: ${c.reason}; trigger dropped`);
        return undefined;
      }
      for (const n of c.notes) ctx.note(ePath, "changed", n);
      ctx.note(
        ePath,
        "changed",
        `Quartz ${show(expr)} became cron "${c.expression}"; Capstan schedules run in UTC, Spinnaker's in Echo's configured time zone, so check the hours`,
      );
      return { type, expression: c.expression };
    }
    case "git": {
      const t: Record<string, unknown> = { type };
      if (typeof raw.branch === "string" && raw.branch !== "") t.branch = raw.branch;
      return t;
    }
    case "docker": {
      const repo = typeof raw.repository === "string" ? raw.repository : undefined;
      if (!repo) {
        ctx.note(path, "dropped", "docker trigger without a repository");
        return undefined;
      }
      const registry = typeof raw.registry === "string" && raw.registry !== "" ? raw.registry : undefined;
      const t: Record<string, unknown> = { type, image: registry ? `${registry}/${repo}` : repo };
      if (typeof raw.tag === "string" && raw.tag !== "") t.tag = raw.tag;
      if (registry)
        ctx.note(
          childPath(path, "registry"),
          "changed",
          `registry and repository joined into image ${t.image}`,
        );
      return t;
    }
    case "pipeline": {
      const id = raw.pipeline;
      if (typeof id !== "string" || id === "") {
        ctx.note(path, "dropped", "pipeline trigger without a pipeline");
        return undefined;
      }
      const t: Record<string, unknown> = {
        type,
        pipeline: resolvePipeline(id, childPath(path, "pipeline"), ctx, pipelineNames),
      };
      if (Array.isArray(raw.status)) {
        const status = raw.status.filter((s): s is string => typeof s === "string");
        const known = status.filter((s) => ["successful", "failed", "canceled"].includes(s));
        for (const s of status)
          if (!known.includes(s))
            ctx.note(
              childPath(path, "status"),
              "dropped",
              `status ${show(s)} is not successful, failed or canceled`,
            );
        if (known.length) t.status = known;
      }
      return t;
    }
    default:
      return { type };
  }
}

/** A Spinnaker pipeline config id as a Capstan pipeline name when known; else the id, reported. */
export function resolvePipeline(
  id: string,
  path: string,
  ctx: ImportContext,
  pipelineNames: ReadonlyMap<string, string>,
): string {
  const name = pipelineNames.get(id);
  if (name !== undefined) {
    ctx.note(path, "changed", `Spinnaker pipeline id ${id} replaced by the pipeline's name ${show(name)}`);
    return name;
  }
  const byName = pipelineNameOf(id);
  if (id.includes("${") && byName !== undefined) {
    const call = /#pipelineId\([^)]*\)/.exec(id)?.[0] ?? "#pipelineId(...)";
    ctx.note(
      path,
      "changed",
      `${call} is the pipeline named ${show(byName)}: Capstan pipelines are known by name`,
    );
    return byName;
  }
  if (id.includes("${")) {
    ctx.note(
      path,
      "changed",
      "the pipeline is chosen by an expression that yields a Spinnaker pipeline id; make it yield a Capstan pipeline name",
    );
    return id;
  }
  ctx.note(
    path,
    "changed",
    `only the Spinnaker pipeline id ${id} is known; replace it with the Capstan pipeline's name`,
  );
  return id;
}
