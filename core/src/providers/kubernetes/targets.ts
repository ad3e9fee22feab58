import { type KubeObject, monikerOf, nameOf } from "./manifest.js";

export const CRITERIA = ["newest", "second_newest", "oldest", "largest", "smallest"] as const;
export type Criteria = (typeof CRITERIA)[number];

/** Spinnaker writes `second_newest`; Capstan also takes `second-newest` and `secondNewest`. */
export function readCriteria(value: unknown): Criteria | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.trim().toLowerCase().replace(/[-\s]/g, "_").replace("secondnewest", "second_newest");
  return (CRITERIA as readonly string[]).includes(v) ? (v as Criteria) : undefined;
}

const created = (o: KubeObject): number => Date.parse(String(o.metadata?.creationTimestamp ?? "")) || 0;
const size = (o: KubeObject): number => {
  const r = (o.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof r === "number" ? r : 0;
};

/**
 * The object a dynamic target picks among a cluster's objects (ResolveTargetManifestTask): by age
 * (newest, second_newest, oldest) or by size (largest, smallest). Ties go to the newer version.
 */
export function pickTarget(
  candidates: readonly KubeObject[],
  cluster: string,
  criteria: Criteria,
  app?: string,
): { object: KubeObject } | { error: string } {
  const inCluster = candidates.filter((o) => {
    const m = monikerOf(o);
    return m.cluster.toLowerCase() === cluster.toLowerCase() && (!app || !m.app || m.app === app);
  });
  const byAge = [...inCluster].sort((a, b) => created(b) - created(a) || nameOf(b).localeCompare(nameOf(a)));
  let chosen: KubeObject | undefined;
  switch (criteria) {
    case "newest":
      chosen = byAge[0];
      break;
    case "second_newest":
      chosen = byAge[1];
      break;
    case "oldest":
      chosen = byAge.at(-1);
      break;
    case "largest":
      chosen = [...byAge].sort((a, b) => size(b) - size(a))[0];
      break;
    case "smallest":
      chosen = [...byAge].sort((a, b) => size(a) - size(b))[0];
      break;
  }
  if (!chosen)
    return {
      error: `No manifest could be found matching criteria '${criteria}' in cluster '${cluster}'${app ? ` of application ${app}` : ""} (${inCluster.length} in the cluster)`,
    };
  return { object: chosen };
}
