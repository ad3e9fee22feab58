import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import type { StageCatalog } from "../stages/catalog.js";
import { builtinStages } from "../stages/index.js";
import { asBoolean, asList, asString, asStrings, isData } from "../stages/stage-fields.js";
import { parseDuration } from "./duration.js";
import { NodeSourceReader } from "./node-source.js";
import { slugify } from "./slugify.js";
import type {
  ExecutionWindow,
  Notification,
  NotificationType,
  OnFailure,
  Parameter,
  Pipeline,
  RunsOn,
  Stage,
  Trigger,
  TriggerType,
  Weekday,
} from "./types.js";

type Data = Record<string, unknown>;

const ON_FAILURE = new Set(["haltPipeline", "haltBranch", "haltBranchThenFailPipeline", "ignore"]);
const TRIGGER_TYPES = new Set(["manual", "git", "cron", "pipeline", "docker", "webhook"]);
const NOTIFICATION_TYPES = new Set(["slack", "webhook", "github-comment", "email"]);

export { slugify } from "./slugify.js";

/**
 * Builds the typed pipeline from a loaded document, applying the format's defaults.
 * It trusts nothing: fields of the wrong type are left at their defaults (the schema
 * reports them), so it works on any input the loader produced.
 */
export function buildPipeline(
  doc: LoadedDocument,
  catalog: StageCatalog = builtinStages(),
): { pipeline: Pipeline; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const root = isData(doc.value) ? doc.value : {};
  const sources = new NodeSourceReader(doc);
  const name = asString(root.name) ?? "";
  const stages = asList(root.stages).flatMap((raw, index) =>
    isData(raw) ? [buildStage(raw, index, name, sources, catalog)] : [],
  );
  const concurrency = isData(root.concurrency) ? root.concurrency : {};
  const pipeline: Pipeline = {
    name,
    description: asString(root.description),
    parameters: asList(root.parameters).flatMap((raw, i) =>
      isData(raw) ? [buildParameter(raw, sources.at(["parameters", i]))] : [],
    ),
    triggers: asList(root.triggers).flatMap((raw, i) =>
      isData(raw) && TRIGGER_TYPES.has(String(raw.type))
        ? [
            {
              type: raw.type as TriggerType,
              fields: raw,
              source: sources.at(["triggers", i]),
            } satisfies Trigger,
          ]
        : [],
    ),
    concurrency: {
      limitConcurrent: asBoolean(concurrency.limitConcurrent, true),
      keepWaitingPipelines: asBoolean(concurrency.keepWaitingPipelines, false),
    },
    secrets: asStrings(root.secrets),
    notifications: buildNotifications(root.notifications, ["notifications"], sources),
    runsOn: asRunsOn(root.runsOn),
    stages,
    settings: isData(root.expressions) ? { expressions: root.expressions } : {},
    source: sources.at([]),
  };
  return { pipeline, diagnostics };
}

function buildStage(
  raw: Data,
  index: number,
  pipelineName: string,
  sources: NodeSourceReader,
  catalog: StageCatalog,
): Stage {
  const path: PathSegment[] = ["stages", index];
  const rawId = typeof raw.id === "number" ? String(raw.id) : asString(raw.id);
  const rawName = asString(raw.name);
  const id = rawId ?? (rawName !== undefined ? slugify(rawName) : `stage${index + 1}`);
  const type = asString(raw.type) ?? "";
  const timeoutText = asString(raw.timeout);
  const common = {
    id,
    name: rawName ?? id,
    type,
    dependsOn: asStrings(raw.dependsOn),
    dependsOnSpans: sources.itemSpans([...path, "dependsOn"]),
    if: asString(raw.if),
    onFailure: (ON_FAILURE.has(String(raw.onFailure)) ? raw.onFailure : "haltPipeline") as OnFailure,
    failOnFailedExpressions: asBoolean(raw.failOnFailedExpressions, false),
    timeoutMs: timeoutText === undefined ? undefined : parseDuration(timeoutText),
    window: isData(raw.window) ? buildWindow(raw.window, sources.at([...path, "window"])) : undefined,
    notifications: buildNotifications(raw.notifications, [...path, "notifications"], sources),
    retryable: asBoolean(raw.retryable, false),
    runsOn: asRunsOn(raw.runsOn),
    config: raw,
    index,
    source: sources.at(path),
  };
  const typed = catalog.get(type)?.model?.(raw, {
    id,
    pipelineName,
    source: (sub) => sources.at([...path, ...sub]),
  });
  return typed ? { ...common, ...typed } : common;
}

/** `runsOn` when it has one of the shapes GitHub's `runs-on` takes (the schema reports the others). */
function asRunsOn(raw: unknown): RunsOn | undefined {
  const labels = (v: unknown): string | string[] | undefined =>
    typeof v === "string" && v !== ""
      ? v
      : Array.isArray(v) && v.length > 0 && v.every((l) => typeof l === "string" && l !== "")
        ? (v as string[])
        : undefined;
  if (!isData(raw)) return labels(raw);
  const group = typeof raw.group === "string" && raw.group !== "" ? raw.group : undefined;
  const named = labels(raw.labels);
  if (group === undefined && named === undefined) return undefined;
  return { ...(group !== undefined ? { group } : {}), ...(named !== undefined ? { labels: named } : {}) };
}

function buildParameter(raw: Data, source: Pipeline["source"]): Parameter {
  const value = raw.default;
  const options = Array.isArray(raw.options)
    ? raw.options.filter((o): o is string | number | boolean =>
        ["string", "number", "boolean"].includes(typeof o),
      )
    : undefined;
  return {
    name: asString(raw.name) ?? "",
    description: asString(raw.description),
    default:
      typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null
        ? value
        : undefined,
    options,
    required: asBoolean(raw.required, false),
    source,
  };
}

function buildWindow(raw: Data, source: ExecutionWindow["source"]): ExecutionWindow {
  const jitter = isData(raw.jitter) ? raw.jitter : undefined;
  const duration = (v: unknown) => (typeof v === "string" ? (parseDuration(v) ?? 0) : 0);
  return {
    days: asStrings(raw.days).map((d) => d.toLowerCase().slice(0, 3) as Weekday),
    ranges: asList(raw.ranges).flatMap((r) =>
      isData(r) && typeof r.start === "string" && typeof r.end === "string"
        ? [{ start: r.start, end: r.end }]
        : [],
    ),
    timezone: asString(raw.timezone) ?? "UTC",
    jitter: jitter
      ? {
          minMs: duration(jitter.min),
          maxMs: duration(jitter.max),
          skipManual: asBoolean(jitter.skipManual, false),
        }
      : undefined,
    source,
  };
}

function buildNotifications(raw: unknown, path: PathSegment[], sources: NodeSourceReader): Notification[] {
  return asList(raw).flatMap((n, i) => {
    if (!isData(n) || !NOTIFICATION_TYPES.has(String(n.type))) return [];
    const message = isData(n.message)
      ? Object.fromEntries(
          Object.entries(n.message).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
        )
      : {};
    return [
      {
        type: n.type as NotificationType,
        address: asString(n.address) ?? "",
        when: asStrings(n.when),
        message,
        source: sources.at([...path, i]),
      },
    ];
  });
}
