import {
  bool,
  duration,
  int,
  type JsonSchema,
  list,
  oneOfValues,
  patterned,
  str,
} from "../../schema/schema-kit.js";

/** `account` of a manifest stage. */
export const account = str(
  "Kubernetes account of `.capstan/application.yml` (a kubeconfig, context and namespace); default the account marked `default`, else the ambient kubeconfig's current context.",
);
/** `namespace` of a stage acting on existing objects. */
export const namespace = str("Namespace of the object; default the account's, else `default`.", {
  examples: ["prod"],
});
/** The object a stage acts on, `kind name`. */
export const manifestName = str("The object, as `kind name` (Spinnaker: manifestName).", {
  examples: ["deployment myapp"],
});

/** Dynamic target fields: `cluster` + `criteria` (+ `kind`), resolved when the stage starts. */
export const DYNAMIC_TARGET = {
  cluster: str(
    "Dynamic target: the manifest cluster, `kind name` (Spinnaker's moniker cluster), e.g. `replicaSet web`.",
    {
      examples: ["replicaSet web"],
    },
  ),
  criteria: oneOfValues(
    ["newest", "second_newest", "oldest", "largest", "smallest"],
    "Dynamic target: which object of `cluster` (by age or by replicas), resolved when the stage starts.",
  ),
  kind: str("Dynamic target: the kind to look for; default the cluster's first word.", {
    examples: ["replicaSet"],
  }),
};

/** The stability wait every mutating manifest stage ends with. */
export const STABLE_WAIT = {
  waitForStable: bool("Wait until the objects are stable (clouddriver's rules per kind).", { default: true }),
  stableTimeout: duration(
    "How long to wait for stability before the stage fails (Spinnaker: stableManifestTimeoutMinutes).",
    {
      default: "30m",
    },
  ),
  stableManifestTimeoutMinutes: int("Spinnaker's stability timeout in minutes; prefer `stableTimeout`.", {
    minimum: 1,
  }),
};

/** deployManifest's `trafficManagement`, as Spinnaker writes it. */
export const trafficManagement: JsonSchema = {
  type: "object",
  description:
    "Spinnaker's traffic management: attach the workloads to Services (their selector labels go on the pod template) and, with a strategy, disable or delete the cluster's older ReplicaSets once the new one is stable.",
  additionalProperties: false,
  properties: {
    enabled: bool("Manage traffic (default false).", { default: false }),
    options: {
      type: "object",
      description: "The services, whether traffic goes to the new version at once, and the strategy.",
      additionalProperties: false,
      properties: {
        enableTraffic: bool("Send traffic to the new version right away.", { default: false }),
        services: list(str("A Service, `service name`."), "Services whose selector the workload gets.", {
          examples: [["service web"]],
        }),
        strategy: patterned(
          "^(?:redblack|bluegreen|highlander|none|\\$\\{[\\s\\S]*\\})$",
          "What happens to older ReplicaSets of the cluster once the new one is stable: `redblack`/`bluegreen` disable them, `highlander` disables then deletes them, `none` leaves them (or an expression).",
          { default: "none", examples: ["redblack", "highlander"] },
        ),
        namespace: str("Namespace of the Services (Deck writes it; the objects' namespace is used)."),
      },
    },
  },
};
