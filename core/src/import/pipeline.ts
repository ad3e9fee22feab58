import type { StageCatalog } from "../stages/catalog.js";
import type { ImportContext } from "./context.js";
import { childPath, isRecord, show } from "./json-path.js";
import { convertNotifications } from "./notifications.js";
import { convertParameters } from "./parameters.js";
import { isEmpty } from "./stage-rules.js";
import { convertStage, stageOrigins } from "./stages.js";
import { convertTriggers } from "./triggers.js";

const ID = /^[A-Za-z0-9_.-]+$/;
/** Marks a note about the stage graph (ids and dependsOn). */
const GRAPH = { graph: true } as const;

/** Top-level keys Capstan has no use for, with the reason. */
const PIPELINE_DROPS: Record<string, string> = {
  application: "the application is the repository; application-wide settings go in .capstan/application.yml",
  id: "Spinnaker's pipeline config id; Capstan pipelines are known by name",
  index: "Spinnaker metadata",
  updateTs: "Spinnaker metadata",
  lastModifiedBy: "Spinnaker metadata",
  appConfig: "Spinnaker metadata",
  executionEngine: "Spinnaker metadata",
  parallel: "Spinnaker metadata",
  stageCounter: "Spinnaker metadata",
  locked: "Capstan pipelines are edited as files",
  schema: "Spinnaker metadata",
  spelEvaluator: "Capstan evaluates expressions with its own Spinnaker Expression Language subset",
  roles: "access is governed by GitHub repository permissions",
  permissions: "access is governed by GitHub repository permissions",
  tags: "Spinnaker UI tags",
  source: "Spinnaker metadata",
  respectQuietPeriod: "Spinnaker quiet periods are not supported",
  manualStartAlert: "Spinnaker UI alert",
};
const UNSUPPORTED: Record<string, string> = {
  expectedArtifacts: "Spinnaker artifacts are not supported",
  disabled: "Capstan pipelines have no disabled switch; remove the triggers or leave the file out",
  template: "pipeline templates are not supported; import the rendered pipeline",
  config: "pipeline templates are not supported; import the rendered pipeline",
  strategy: "custom deployment strategy pipelines are not supported",
};

/** Normalised stage ids: refId as a string, made to fit [A-Za-z0-9_.-]+ and unique. */
function stageIds(
  stages: unknown[],
  path: string,
  ctx: ImportContext,
): { ids: string[]; byRef: Map<string, string> } {
  const ids: string[] = [];
  const byRef = new Map<string, string>();
  const firstByRef = new Map<string, number>();
  const taken = new Set<string>();
  // Valid refIds keep their name; made-up ids must not take one of them.
  const reserved = new Set<string>();
  for (const s of stages) {
    const r = isRecord(s) ? s.refId : undefined;
    const text = typeof r === "number" ? String(r) : typeof r === "string" ? r.trim() : "";
    if (ID.test(text)) reserved.add(text);
  }
  stages.forEach((s, i) => {
    const stage = isRecord(s) ? s : {};
    const refPath = childPath(childPath(path, i), "refId");
    const raw = stage.refId;
    let ref: string | undefined;
    if (typeof raw === "number" && Number.isFinite(raw)) {
      ref = String(raw);
      ctx.note(refPath, "changed", `numeric refId ${raw} became the string id "${ref}"`, GRAPH);
    } else if (typeof raw === "string" && raw.trim() !== "") ref = raw.trim();

    if (ref !== undefined && firstByRef.has(ref)) {
      const j = firstByRef.get(ref)!;
      const nameOf = (k: number) => {
        const st = stages[k];
        return isRecord(st) && typeof st.name === "string" ? `"${st.name}"` : "(unnamed)";
      };
      ctx.diagnostic(
        "duplicate-ref-id",
        "error",
        `duplicate refId "${ref}": stages[${j}] ${nameOf(j)} and stages[${i}] ${nameOf(i)} share it; requisiteStageRefIds "${ref}" refers to the first. Give one of them another refId.`,
        refPath,
      );
      ids.push(ref);
      return;
    }
    let id = ref;
    if (id === undefined || !ID.test(id)) {
      let made =
        id === undefined
          ? `stage-${i + 1}`
          : id.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "") || `stage-${i + 1}`;
      while (reserved.has(made) || taken.has(made)) made = `${made}-${i + 1}`;
      ctx.note(
        refPath,
        "changed",
        id === undefined
          ? `no refId; id ${made} given`
          : `refId ${show(ref)} has characters ids cannot hold; id ${made} (and dependsOn ${made} where requisiteStageRefIds named it)`,
        GRAPH,
      );
      id = made;
    }
    if (ref !== undefined) {
      firstByRef.set(ref, i);
      byRef.set(ref, id);
    }
    taken.add(id);
    ids.push(id);
  });
  return { ids, byRef };
}

/** The ids Orca gives the stages of a pipeline none of whose stages has a refId: their indexes. */
function linearIds(stages: unknown[]): { ids: string[]; byRef: Map<string, string> } {
  const ids = stages.map((_, i) => String(i));
  return { ids, byRef: new Map(ids.map((id) => [id, id])) };
}

/** A path of the converted pipeline (`["stages", 2, "clusters"]`) as a key of its origins. */
export function originKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

/**
 * Where the parts of each converted pipeline came from: `originKey` of a path in the Capstan
 * pipeline to the JSON path of the Spinnaker field it was made from (pipeline, stages, their fields).
 */
export const pipelineOrigins = new WeakMap<Record<string, unknown>, Map<string, string>>();

/** Converts one Spinnaker pipeline config object into a Capstan pipeline value. */
export function convertPipeline(
  raw: Record<string, unknown>,
  path: string,
  ctx: ImportContext,
  ordinal: number,
  catalog: StageCatalog,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const origins = new Map<string, string>([[originKey([]), path]]);
  if (typeof raw.name === "string" && raw.name.trim() !== "") out.name = raw.name;
  else {
    out.name = `Imported pipeline ${ordinal + 1}`;
    ctx.note(childPath(path, "name"), "changed", `no name; named ${show(out.name)}`);
  }
  if (raw.type === "templatedPipeline")
    ctx.diagnostic(
      "templated-pipeline",
      "warning",
      `${show(out.name)} is a reference to a Spinnaker pipeline template, not a pipeline; import the rendered pipeline (Spinnaker's "Edit Pipeline JSON" after saving)`,
      childPath(path, "type"),
    );
  if (typeof raw.description === "string" && raw.description.trim() !== "") out.description = raw.description;

  const parameters = convertParameters(raw.parameterConfig, childPath(path, "parameterConfig"), ctx);
  if (parameters.length) out.parameters = parameters;
  const triggers = convertTriggers(raw.triggers, childPath(path, "triggers"), ctx, ctx.pipelineNames);
  if (triggers.length) out.triggers = triggers;

  // Orca parses limitConcurrent/keepWaitingPipelines with Boolean.parseBoolean(String.valueOf(v)),
  // so absent means false (and the string "true" means true). Capstan's default for
  // limitConcurrent is true, so both are written out to keep Spinnaker's behaviour.
  const parse = (v: unknown) => String(v).trim().toLowerCase() === "true";
  if (raw.limitConcurrent === undefined)
    ctx.note(
      childPath(path, "limitConcurrent"),
      "changed",
      "absent, which Orca reads as false (runs may overlap); written as limitConcurrent: false because Capstan's default is true",
    );
  out.concurrency = {
    limitConcurrent: parse(raw.limitConcurrent),
    keepWaitingPipelines: parse(raw.keepWaitingPipelines),
  };
  const max = Number(raw.maxConcurrentExecutions ?? 0);
  if (max > 0 && !parse(raw.limitConcurrent))
    ctx.note(
      childPath(path, "maxConcurrentExecutions"),
      "unsupported",
      `at most ${max} concurrent runs: Capstan either limits to one or not at all`,
    );

  const notifications = convertNotifications(
    raw.notifications,
    childPath(path, "notifications"),
    "pipeline",
    ctx,
  );
  if (notifications.length) out.notifications = notifications;

  const sPath = childPath(path, "stages");
  const stages = Array.isArray(raw.stages) ? raw.stages : [];
  if (!Array.isArray(raw.stages))
    ctx.diagnostic("no-stages", "warning", `${show(out.name)} has no stages list`, path);
  // Orca's convertLinearToParallel: when no stage has a refId, the stages are numbered "0", "1" ...
  // and each requires the one before it, so they run in array order.
  const linear =
    stages.length > 0 && stages.every((s) => !isRecord(s) || s.refId === undefined || s.refId === null);
  const { ids, byRef } = linear ? linearIds(stages) : stageIds(stages, sPath, ctx);
  if (linear && stages.length > 1)
    ctx.note(
      sPath,
      "changed",
      'no stage has a refId, so Orca runs them one after another in array order (refIds "0", "1" ...): each stage depends on the one before it',
      GRAPH,
    );
  let previous: string | undefined;
  const converted: Record<string, unknown>[] = [];
  out.stages = stages.flatMap((s, i) => {
    const stPath = childPath(sPath, i);
    if (!isRecord(s)) {
      ctx.diagnostic("stage-not-object", "error", `stages[${i}] is not a stage object`, stPath);
      return [];
    }
    const stage = convertStage(s, stPath, ids[i], ctx, catalog);
    if (linear) {
      stage.dependsOn = previous === undefined ? [] : [previous];
      if (!isEmpty(s.requisiteStageRefIds))
        ctx.note(
          childPath(stPath, "requisiteStageRefIds"),
          "dropped",
          "Orca replaces requisiteStageRefIds with the stage before when no stage has a refId",
          GRAPH,
        );
      previous = ids[i];
    } else
      stage.dependsOn = dependsOn(
        s.requisiteStageRefIds,
        childPath(stPath, "requisiteStageRefIds"),
        byRef,
        ctx,
      );
    if ((stage.dependsOn as string[]).length === 0) delete stage.dependsOn;
    const k = converted.length;
    origins.set(originKey(["stages", k]), stPath);
    for (const [key, from] of Object.entries(stageOrigins.get(stage) ?? {}))
      origins.set(originKey(["stages", k, key]), from);
    if (stage.dependsOn)
      origins.set(
        originKey(["stages", k, "dependsOn"]),
        linear ? stPath : childPath(stPath, "requisiteStageRefIds"),
      );
    converted.push(stage);
    return [stage];
  });

  for (const [key, value] of Object.entries(raw)) {
    if (
      [
        "name",
        "description",
        "parameterConfig",
        "triggers",
        "limitConcurrent",
        "keepWaitingPipelines",
        "maxConcurrentExecutions",
        "notifications",
        "stages",
        "type",
      ].includes(key)
    )
      continue;
    const empty =
      value === null || value === "" || value === false || (Array.isArray(value) && value.length === 0);
    if (key in UNSUPPORTED) {
      if (!empty) ctx.note(childPath(path, key), "unsupported", UNSUPPORTED[key]);
    } else if (!empty || !(key in PIPELINE_DROPS)) {
      ctx.note(childPath(path, key), "dropped", PIPELINE_DROPS[key] ?? `${key} has no Capstan equivalent`);
    }
  }
  const top: Record<string, string> = {
    name: "name",
    description: "description",
    parameters: "parameterConfig",
    triggers: "triggers",
    concurrency: "limitConcurrent",
    notifications: "notifications",
    stages: "stages",
  };
  for (const [key, from] of Object.entries(top))
    if (key in out) origins.set(originKey([key]), from in raw ? childPath(path, from) : path);
  const result = order(out, [
    "name",
    "description",
    "parameters",
    "triggers",
    "concurrency",
    "notifications",
    "stages",
  ]);
  pipelineOrigins.set(result, origins);
  return result;
}

function dependsOn(raw: unknown, path: string, byRef: Map<string, string>, ctx: ImportContext): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.note(path, "dropped", "requisiteStageRefIds is not a list", GRAPH);
    return [];
  }
  const out: string[] = [];
  raw.forEach((r, i) => {
    if (typeof r !== "string" && typeof r !== "number") {
      ctx.note(childPath(path, i), "dropped", `${show(r)} is not a refId`, GRAPH);
      return;
    }
    const ref = String(r).trim();
    const id = byRef.get(ref);
    if (id === undefined) {
      ctx.diagnostic(
        "unknown-requisite-stage",
        "warning",
        `requisiteStageRefIds names "${ref}", which no stage has as refId; Orca would never start this stage`,
        childPath(path, i),
      );
      if (!out.includes(ref)) out.push(ref);
    } else if (out.includes(id))
      ctx.note(
        childPath(path, i),
        "dropped",
        `requisiteStageRefIds names ${show(r)} twice; dependsOn lists it once`,
        GRAPH,
      );
    else out.push(id);
  });
  return out;
}

function order(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in value) out[k] = value[k];
  for (const k of Object.keys(value)) if (!(k in out)) out[k] = value[k];
  return out;
}
