// Discovery documents: the legacy ones (APIVersions, APIGroupList, APIResourceList) and the
// aggregated apidiscovery.k8s.io/v2 APIGroupDiscoveryList kubectl asks for first.
import { createHash } from "node:crypto";
import { GROUP_VERSIONS, groupVersion, RESOURCES, type ResourceType } from "./resources.js";
import { documents } from "./schema.js";

export const AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
export const AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/** The discovery media type the Accept header asks for first, if any. */
export function aggregatedType(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    const p = part.replace(/\s/g, "");
    if (/as=APIGroupDiscoveryList/.test(p) && /g=apidiscovery\.k8s\.io/.test(p)) {
      if (/v=v2(;|$)/.test(p)) return AGGREGATED_V2;
      if (/v=v2beta1/.test(p)) return AGGREGATED_V2BETA1;
    }
    if (/^application\/json(;|$)/.test(p) && !/as=/.test(p)) return undefined;
  }
  return undefined;
}

function storageVersionHash(r: ResourceType): string {
  return createHash("sha256")
    .update(`${groupVersion(r)}/${r.kind}`)
    .digest("base64")
    .slice(0, 12);
}

export function apiVersions(address: string): unknown {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: address }],
  };
}

/** The named groups served, with their one version each. */
const NAMED_GROUPS = GROUP_VERSIONS.filter((gv) => gv.group !== "");

function groupEntry(group: string): unknown {
  const version = NAMED_GROUPS.find((gv) => gv.group === group)?.version ?? "v1";
  const gv = `${group}/${version}`;
  return {
    name: group,
    versions: [{ groupVersion: gv, version }],
    preferredVersion: { groupVersion: gv, version },
  };
}

export function apiGroupList(): unknown {
  return { kind: "APIGroupList", apiVersion: "v1", groups: NAMED_GROUPS.map((gv) => groupEntry(gv.group)) };
}

export function apiGroup(group: string): unknown | undefined {
  if (!NAMED_GROUPS.some((gv) => gv.group === group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...(groupEntry(group) as object) };
}

export function apiResourceList(group: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const r of rs) {
    const entry: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      storageVersionHash: storageVersionHash(r),
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    resources.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = {
        name: `${r.plural}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
        kind: s.kind,
        verbs: s.verbs,
      };
      if (s.group !== r.group || s.version !== r.version) {
        sub.group = s.group;
        sub.version = s.version;
      }
      resources.push(sub);
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function discoveryResource(r: ResourceType): unknown {
  const out: Record<string, unknown> = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) out.shortNames = r.shortNames;
  if (r.categories.length) out.categories = r.categories;
  if (r.subresources.length)
    out.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group, version: s.version, kind: s.kind },
      verbs: s.verbs,
    }));
  return out;
}

/** The aggregated discovery document of /api (core) or /apis (named groups). */
export function aggregated(core: boolean, mediaType: string): unknown {
  const groups = core ? [""] : NAMED_GROUPS.map((gv) => gv.group);
  const apiVersion = mediaType === AGGREGATED_V2 ? "apidiscovery.k8s.io/v2" : "apidiscovery.k8s.io/v2beta1";
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g ? { name: g } : {},
      versions: [
        {
          version: GROUP_VERSIONS.find((gv) => gv.group === g)?.version ?? "v1",
          resources: RESOURCES.filter((r) => r.group === g).map(discoveryResource),
          freshness: "Current",
        },
      ],
    })),
  };
}

let hashes: Map<string, string> | undefined;

/** Each served OpenAPI document's content hash (the ?hash= of its serverRelativeURL). */
export function openapiHashes(): Map<string, string> {
  if (!hashes) {
    hashes = new Map();
    for (const [path, d] of documents())
      hashes.set(path, createHash("sha512").update(d.text).digest("hex").slice(0, 128).toUpperCase());
  }
  return hashes;
}

export function openapiIndex(
  hashOf: (path: string) => string | undefined = (p) => openapiHashes().get(p),
): unknown {
  const paths: Record<string, unknown> = {};
  for (const gv of GROUP_VERSIONS)
    paths[gv.path] = { serverRelativeURL: `/openapi/v3/${gv.path}?hash=${hashOf(gv.path)}` };
  return { paths };
}
