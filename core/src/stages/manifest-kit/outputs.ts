import type { StageOutput } from "../define-stage.js";

/** What deployManifest (and runJobManifest) publish, as Orca's deployManifest does. */
export const MANIFEST_OUTPUTS: readonly StageOutput[] = [
  {
    name: "manifests",
    type: "list of objects",
    description: "The objects as the cluster returned them after the apply.",
  },
  {
    name: "manifestNamesByNamespace",
    type: "map of namespace -> list of `kind name`",
    description: "What the stage deployed, e.g. `{ prod: [replicaSet web-v001, service web] }`.",
  },
  {
    name: "createdArtifacts",
    type: "list of artifacts",
    description: "The artifacts the objects are (`kubernetes/replicaSet` web v001 ...).",
  },
  {
    name: "artifacts",
    type: "list of artifacts",
    description: "The same artifacts, which downstream stages bind.",
  },
  {
    name: "versions",
    type: "map of `kind name` -> version",
    description: "The version each versioned object got, e.g. `{ replicaSet web: v001 }`.",
  },
  { name: "deploy.account.name", type: "string", description: "The Kubernetes account deployed to." },
  {
    name: "deploy.server.groups",
    type: "map of namespace -> list of `kind name`",
    description:
      "The workloads deployed (read by `#deployedServerGroups()`), e.g. `{ prod: [replicaSet web-v001] }`.",
  },
  { name: "serverGroups", type: "list of strings", description: "The workloads deployed, `kind name`." },
  {
    name: "disabledManifests",
    type: "list of strings",
    description: "Older versions the strategy disabled.",
  },
  { name: "deletedManifests", type: "list of strings", description: "Older versions the strategy deleted." },
];

/** What the stages acting on one object publish. */
export const TARGET_OUTPUTS: readonly StageOutput[] = [
  {
    name: "manifestNamesByNamespace",
    type: "map of namespace -> list of `kind name`",
    description: "The object the stage acted on (a dynamic target resolved).",
  },
];
