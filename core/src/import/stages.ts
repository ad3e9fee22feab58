import type { StageCatalog } from "../stages/catalog.js";
import type { ImportContext } from "./context.js";
import { formatMillis } from "./duration.js";
import { childPath, isRecord, show, toNumber, wrapExpression } from "./json-path.js";
import { convertNotifications, type NotificationLevel } from "./notifications.js";
import { mapOnFailure } from "./on-failure.js";
import { drop, isEmpty, type Rule, silent } from "./stage-rules.js";
import { convertWindow } from "./window.js";

/** Keys consumed by the common part of every stage. */
const COMMON_KEYS = new Set([
  "refId",
  "requisiteStageRefIds",
  "name",
  "type",
  "stageEnabled",
  "failPipeline",
  "continuePipeline",
  "completeOtherBranchesThenFail",
  "stageTimeoutMs",
  "restrictExecutionDuringTimeWindow",
  "restrictedExecutionWindow",
  "notifications",
  "sendNotifications",
  "failOnFailedExpressions",
  "comments",
]);

/** Why a field of a stage type that Capstan's stage has no place for was left out. */
const DROPPED_BECAUSE: Record<string, (value: unknown) => string> = {
  source: (v) =>
    v === "text"
      ? 'source "text": the manifests are written inline (manifests)'
      : v === "artifact"
        ? 'source "artifact": the manifests come from the artifact the stage names'
        : `source ${show(v)}: where deck read the manifests from`,
  manifestArtifactAccount: (v) =>
    `the account deck reads the manifest artifact with (${show(v)}); Capstan needs none`,
  moniker: () =>
    "Spinnaker's moniker (application and cluster names): the application is the repository, the cluster is in the stage's own fields",
  relationships: () =>
    "the load balancers and security groups deck shows beside the manifest; Capstan does not model them",
  app: (v) => `application ${show(v)}: the application is the repository`,
  mode: (v) => `mode ${show(v)}: Capstan tells a static, dynamic or label target by the fields given`,
  cloudProvider: (v) => `cloudProvider ${show(v)}: implied by the stage type`,
  cloudProviderType: (v) => `cloudProviderType ${show(v)}: implied by the provider`,
  expectedArtifacts: () =>
    "the artifacts the stage declares: where a later stage names one (requiredArtifactIds, manifestArtifactId) its note says what became of it; Capstan declares no artifacts",
  trafficManagement: () =>
    "traffic management is switched off (enabled is not true), as deck writes it by default",
};

function droppedReason(key: string, value: unknown, type: string): string {
  return (
    DROPPED_BECAUSE[key]?.(value) ?? `${key} ${show(value)} does not carry over into Capstan's ${type} stage`
  );
}

/** Fields every stage may carry that Capstan drops, and why. */
const COMMON_DROPS: Record<string, Rule> = {
  alias: (value, path, ctx, stage) => {
    if (isEmpty(value)) return {};
    const type = typeof stage.type === "string" && stage.type !== "" ? stage.type : "the stage";
    if (value === "preconfiguredWebhook")
      ctx.note(
        path,
        "unsupported",
        `${type} is a preconfigured webhook: its URL, method, headers and payload are in Orca's webhook.preconfigured settings, not in the pipeline; write it as a webhook stage with them`,
      );
    else if (value === "preconfiguredJob")
      ctx.note(
        path,
        "unsupported",
        `${type} is a preconfigured job: its job (a Kubernetes or Titus run job) is in Orca's job.preconfigured settings, not in the pipeline; write it as a run or runJobManifest stage`,
      );
    else
      ctx.note(
        path,
        "dropped",
        `alias ${show(value)}: Orca runs this stage as that stage type; Capstan goes by type alone`,
      );
    return {};
  },
  isNew: drop("deck's marker for a stage added in the editor"),
  id: drop("the stage's id in an execution (null in pipeline configs); Capstan ids come from refId"),
  group: drop("stage groups are a templating detail"),
  overrideTimeout: drop(
    "deck's switch for stageTimeoutMs, never read by Orca (the timeout itself carries over)",
  ),
  skipWindowText: drop("UI text for the skip-window button"),
  markSuccessfulOnTimeout: drop("Capstan fails a stage that times out", "unsupported"),
  backoffPeriodMs: drop("Capstan chooses its own polling interval"),
  startTimeExpiry: drop("run-time field", "dropped"),
  expectedArtifacts: drop("Spinnaker artifacts are not supported", "unsupported"),
};

export interface ConvertedStage {
  value: Record<string, unknown>;
  /** refId as a string, before any renaming. */
  refId: string | undefined;
  dependsOn: string[];
}

/**
 * Where each top-level field of a converted stage came from: Capstan key to the JSON path of the
 * Spinnaker field (diagnostics of the converted YAML are shown at these places of the JSON).
 */
export const stageOrigins = new WeakMap<Record<string, unknown>, Record<string, string>>();

/** Converts one stage; `id` is the already-normalised Capstan id. */
export function convertStage(
  raw: Record<string, unknown>,
  path: string,
  id: string,
  ctx: ImportContext,
  stages: StageCatalog,
): Record<string, unknown> {
  const type = typeof raw.type === "string" ? raw.type : "";
  const definition = stages.importDefinition(type);
  // A type kept as written (Capstan cannot convert it yet) notes what would carry over instead.
  const keptAsWritten = definition?.import?.keptAsWritten;
  const spec = keptAsWritten ? undefined : definition?.import;
  const out: Record<string, unknown> = { id };
  const from: Record<string, string> = {};

  if (typeof raw.name === "string" && raw.name !== "") out.name = raw.name;
  else {
    // Orca names an unnamed stage after its type; keep that so #stage('<type>') still finds it.
    out.name = type || id;
    ctx.note(
      childPath(path, "name"),
      "changed",
      `no name; Orca names the stage after its type, so name: ${show(out.name)}`,
    );
  }
  const capstanType = spec && definition ? definition.type : type;
  out.type = capstanType;
  if (capstanType !== type)
    ctx.note(childPath(path, "type"), "changed", `Spinnaker stage type ${type} is Capstan's ${capstanType}`);
  if (keptAsWritten) keptAsWritten(raw, path, ctx);
  else if (!spec) {
    ctx.note(
      path,
      "unsupported",
      `stage type ${show(type)} is not part of the Capstan format; kept with its fields as written (Capstan cannot run it)`,
    );
  }

  // dependsOn is filled in by the caller once every refId is known.
  out.dependsOn = [];
  const ifExpr = convertStageEnabled(raw.stageEnabled, childPath(path, "stageEnabled"), ctx);
  if (ifExpr !== undefined) out.if = ifExpr;

  const failure = mapOnFailure(raw);
  for (const c of failure.caveats) ctx.note(childPath(path, c.flag), "changed", c.message);
  if (failure.onFailure !== "haltPipeline") out.onFailure = failure.onFailure;
  // A plain boolean in Capstan (read before any expression runs); Orca also wants a boolean here.
  const foe = raw.failOnFailedExpressions;
  if (foe === true || foe === "true") {
    out.failOnFailedExpressions = true;
    if (foe === "true")
      ctx.note(childPath(path, "failOnFailedExpressions"), "changed", 'the string "true" read as true');
  } else if (foe !== undefined && foe !== null && foe !== false && foe !== "false")
    ctx.note(childPath(path, "failOnFailedExpressions"), "dropped", `${show(foe)} is not a boolean`);

  const timeout = convertTimeout(raw.stageTimeoutMs, childPath(path, "stageTimeoutMs"), ctx);
  if (timeout !== undefined) out.timeout = timeout;
  const window = convertWindow(raw, path, ctx);
  if (window) out.window = window;
  if (typeof raw.comments === "string" && raw.comments.trim() !== "") out.comments = raw.comments;
  else if (!isEmpty(raw.comments)) ctx.note(childPath(path, "comments"), "dropped", "comments is not text");

  // Type fields.
  const consumed = new Set(COMMON_KEYS);
  if (spec) {
    for (const [key, rule] of Object.entries(spec.rules)) {
      consumed.add(key);
      if (!(key in raw) || raw[key] === undefined) continue;
      const kPath = childPath(path, key);
      const before = ctx.notes.length;
      const produced = rule(raw[key], kPath, ctx, raw);
      Object.assign(out, produced);
      for (const k of Object.keys(produced ?? {})) from[k] ??= kPath;
      // A field its rule turned into nothing, without a word, is still named: every dropped field
      // is in the report. (`silent` keys of a type with `build` are read by the build.)
      const quiet = ctx.notes.length === before && (!produced || Object.keys(produced).length === 0);
      if (quiet && !(rule === silent && spec.build))
        ctx.note(kPath, "dropped", droppedReason(key, raw[key], capstanType));
    }
    if (spec.build) {
      const built = spec.build(raw, path, ctx);
      Object.assign(out, built);
      for (const k of Object.keys(built)) from[k] ??= k in raw ? childPath(path, k) : path;
    }
  }
  for (const [key, value] of Object.entries(raw)) {
    if (consumed.has(key)) continue;
    if (key in COMMON_DROPS) COMMON_DROPS[key](value, childPath(path, key), ctx, raw);
    else if (!spec) {
      out[key] = value;
      from[key] = childPath(path, key);
    } else if (!isEmpty(value))
      ctx.note(
        childPath(path, key),
        "dropped",
        `${key} ${show(value)} has no Capstan equivalent for ${type}`,
      );
  }

  const level: NotificationLevel =
    definition?.schema.notificationDefinition === "judgment-notification" ? "judgment" : "stage";
  const notifications = convertNotifications(
    raw.notifications,
    childPath(path, "notifications"),
    level,
    ctx,
    raw.sendNotifications,
  );
  if (notifications.length) {
    out.notifications = notifications;
    from.notifications = childPath(path, "notifications");
    if (level === "stage" && raw.sendNotifications !== true)
      ctx.note(
        childPath(path, "sendNotifications"),
        "changed",
        "sendNotifications is not true, so Spinnaker did not send these stage notifications; Capstan sends every listed one",
      );
  }
  // The common fields' Spinnaker counterparts.
  const at = (key: string) => (key in raw ? childPath(path, key) : undefined);
  const common: Record<string, string | undefined> = {
    id: at("refId"),
    name: at("name"),
    type: at("type"),
    if:
      isRecord(raw.stageEnabled) && "expression" in raw.stageEnabled
        ? childPath(childPath(path, "stageEnabled"), "expression")
        : at("stageEnabled"),
    onFailure: at("failPipeline") ?? at("continuePipeline") ?? at("completeOtherBranchesThenFail"),
    failOnFailedExpressions: at("failOnFailedExpressions"),
    timeout: at("stageTimeoutMs"),
    window: at("restrictedExecutionWindow") ?? at("restrictExecutionDuringTimeWindow"),
    comments: at("comments"),
  };
  for (const [k, p] of Object.entries(common)) if (p !== undefined) from[k] ??= p;
  stageOrigins.set(out, from);
  return out;
}

/** `stageEnabled` as an `if` expression (Orca's OptionalStageSupport: only type "expression"). */
function convertStageEnabled(value: unknown, path: string, ctx: ImportContext): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || typeof value.type !== "string" || value.type.toLowerCase() !== "expression") {
    ctx.note(
      path,
      "dropped",
      `${show(value)} is not {type: expression}; Orca runs the stage unconditionally`,
    );
    return undefined;
  }
  const expr = value.expression;
  if (expr === undefined || expr === null || String(expr).trim() === "") {
    ctx.note(path, "dropped", "blank expression; Orca runs the stage unconditionally");
    return undefined;
  }
  for (const key of Object.keys(value))
    if (key !== "type" && key !== "expression")
      ctx.note(childPath(path, key), "dropped", "not part of stageEnabled");
  return wrapExpression(String(expr));
}

/** `stageTimeoutMs` as a duration. Orca reads only JSON numbers; a numeric string is taken too, and said. */
function convertTimeout(value: unknown, path: string, ctx: ImportContext): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const ms = toNumber(value);
  if (ms === undefined || ms <= 0) {
    ctx.note(path, "dropped", `${show(value)} is not a positive number of milliseconds; Orca ignores it`);
    return undefined;
  }
  if (typeof value === "string")
    ctx.note(
      path,
      "changed",
      `the string ${show(value)} was read as ${ms} ms; Orca itself ignores a stageTimeoutMs that is not a JSON number`,
    );
  return formatMillis(ms);
}
