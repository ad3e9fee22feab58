import {
  ANNOTATIONS,
  ARTIFACT,
  baseName,
  type KubeObject,
  kindOf,
  MONIKER,
  nameOf,
  templateMetadata,
  versionNumberOf,
} from "./manifest.js";

/** The object without its metadata, nor the annotations and labels Capstan writes on pod templates. */
function comparable(o: KubeObject): unknown {
  const copy = structuredClone(o);
  delete copy.metadata;
  delete copy.status;
  const tm = templateMetadata(copy);
  if (tm) {
    for (const map of [tm.annotations, tm.labels]) {
      if (!map) continue;
      for (const k of Object.keys(map))
        if (k.startsWith(MONIKER) || k.startsWith(ARTIFACT) || k.startsWith("app.kubernetes.io/managed-by"))
          delete map[k];
    }
    if (tm.annotations && Object.keys(tm.annotations).length === 0) delete tm.annotations;
    if (tm.labels && Object.keys(tm.labels).length === 0) delete tm.labels;
  }
  return sortKeys(copy);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** clouddriver's nonMetadataEquals: the two are the same object apart from their metadata. */
export function nonMetadataEquals(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}

/** The object as it was last applied (`kubectl.kubernetes.io/last-applied-configuration`). */
export function lastApplied(o: KubeObject): KubeObject | undefined {
  const text = o.metadata?.annotations?.[ANNOTATIONS.lastApplied];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as KubeObject;
  } catch {
    return undefined;
  }
}

/** Existing versions of an object (`<name>-vNNN` of the same kind), oldest version first. */
export function versionsOf(name: string, kind: string, existing: readonly KubeObject[]): KubeObject[] {
  return existing
    .filter(
      (o) =>
        kindOf(o).toLowerCase() === kind.toLowerCase() &&
        baseName(nameOf(o)) === name &&
        versionNumberOf(nameOf(o)) !== undefined,
    )
    .sort((a, b) => (versionNumberOf(nameOf(a)) ?? 0) - (versionNumberOf(nameOf(b)) ?? 0));
}

/**
 * The version a versioned object gets (ResourceVersioner): an existing version whose last-applied
 * configuration equals it apart from metadata is reused; else max(existing) + 1, or 0.
 */
export function chooseVersion(
  manifest: KubeObject,
  existing: readonly KubeObject[],
): { version: number; reused: boolean } {
  const versions = versionsOf(nameOf(manifest), kindOf(manifest), existing);
  for (const v of versions) {
    const applied = lastApplied(v);
    if (applied && nonMetadataEquals(applied, manifest))
      return { version: versionNumberOf(nameOf(v)) ?? 0, reused: true };
  }
  const max = versions.reduce((m, v) => Math.max(m, versionNumberOf(nameOf(v)) ?? -1), -1);
  return { version: max + 1, reused: false };
}

/**
 * The versions max-version-history deletes: all but the newest `keep`, by creation time (then
 * version number), as clouddriver's cleanupArtifacts does.
 */
export function versionsToPrune(versions: readonly KubeObject[], keep: number): KubeObject[] {
  if (versions.length <= keep) return [];
  const created = (o: KubeObject) => Date.parse(String(o.metadata?.creationTimestamp ?? "")) || 0;
  const sorted = [...versions].sort(
    (a, b) =>
      created(a) - created(b) || (versionNumberOf(nameOf(a)) ?? 0) - (versionNumberOf(nameOf(b)) ?? 0),
  );
  return sorted.slice(0, sorted.length - keep);
}
