import { isRecord, show } from "../../import/json-path.js";
import { asBoolean, drop, keep, provider, type Rule, silent } from "../../import/stage-rules.js";
import type { StageImport } from "../define-stage.js";

export const NO_REGIONS =
  "Capstan server groups have no regions or zones; the provider account decides where they run";

// Orca's dynamic targets and Capstan's names for them.
const TARGET_NAMES: Record<string, string> = {
  current_asg_dynamic: "newest",
  ancestor_asg_dynamic: "previous",
  oldest_asg_dynamic: "oldest",
  // Deprecated static forms, resolved by Orca at pipeline start to the same server groups.
  current_asg: "newest",
  ancestor_asg: "previous",
};

/** Spinnaker's `target` as Capstan's newest / previous / oldest. */
export const target: Rule = (value, path, ctx) => {
  if (typeof value !== "string" || value === "") return {};
  const t = TARGET_NAMES[value];
  if (t) return { target: t };
  ctx.note(path, "unsupported", `target ${show(value)} is not newest, previous or oldest; kept as written`);
  return { target: value };
};

/** Where server-group stages find their cluster: `cluster`, else `moniker.cluster`. */
const cluster: Rule = (value) => (typeof value === "string" && value !== "" ? { cluster: value } : {});
const moniker: Rule = (value, path, ctx, stage) => {
  if (!isRecord(value)) return {};
  if (!stage.cluster && typeof value.cluster === "string") return { cluster: value.cluster };
  if (stage.cluster && value.cluster !== undefined && value.cluster !== stage.cluster)
    ctx.note(path, "dropped", `moniker.cluster ${show(value.cluster)} differs from cluster; cluster wins`);
  return {};
};

const isKubernetes = (stage: Record<string, unknown>) =>
  stage.cloudProvider === "kubernetes" || stage.provider === "kubernetes";

/**
 * `regions` / `region`: for Kubernetes these are namespaces (one becomes `namespace`); other
 * providers' regions have no Capstan counterpart.
 */
const regions: Rule = (value, path, ctx, stage) => {
  const list = Array.isArray(value) ? value : [value];
  const names = list.filter((v): v is string => typeof v === "string" && v !== "");
  if (!isKubernetes(stage) || names.length === 0) return drop(NO_REGIONS)(value, path, ctx, stage);
  const [first, ...rest] = names;
  if (typeof stage.namespace === "string" && stage.namespace !== "") {
    if (stage.namespace !== first)
      ctx.note(
        path,
        "dropped",
        `namespace ${show(stage.namespace)} is kept; Kubernetes regions are namespaces`,
      );
    return {};
  }
  if (rest.length > 0)
    ctx.note(
      path,
      "unsupported",
      `for Kubernetes the regions are namespaces; Capstan's stage acts in one, namespace ${show(first)}: add a stage for ${rest.map((r) => show(r)).join(", ")}`,
    );
  else ctx.note(path, "changed", `for Kubernetes the region is the namespace: namespace ${show(first)}`);
  return { namespace: first };
};

/** Fields shared by every stage that acts on a cluster or server group. */
export const LOCATING: Record<string, Rule> = {
  cluster,
  moniker,
  credentials: keep("account"),
  account: keep("account"),
  cloudProvider: provider,
  provider,
  cloudProviderType: silent,
  namespace: keep(),
  regions,
  region: regions,
  zones: drop(NO_REGIONS),
  namespaces: regions,
  continueIfClusterNotFound: asBoolean(),
  interestingHealthProviderNames: drop("Capstan checks the provider's own health check"),
};

/** The import of a stage acting on one server group: locating fields, target, then its own. */
export const serverGroupImport = (extra: Record<string, Rule>, from?: readonly string[]): StageImport => ({
  ...(from ? { from } : {}),
  rules: { ...LOCATING, target, serverGroupName: keep(), ...extra },
});

/** The import of a stage acting on a whole cluster: locating fields, then its own. */
export const clusterImport = (extra: Record<string, Rule>): StageImport => ({
  rules: { ...LOCATING, ...extra },
});
