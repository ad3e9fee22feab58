import type { ImportContext } from "./context.js";
import { childPath, isRecord, show } from "./json-path.js";
import {
  asBoolean,
  asNumber,
  asSeconds,
  drop,
  keep,
  provider,
  type Rule,
  type StageSpec,
  secondsValue,
} from "./stage-rules.js";
import { resolvePipeline } from "./triggers.js";

/** `${ expr }` for a bare Spinnaker expression; an already wrapped one is kept as written. */
export function wrapExpression(expr: string): string {
  return expr.includes("${") ? expr : `\${ ${expr.trim()} }`;
}

const waitTime: Rule = (value, path, ctx) => {
  if (typeof value === "string" && value.includes("${")) return { waitTime: value };
  const d = secondsValue(value, path, ctx);
  return d === undefined ? {} : { duration: d };
};

const judgmentInputs: Rule = (value, path, ctx) => {
  if (!Array.isArray(value)) return drop("judgmentInputs is not a list")(value, path, ctx, {});
  const inputs: string[] = [];
  value.forEach((v, i) => {
    const text = isRecord(v) ? v.value : v;
    if (typeof text === "string" && text !== "") inputs.push(text);
    else ctx.note(childPath(path, i), "dropped", `${show(v)} has no input value`);
  });
  return inputs.length ? { inputs } : {};
};

/** Capstan judgments need inputs; Spinnaker's plain continue/stop judgment becomes one input. */
function judgmentDefaults(
  stage: Record<string, unknown>,
  path: string,
  ctx: ImportContext,
): Record<string, unknown> {
  const given = Array.isArray(stage.judgmentInputs)
    ? stage.judgmentInputs.some((v) =>
        isRecord(v) ? typeof v.value === "string" && v.value !== "" : typeof v === "string" && v !== "",
      )
    : false;
  if (given) return {};
  ctx.note(
    childPath(path, "judgmentInputs"),
    "changed",
    "no judgment inputs (a plain continue/stop judgment); written as inputs: [continue], so an approval continues and a rejection stops. #judgment() now returns 'continue' where Spinnaker had no input",
  );
  return { inputs: ["continue"] };
}

const precondition = (
  raw: unknown,
  path: string,
  ctx: ImportContext,
): Record<string, unknown> | undefined => {
  if (!isRecord(raw) || typeof raw.type !== "string") {
    ctx.note(path, "dropped", "a precondition without a type");
    return undefined;
  }
  const c = isRecord(raw.context) ? raw.context : {};
  const cPath = childPath(path, "context");
  const out: Record<string, unknown> = { type: raw.type };
  const used = new Set<string>();
  const take = (key: string, as = key, convert?: Rule) => {
    if (c[key] === undefined || c[key] === null || c[key] === "") return;
    used.add(key);
    Object.assign(out, convert ? convert(c[key], childPath(cPath, key), ctx, c) : { [as]: c[key] });
  };
  if (raw.type === "expression") {
    if (typeof c.expression !== "string" || c.expression.trim() === "") {
      ctx.note(path, "dropped", "expression precondition without an expression");
      return undefined;
    }
    used.add("expression");
    out.expression = wrapExpression(c.expression);
    take("failureMessage");
  } else if (raw.type === "clusterSize") {
    take("cluster");
    if (isRecord(c.moniker) && typeof c.moniker.cluster === "string") {
      // Deck writes the cluster twice (cluster and moniker.cluster); only a disagreement matters.
      if (out.cluster === undefined) out.cluster = c.moniker.cluster;
      if (out.cluster === c.moniker.cluster) used.add("moniker");
    }
    take("credentials", "account");
    take("cloudProvider", "provider", provider);
    if (raw.cloudProvider !== undefined && out.provider === undefined && c.cloudProvider === undefined) {
      used.add("cloudProvider");
      Object.assign(out, provider(raw.cloudProvider, childPath(path, "cloudProvider"), ctx, raw));
    }
    take("comparison");
    take("expected", "expected", asNumber());
    take("onlyEnabledServerGroups", "onlyEnabledServerGroups", asBoolean());
  } else if (raw.type === "stageStatus") {
    take("stageName");
    take("stageStatus");
  } else {
    ctx.note(
      path,
      "unsupported",
      `precondition type ${show(raw.type)} is not expression, clusterSize or stageStatus; kept as written`,
    );
    Object.assign(out, c);
    for (const k of Object.keys(c)) used.add(k);
  }
  for (const key of Object.keys(c)) {
    if (used.has(key)) continue;
    const why = ["regions", "region", "zones"].includes(key)
      ? "Capstan clusters have no regions; the provider account decides where they run"
      : `${key} is not used by a ${raw.type} precondition in Capstan`;
    ctx.note(childPath(cPath, key), "dropped", why);
  }
  // Per precondition, Orca applies the same `failPipeline in (null, true)` test as for stages.
  const fp = raw.failPipeline;
  if (fp === true || fp === undefined || fp === null) out.failPipeline = true;
  else {
    out.failPipeline = false;
    if (typeof fp !== "boolean")
      ctx.note(
        childPath(path, "failPipeline"),
        "changed",
        `${show(fp)} is not a boolean; Orca tests failPipeline in (null, true), so it counts as false`,
      );
  }
  for (const key of Object.keys(raw))
    if (
      !["type", "context", "failPipeline", ...(used.has("cloudProvider") ? ["cloudProvider"] : [])].includes(
        key,
      )
    )
      ctx.note(childPath(path, key), "dropped", `${key} ${show(raw[key])} has no Capstan equivalent`);
  return out;
};

const preconditions: Rule = (value, path, ctx) => {
  if (!Array.isArray(value)) return drop("preconditions is not a list")(value, path, ctx, {});
  const list = value.map((p, i) => precondition(p, childPath(path, i), ctx)).filter((p) => p !== undefined);
  return { preconditions: list };
};

const variables: Rule = (value, path, ctx) => {
  if (!Array.isArray(value)) return drop("variables is not a list of {key, value}")(value, path, ctx, {});
  const out: Record<string, unknown>[] = [];
  value.forEach((v, i) => {
    const vPath = childPath(path, i);
    if (!isRecord(v) || typeof v.key !== "string" || v.key === "") {
      ctx.note(vPath, "dropped", "a variable without a key");
      return;
    }
    const item: Record<string, unknown> = { key: v.key, value: v.value ?? null };
    if (typeof v.description === "string" && v.description !== "") item.description = v.description;
    for (const k of Object.keys(v))
      if (!["key", "value", "description"].includes(k))
        ctx.note(childPath(vPath, k), "dropped", "not part of a variable");
    out.push(item);
  });
  return { variables: out };
};

const pipelineRef: Rule = (value, path, ctx) => {
  if (typeof value !== "string" || value === "") return drop("no pipeline id")(value, path, ctx, {});
  return { pipeline: resolvePipeline(value, path, ctx, ctx.pipelineNames) };
};

const WEBHOOK_FIELDS = [
  "url",
  "method",
  "customHeaders",
  "payload",
  "failFastStatusCodes",
  "webhookRetryStatusCodes",
  "retryStatusCodes",
  "retries",
  "waitForCompletion",
  "monitorOnly",
  "statusUrlResolution",
  "statusEndpoint",
  "statusUrlJsonPath",
  "statusJsonPath",
  "progressJsonPath",
  "successStatuses",
  "canceledStatuses",
  "terminalStatuses",
  "waitBeforeMonitor",
  "cancelEndpoint",
  "cancelMethod",
  "cancelPayload",
];

const upper: Rule = (value, path) => {
  const key = path.slice(path.lastIndexOf(".") + 1);
  return typeof value === "string" && value !== ""
    ? { [key]: value.includes("${") ? value : value.toUpperCase() }
    : {};
};

const webhookRules: Record<string, Rule> = Object.fromEntries(
  WEBHOOK_FIELDS.map((f): [string, Rule] => {
    if (f === "waitForCompletion" || f === "monitorOnly") return [f, asBoolean()];
    if (f === "waitBeforeMonitor") return [f, asSeconds("waitBeforeMonitor")];
    if (f === "method" || f === "cancelMethod") return [f, upper];
    return [f, keep()];
  }),
);
webhookRules.signalCancellation = drop(
  "a deck-only switch; Capstan cancels when cancelEndpoint is set, as Orca does",
);

/** Stage types of the format other than server-group, manifest and canary stages. */
export const CORE_SPECS: Record<string, StageSpec> = {
  wait: {
    rules: {
      waitTime,
      skipWaitText: keep(),
    },
  },
  manualJudgment: {
    build: judgmentDefaults,
    rules: {
      instructions: keep(),
      judgmentInputs,
      propagateAuthenticationContext: drop(
        "Capstan runs downstream stages with the workflow's own permissions, not the judge's",
        "unsupported",
      ),
      selectedStageRoles: drop("use required reviewers on the judgment's GitHub environment instead"),
      requiredJudgmentRoles: drop("use required reviewers on the judgment's GitHub environment instead"),
    },
  },
  checkPreconditions: { rules: { preconditions } },
  evaluateVariables: { rules: { variables } },
  webhook: { rules: webhookRules },
  pipeline: {
    rules: {
      application: drop("Capstan pipeline stages run a pipeline of this repository"),
      pipeline: pipelineRef,
      pipelineParameters: (value, path, ctx) =>
        isRecord(value)
          ? Object.keys(value).length
            ? { parameters: value }
            : {}
          : drop("not a map")(value, path, ctx, {}),
      waitForCompletion: asBoolean(),
      skipDownstreamOutput: asBoolean(),
    },
  },
};
