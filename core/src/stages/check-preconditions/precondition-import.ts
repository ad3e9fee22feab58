import type { ImportContext } from "../../import/context.js";
import { childPath, isRecord, show, wrapExpression } from "../../import/json-path.js";
import { asBoolean, asNumber, drop, provider, type Rule } from "../../import/stage-rules.js";

/** One Spinnaker precondition ({type, context, failPipeline}) as a Capstan precondition. */
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
    const kubernetes = c.cloudProvider === "kubernetes" || raw.cloudProvider === "kubernetes";
    const why = !["regions", "region", "zones"].includes(key)
      ? `${key} is not used by a ${raw.type} precondition in Capstan`
      : kubernetes && key !== "zones"
        ? `for Kubernetes these are namespaces (${show(c[key])}); a Capstan clusterSize precondition counts the cluster in the account's namespace`
        : "Capstan clusters have no regions; the provider account decides where they run";
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

/** Spinnaker's `preconditions` list, each converted; unusable ones are dropped and reported. */
export const preconditions: Rule = (value, path, ctx) => {
  if (!Array.isArray(value)) return drop("preconditions is not a list")(value, path, ctx, {});
  const list = value.map((p, i) => precondition(p, childPath(path, i), ctx)).filter((p) => p !== undefined);
  return { preconditions: list };
};
