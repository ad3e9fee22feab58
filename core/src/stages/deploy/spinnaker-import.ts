import type { ImportContext } from "../../import/context.js";
import { childPath, hasExpression, isRecord, show, toNumber } from "../../import/json-path.js";
import {
  asBoolean,
  asNumber,
  asSeconds,
  capacity,
  isEmpty,
  keep,
  provider,
  type Rule,
} from "../../import/stage-rules.js";
import { resolvePipeline } from "../../import/triggers.js";

const NO_REGIONS = "Capstan clusters have no regions or zones; the provider account decides where they run";

/** Fields read elsewhere in this module (regions, the replica count, the containers). */
const consumed: Rule = () => ({});

/** Fields of a deploy cluster the format has; everything else is provider detail Capstan drops. */
const CLUSTER_RULES: Record<string, Rule> = {
  provider,
  cloudProvider: provider,
  account: keep("account"),
  credentials: keep("account"),
  namespace: keep(),
  application: keep(),
  stack: keep(),
  freeFormDetails: keep("detail"),
  capacity,
  targetHealthyDeployPercentage: asNumber(),
  strategy: (value, path, ctx) => {
    if (value === undefined || value === null || value === "") return { strategy: "none" };
    const s = String(value).toLowerCase();
    if (["none", "highlander", "redblack", "rollingredblack"].includes(s)) return { strategy: s };
    ctx.note(
      path,
      "unsupported",
      `strategy ${show(value)} is not none, highlander, redblack or rollingredblack; kept`,
    );
    return { strategy: value };
  },
  maxRemainingAsgs: asNumber(),
  scaleDown: asBoolean(),
  delayBeforeDisableSec: asSeconds("delayBeforeDisable"),
  delayBeforeCleanup: asSeconds("delayBeforeDisable"),
  delayBeforeScaleDownSec: asSeconds("delayBeforeScaleDown"),
  targetPercentages: keep(),
  pipelineBeforeCleanup: (value, path, ctx) => {
    if (!isRecord(value) || typeof value.pipelineId !== "string" || value.pipelineId === "") return {};
    const out: Record<string, unknown> = {
      pipeline: resolvePipeline(value.pipelineId, childPath(path, "pipelineId"), ctx, ctx.pipelineNames),
    };
    if (isRecord(value.pipelineParameters) && Object.keys(value.pipelineParameters).length)
      out.parameters = value.pipelineParameters;
    for (const key of Object.keys(value))
      if (!["pipelineId", "pipelineParameters", "application"].includes(key))
        ctx.note(childPath(path, key), "dropped", `${key} has no Capstan equivalent`);
    return { pipelineBeforeCleanup: out };
  },
  rollback: (value, path, ctx) => {
    if (!isRecord(value)) return {};
    for (const key of Object.keys(value))
      if (key !== "onFailure" && key !== "destroyLatest")
        ctx.note(childPath(path, key), "dropped", `rollback.${key} has no Capstan equivalent`);
    const r: Record<string, unknown> = {};
    if (value.onFailure !== undefined) r.onFailure = value.onFailure === true;
    if (value.destroyLatest !== undefined) r.destroyLatest = value.destroyLatest === true;
    return Object.keys(r).length ? { rollback: r } : {};
  },
  // The legacy Kubernetes provider's pods: the first container's image and environment.
  containers: (value, path, ctx) => containers(value, path, ctx),
  envVars: (value, path, ctx) => {
    const env = envVars(value, path, ctx);
    return env ? { env } : {};
  },
  env: (value, path, ctx) => {
    const env = envVars(value, path, ctx);
    return env ? { env } : {};
  },
  targetSize: consumed,
  availabilityZones: consumed,
  region: consumed,
  regions: consumed,
  zone: (value, path, ctx) => {
    if (!isEmpty(value)) ctx.note(path, "dropped", `zone ${show(value)}: ${NO_REGIONS}`);
    return {};
  },
  zones: (value, path, ctx) => {
    if (!isEmpty(value)) ctx.note(path, "dropped", `zones ${show(value)}: ${NO_REGIONS}`);
    return {};
  },
};

/** `envVars` as a list of {name, value} (Kubernetes) or a map; values from elsewhere are reported. */
function envVars(value: unknown, path: string, ctx: ImportContext): Record<string, unknown> | undefined {
  const env: Record<string, unknown> = {};
  const scalar = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value))
      if (scalar(v)) env[k] = v;
      else ctx.note(childPath(path, k), "dropped", `${show(v)} is not a string, number or boolean`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const iPath = childPath(path, i);
      if (!isRecord(item) || typeof item.name !== "string" || item.name === "") {
        ctx.note(iPath, "dropped", "an environment variable without a name");
        return;
      }
      if (scalar(item.value)) env[item.name] = item.value;
      else if (item.envSource !== undefined || item.valueFrom !== undefined)
        ctx.note(
          iPath,
          "unsupported",
          `${item.name} takes its value from a secret, config map or field (envSource); Capstan's deploy sets plain values only: use a deployManifest stage or a pipeline secret`,
        );
      else if (item.value === undefined || item.value === null || item.value === "") env[item.name] = "";
      else ctx.note(iPath, "dropped", `${item.name}: ${show(item.value)} is not a string, number or boolean`);
    });
  } else if (!isEmpty(value)) {
    ctx.note(path, "dropped", "not a list of {name, value} nor a map");
    return undefined;
  }
  return Object.keys(env).length ? env : undefined;
}

/** The image of a legacy Kubernetes `imageDescription`. */
function imageOf(d: Record<string, unknown>, path: string, ctx: ImportContext): string | undefined {
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const repository = text(d.repository);
  const registry = text(d.registry);
  const base = repository ? (registry ? `${registry}/${repository}` : repository) : undefined;
  if (d.fromTrigger === true || d.fromTrigger === "true") {
    const repo = base ?? text(d.imageId)?.replace(/[:@][^/]*$/, "");
    if (!repo) {
      ctx.note(
        path,
        "unsupported",
        "the image comes from the trigger, but no repository is named; set image",
      );
      return undefined;
    }
    const image = `${repo}:\${ trigger.tag }`;
    ctx.note(path, "changed", `the image comes from the trigger: ${show(image)} (the docker trigger's tag)`);
    return image;
  }
  if (d.fromContext === true || d.fromContext === "true") {
    ctx.note(
      path,
      "unsupported",
      `the image comes from an upstream stage (fromContext${text(d.stageId) ? ` ${d.stageId}` : ""}); set image, e.g. to an expression reading that stage's outputs`,
    );
    return undefined;
  }
  const imageId = text(d.imageId);
  if (imageId) return imageId;
  if (!base) {
    ctx.note(path, "dropped", "no imageId or repository to run");
    return undefined;
  }
  const digest = text(d.digest);
  const tag = text(d.tag);
  return digest ? `${base}@${digest}` : tag ? `${base}:${tag}` : base;
}

const IMAGE_KEYS = new Set([
  "registry",
  "repository",
  "tag",
  "imageId",
  "fromTrigger",
  "fromContext",
  "digest",
]);

function containers(value: unknown, path: string, ctx: ImportContext): Record<string, unknown> {
  if (!Array.isArray(value)) {
    if (!isEmpty(value)) ctx.note(path, "dropped", "containers is not a list");
    return {};
  }
  const out: Record<string, unknown> = {};
  value.forEach((c, i) => {
    const cPath = childPath(path, i);
    if (i > 0) {
      ctx.note(
        cPath,
        "unsupported",
        `Capstan's deploy runs one container per server group; container ${show(isRecord(c) ? c.name : c)} is left out (a deployManifest stage can run several)`,
      );
      return;
    }
    if (!isRecord(c)) {
      ctx.note(cPath, "dropped", "not a container");
      return;
    }
    for (const [key, v] of Object.entries(c)) {
      const kPath = childPath(cPath, key);
      if (key === "imageDescription" && isRecord(v)) {
        const image = imageOf(v, kPath, ctx);
        if (image !== undefined) out.image = image;
        for (const [k, x] of Object.entries(v))
          if (!IMAGE_KEYS.has(k) && !isEmpty(x))
            ctx.note(childPath(kPath, k), "dropped", `${k} ${show(x)}: only the image itself carries over`);
      } else if (key === "image" && typeof v === "string" && v !== "") out.image = v;
      else if (key === "envVars" || key === "env") {
        const env = envVars(v, kPath, ctx);
        if (env) out.env = { ...(out.env as Record<string, unknown> | undefined), ...env };
      } else if (key === "name") {
        // The container's name: Capstan names the pod's container after the cluster.
        if (!isEmpty(v))
          ctx.note(
            kPath,
            "dropped",
            `container name ${show(v)}: Capstan names the container after the cluster`,
          );
      } else if (!isEmpty(v))
        ctx.note(
          kPath,
          "dropped",
          `${key} of the container: Capstan's deploy does not model it (a deployManifest stage can)`,
        );
    }
  });
  return out;
}

/** One Spinnaker region of a cluster entry: `availabilityZones` keys, else `region`, else `regions`. */
interface Region {
  name: string;
  zones: string[];
  path: string;
}

function regionsOf(raw: Record<string, unknown>, path: string): Region[] {
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : [];
  if (isRecord(raw.availabilityZones) && Object.keys(raw.availabilityZones).length > 0) {
    const p = childPath(path, "availabilityZones");
    return Object.entries(raw.availabilityZones).map(([name, zones]) => ({
      name,
      zones: strings(zones),
      path: p,
    }));
  }
  if (typeof raw.region === "string" && raw.region !== "")
    return [{ name: raw.region, zones: [], path: childPath(path, "region") }];
  return strings(raw.regions).map((name) => ({ name, zones: [], path: childPath(path, "regions") }));
}

interface Entry {
  out: Record<string, unknown>;
  path: string;
  region?: Region;
  /** How many regions the Spinnaker entry deploys to. */
  regionCount: number;
  /** Path of the entry's account field. */
  accountPath?: string;
}

function convertCluster(raw: unknown, path: string, ctx: ImportContext): Entry[] {
  if (!isRecord(raw)) {
    ctx.note(path, "unsupported", `cluster ${show(raw)} is not a cluster definition; dropped`);
    return [];
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(CLUSTER_RULES))
    if (key in raw && raw[key] !== undefined) {
      const produced = rule(raw[key], childPath(path, key), ctx, raw);
      // A cluster-level envVars/env merges with the container's.
      if (produced?.env && out.env)
        Object.assign(out, produced, { env: { ...(out.env as object), ...(produced.env as object) } });
      else Object.assign(out, produced);
    }
  // Provider detail (instance types, subnets, load balancers, IAM ...) is listed key by key.
  for (const key of Object.keys(raw))
    if (!(key in CLUSTER_RULES) && !isEmpty(raw[key]))
      ctx.note(childPath(path, key), "dropped", `${key} is provider detail Capstan does not model`);
  if (!("strategy" in out)) out.strategy = "none";

  // The replica count of the legacy Kubernetes provider (and others): the capacity when none is given.
  const size = toNumber(raw.targetSize);
  const sizePath = childPath(path, "targetSize");
  if (raw.targetSize !== undefined && raw.targetSize !== null && raw.targetSize !== "") {
    const current = out.capacity as { desired?: unknown } | undefined;
    if (hasExpression(raw.targetSize) && !current) {
      out.capacity = { min: raw.targetSize, desired: raw.targetSize, max: raw.targetSize };
      ctx.note(sizePath, "changed", "targetSize became capacity min, desired and max");
    } else if (size === undefined || size < 0 || !Number.isInteger(size))
      ctx.note(sizePath, "dropped", `${show(raw.targetSize)} is not a number of instances`);
    else if (!current) {
      out.capacity = { min: size, desired: size, max: size };
      ctx.note(
        sizePath,
        "changed",
        `targetSize ${size} became capacity {min: ${size}, desired: ${size}, max: ${size}}`,
      );
    } else if (current.desired !== size)
      ctx.note(
        sizePath,
        "dropped",
        `targetSize ${size} differs from capacity.desired ${show(current.desired)}; capacity is kept`,
      );
  }

  const regions = regionsOf(raw, path);
  const kubernetes = out.provider === "kubernetes";
  if (kubernetes && regions.length > 0) {
    // The Kubernetes providers' regions are namespaces.
    const [first, ...rest] = regions;
    if (out.namespace === undefined) {
      out.namespace = first.name;
      ctx.note(
        first.path,
        "changed",
        `the Kubernetes region ${show(first.name)} is the namespace: namespace ${first.name}`,
      );
    } else if (out.namespace !== first.name)
      ctx.note(
        first.path,
        "dropped",
        `region ${show(first.name)} differs from namespace ${show(out.namespace)}; namespace is kept`,
      );
    for (const r of rest)
      ctx.note(
        r.path,
        "unsupported",
        `a second namespace ${show(r.name)} is not deployed to; add a cluster for it`,
      );
    return [{ out, path, regionCount: 1, accountPath: accountPath(raw, path) }];
  }
  if (regions.length === 0) return [{ out, path, regionCount: 0, accountPath: accountPath(raw, path) }];
  return regions.map((region, i) => ({
    out: i === 0 ? out : structuredClone(out),
    path,
    region,
    regionCount: regions.length,
    accountPath: accountPath(raw, path),
  }));
}

function accountPath(raw: Record<string, unknown>, path: string): string | undefined {
  if (typeof raw.account === "string") return childPath(path, "account");
  if (typeof raw.credentials === "string") return childPath(path, "credentials");
  return undefined;
}

const clusterName = (c: Record<string, unknown>) =>
  [c.application, c.stack ?? "", c.detail ?? ""].map(String).join("-").replace(/-+$/, "");

const detailPart = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");

/**
 * Keeps the entries of one deploy apart when they would be one Capstan cluster: Spinnaker told
 * them apart by region or account, Capstan by name only, and two deploys into one cluster would
 * destroy each other's server groups (highlander, red/black). The region (or the account) is
 * added to the detail; a lone entry's region is reported as not carried over.
 */
function keepApart(entries: Entry[], ctx: ImportContext): void {
  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const key = `${String(e.out.provider ?? "")}\u0000${clusterName(e.out)}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const group of groups.values()) {
    const regionsVary = new Set(group.map((e) => e.region?.name)).size > 1;
    const accountsVary = new Set(group.map((e) => String(e.out.account ?? ""))).size > 1;
    if (group.length === 1 || (!regionsVary && !accountsVary)) {
      for (const e of group) if (e.region) noteRegionDropped(e.region, ctx);
      continue;
    }
    const name = clusterName(group[0].out);
    for (const e of group) {
      const parts: string[] = [];
      const said: string[] = [];
      if (regionsVary && e.region) {
        parts.push(detailPart(e.region.name));
        said.push(`region ${e.region.name}`);
      }
      if (accountsVary && typeof e.out.account === "string") {
        parts.push(detailPart(e.out.account));
        said.push(`account ${e.out.account}`);
      }
      const detail = [e.out.detail, ...parts].filter((p) => typeof p === "string" && p !== "").join("-");
      e.out.detail = detail;
      const why = regionsVary
        ? "Capstan clusters have no regions"
        : "Capstan tells clusters apart by name only";
      const zones = e.region?.zones.length
        ? `; its zones (${e.region.zones.join(", ")}) are left to the provider account`
        : "";
      const where = regionsVary && e.region ? e.region.path : (e.accountPath ?? e.path);
      ctx.note(
        where,
        "changed",
        `the deploy also goes to ${name} elsewhere; ${why}, so this one (${said.join(", ")}) is the cluster ${clusterName(e.out)} (detail "${detail}"), or they would destroy each other's server groups${zones}`,
      );
    }
  }
}

function noteRegionDropped(region: Region, ctx: ImportContext): void {
  const zones = region.zones.length ? ` (zones ${region.zones.join(", ")})` : "";
  ctx.note(region.path, "dropped", `region ${region.name}${zones}: ${NO_REGIONS}`);
}

/** `clusters`, plus the legacy single `cluster` map as one more entry (as Orca's ParallelDeployStage). */
export function deployClusters(
  stage: Record<string, unknown>,
  path: string,
  ctx: ImportContext,
): Record<string, unknown> {
  const entries: Entry[] = [];
  const cPath = childPath(path, "clusters");
  if (Array.isArray(stage.clusters))
    stage.clusters.forEach((c, i) => {
      entries.push(...convertCluster(c, childPath(cPath, i), ctx));
    });
  else if (stage.clusters !== undefined) ctx.note(cPath, "dropped", "clusters is not a list");
  if (isRecord(stage.cluster))
    entries.push(...convertCluster(stage.cluster, childPath(path, "cluster"), ctx));
  keepApart(entries, ctx);
  return { clusters: entries.map((e) => e.out) };
}
