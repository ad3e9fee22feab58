import { PROVIDERS } from "./common-fields.js";
import {
  APP_NAME_PATTERN,
  bool,
  DETAIL_PATTERN,
  duration,
  int,
  type JsonSchema,
  list,
  map,
  num,
  object,
  oneOfValues,
  patterned,
  ref,
  str,
} from "./schema-kit.js";
import { requiredUnless, type StageTypeSpec } from "./stage-spec.js";

export const STRATEGIES = ["none", "highlander", "redblack", "rollingredblack"];
export const TARGETS = ["newest", "previous", "oldest"];
export const RESIZE_ACTIONS = ["scaleUp", "scaleDown", "scaleToCluster", "scaleExact"];

const percent = (description: string, extra: Omit<JsonSchema, "description"> = {}) =>
  num(description, { minimum: 0, maximum: 100, ...extra });

const definitions: Record<string, JsonSchema> = {
  capacity: object(
    "capacity",
    "Instance counts of a server group (Spinnaker: capacity).",
    {
      min: int("Fewest instances.", { minimum: 0 }),
      desired: int("Instances to run.", { minimum: 0 }),
      max: int("Most instances.", { minimum: 0 }),
    },
    ["min", "desired", "max"],
    { examples: [{ min: 2, desired: 2, max: 2 }] },
  ),
  "partial-capacity": object(
    "capacity",
    "Instance counts; missing ones keep their current value (Spinnaker: capacity of a scale-exact resize).",
    {
      min: int("Fewest instances.", { minimum: 0 }),
      desired: int("Instances to run.", { minimum: 0 }),
      max: int("Most instances.", { minimum: 0 }),
    },
  ),
  "health-check": object(
    "health check",
    "How an instance is judged healthy: an HTTP GET that must answer 2xx.",
    {
      path: str("HTTP path to request.", { default: "/", examples: ["/healthz"] }),
      port: int("Port to check; default the instance's serving port (`PORT`).", {
        minimum: 1,
        maximum: 65535,
      }),
      interval: duration("Time between checks.", { default: "1s" }),
      timeout: duration("Time allowed for one check.", { default: "1s" }),
      healthyThreshold: int("Consecutive successes that make an instance Up.", { default: 1, minimum: 1 }),
      unhealthyThreshold: int("Consecutive failures that make an instance Down.", { default: 3, minimum: 1 }),
    },
  ),
  cluster: object(
    "deploy cluster",
    "One cluster to deploy a new server group into (Spinnaker: an entry of clusters). The new server group is named `application-stack-detail-vNNN`.",
    {
      provider: oneOfValues(
        PROVIDERS,
        "`local`: processes on this machine behind a local load balancer; `kubernetes`: versioned ReplicaSets behind a Service.",
        { default: "local" },
      ),
      account: str("Provider account (Spinnaker: account / credentials); from `.capstan/application.yml`."),
      application: patterned(APP_NAME_PATTERN, "Application name, the first part of the cluster name.", {
        examples: ["myapp"],
      }),
      stack: patterned(APP_NAME_PATTERN, "Stack, e.g. the environment: cluster `application-stack`.", {
        examples: ["prod"],
      }),
      detail: patterned(DETAIL_PATTERN, "Free-form detail: cluster `application-stack-detail`.", {
        examples: ["canary"],
      }),
      namespace: str("Kubernetes namespace (kubernetes provider).", { default: "default" }),
      capacity: ref("capacity"),
      image: str(
        "The artifact to run: a container image (kubernetes) or a label (local; each instance gets `CAPSTAN_IMAGE`).",
        {
          examples: ["nginx:1.12", "${ trigger.tag }"],
        },
      ),
      command: str("Command each instance runs, in the repository root (local provider); it gets `PORT`.", {
        examples: ["node server.js"],
      }),
      env: map(
        { type: ["string", "number", "boolean"], description: "Value of the variable." },
        "Environment variables for each instance.",
      ),
      healthCheck: ref("health-check"),
      strategy: oneOfValues(
        STRATEGIES,
        "Deployment strategy: `none` leaves older server groups alone; `highlander` destroys all others once healthy; `redblack` (blue/green) disables older ones; `rollingredblack` shifts traffic in `targetPercentages` steps.",
        { default: "none" },
      ),
      maxRemainingAsgs: int(
        "Red/black: server groups left in the cluster after the deploy, the new one included; older ones are destroyed.",
        { minimum: 1, examples: [2] },
      ),
      scaleDown: bool("Red/black: scale disabled server groups down to zero.", { default: false }),
      delayBeforeDisable: duration(
        "Red/black: wait this long before disabling the old server groups (Spinnaker: delayBeforeDisableSec).",
        {
          default: "0s",
        },
      ),
      delayBeforeScaleDown: duration(
        "Red/black: wait this long before scaling them down (Spinnaker: delayBeforeScaleDownSec).",
        {
          default: "0s",
        },
      ),
      targetPercentages: list(
        percent("A percentage of the desired capacity."),
        "Rolling red/black: grow the new server group (and disable the old one) in these steps; 100 is appended if missing.",
        { default: [50, 100], minItems: 1 },
      ),
      pipelineBeforeCleanup: object(
        "validation pipeline",
        "Rolling red/black: run this pipeline after each step, before disabling more of the old server group.",
        {
          pipeline: str("Name of the pipeline to run."),
          parameters: map({ description: "Parameter value." }, "Parameters for the pipeline."),
        },
        ["pipeline"],
      ),
      rollback: object("rollback settings", "What to do when the deploy fails.", {
        onFailure: bool("Roll back to the previous server group when the deploy fails.", { default: false }),
        destroyLatest: bool("Also destroy the failed new server group.", { default: false }),
      }),
      targetHealthyDeployPercentage: percent(
        "Percentage of instances that must be healthy for the deploy to succeed.",
        {
          default: 100,
        },
      ),
    },
    ["application"],
    {
      examples: [
        {
          provider: "local",
          application: "myapp",
          stack: "prod",
          capacity: { min: 2, desired: 2, max: 2 },
          image: "nginx:1.12",
          command: "node server.js",
          healthCheck: { path: "/healthz" },
          strategy: "redblack",
          maxRemainingAsgs: 2,
        },
      ],
    },
  ),
};

/** Fields naming a cluster. */
const clusterFields: Record<string, JsonSchema> = {
  cluster: str("Cluster name, `application[-stack[-detail]]`.", { examples: ["myapp-prod"] }),
  provider: oneOfValues(PROVIDERS, "Provider of the cluster, when more than one is configured."),
  account: str("Provider account, when more than one is configured (Spinnaker: credentials)."),
  namespace: str("Kubernetes namespace (kubernetes provider)."),
  continueIfClusterNotFound: bool("Succeed when the cluster does not exist.", { default: false }),
};

/** Fields naming one server group of a cluster. */
const targetFields: Record<string, JsonSchema> = {
  ...clusterFields,
  target: oneOfValues(
    TARGETS,
    "Which server group of the cluster, resolved when the stage starts: `newest` (Spinnaker: current_asg_dynamic), `previous` (second newest, ancestor_asg_dynamic) or `oldest`. To name one, use `serverGroupName`.",
    { default: "newest" },
  ),
  serverGroupName: str("An explicit server group instead of `target`.", { examples: ["myapp-prod-v001"] }),
};

const targetRequired = [requiredUnless("cluster", "serverGroupName")];

function serverGroupStage(
  type: string,
  label: string,
  description: string,
  properties: Record<string, JsonSchema>,
  example: Record<string, unknown>,
): StageTypeSpec {
  return {
    type,
    label,
    description,
    properties: { ...targetFields, ...properties },
    allOf: targetRequired,
    example,
  };
}

function clusterStage(
  type: string,
  label: string,
  description: string,
  properties: Record<string, JsonSchema>,
  example: Record<string, unknown>,
): StageTypeSpec {
  return {
    type,
    label,
    description,
    properties: { ...clusterFields, ...properties },
    required: ["cluster"],
    example,
  };
}

export const serverGroupStageTypes: StageTypeSpec[] = [
  {
    type: "deploy",
    label: "Deploy",
    description:
      "Deploy a new server group in each listed cluster, in parallel, then apply the strategy (red/black, highlander, rolling red/black) to the older ones.",
    properties: {
      clusters: list(ref("cluster"), "The clusters to deploy to (Spinnaker: clusters).", { minItems: 1 }),
    },
    required: ["clusters"],
    definitions,
    example: {
      id: "deploy",
      type: "deploy",
      clusters: [
        {
          provider: "local",
          application: "myapp",
          stack: "prod",
          capacity: { min: 2, desired: 2, max: 2 },
          image: "${ parameters.image }",
          command: "node server.js",
          healthCheck: { path: "/healthz" },
          strategy: "redblack",
          maxRemainingAsgs: 2,
          rollback: { onFailure: true },
        },
      ],
    },
  },
  serverGroupStage(
    "resizeServerGroup",
    "Resize Server Group",
    "Resize one server group: scale up or down by `percent` or `amount`, to the cluster's largest size, or to an exact `capacity`. Percentages round up (Orca's ceil arithmetic). A resize to zero is checked against traffic guards.",
    {
      action: oneOfValues(
        RESIZE_ACTIONS,
        "`scaleUp`/`scaleDown` by `percent` or `amount`, `scaleToCluster` (match the largest server group, plus optional `percent`/`amount`) or `scaleExact` to `capacity`.",
        { default: "scaleExact" },
      ),
      percent: num("Change by this percentage of the current size (Spinnaker: scalePct); rounds up.", {
        minimum: 0,
        examples: [50],
      }),
      amount: int("Change by this many instances (Spinnaker: scaleNum).", { minimum: 0, examples: [2] }),
      capacity: ref("partial-capacity"),
      pinCapacity: bool("Set min and max to the desired size.", { default: false }),
      pinMinimumCapacity: bool("Set min to the desired size.", { default: false }),
      unpinMinimumCapacity: bool("Restore the min saved by an earlier pin.", { default: false }),
      targetHealthyDeployPercentage: percent("Percentage of instances that must be healthy afterwards.", {
        default: 100,
      }),
    },
    {
      id: "scale-up",
      type: "resizeServerGroup",
      cluster: "myapp-prod",
      target: "newest",
      action: "scaleUp",
      percent: 50,
    },
  ),
  serverGroupStage(
    "enableServerGroup",
    "Enable Server Group",
    "Send traffic to a server group again.",
    {},
    { id: "enable-previous", type: "enableServerGroup", cluster: "myapp-prod", target: "previous" },
  ),
  serverGroupStage(
    "disableServerGroup",
    "Disable Server Group",
    "Stop sending traffic to a server group; its instances keep running. Checked against traffic guards.",
    {
      desiredPercentage: percent("Disable only this percentage of its instances (rolling red/black).", {
        default: 100,
      }),
    },
    { id: "disable-newest", type: "disableServerGroup", cluster: "myapp-prod", target: "newest" },
  ),
  serverGroupStage(
    "destroyServerGroup",
    "Destroy Server Group",
    "Delete a server group and its instances. Checked against traffic guards.",
    {},
    { id: "destroy-newest", type: "destroyServerGroup", cluster: "myapp-prod", target: "newest" },
  ),
  serverGroupStage(
    "cloneServerGroup",
    "Clone Server Group",
    "Create a new server group copying a source one (its image, command, capacity ...), with any field overridden.",
    {
      capacity: ref("capacity"),
      image: str("Override the image."),
      command: str("Override the command (local provider)."),
      env: map(
        { type: ["string", "number", "boolean"], description: "Value." },
        "Override environment variables.",
      ),
      healthCheck: ref("health-check"),
      targetHealthyDeployPercentage: percent("Percentage of instances that must be healthy.", {
        default: 100,
      }),
    },
    {
      id: "clone",
      type: "cloneServerGroup",
      cluster: "myapp-prod",
      target: "newest",
      capacity: { min: 1, desired: 1, max: 1 },
    },
  ),
  clusterStage(
    "rollbackCluster",
    "Rollback Cluster",
    "Roll a cluster back to its previous server group: enable and resize the previous one, then disable the newest.",
    {
      targetHealthyRollbackPercentage: percent(
        "Percentage of the restored server group that must be healthy.",
        {
          default: 100,
        },
      ),
    },
    { id: "rollback", type: "rollbackCluster", cluster: "myapp-prod" },
  ),
  clusterStage(
    "disableCluster",
    "Disable Cluster",
    "Disable all but the newest (or largest) active server groups of a cluster.",
    {
      remainingEnabledServerGroups: int("Active server groups left enabled.", { default: 1, minimum: 0 }),
      preferLargerOverNewer: bool("Keep the largest instead of the newest.", { default: false }),
    },
    { id: "disable-old", type: "disableCluster", cluster: "myapp-prod", remainingEnabledServerGroups: 1 },
  ),
  clusterStage(
    "scaleDownCluster",
    "Scale Down Cluster",
    "Scale all but the newest (or largest) server groups of a cluster down to zero.",
    {
      remainingFullSizeServerGroups: int("Server groups left at full size.", { default: 1, minimum: 0 }),
      preferLargerOverNewer: bool("Keep the largest instead of the newest.", { default: false }),
      allowScaleDownActive: bool("Also scale down server groups that still take traffic.", {
        default: false,
      }),
    },
    { id: "scale-down-old", type: "scaleDownCluster", cluster: "myapp-prod" },
  ),
  clusterStage(
    "shrinkCluster",
    "Shrink Cluster",
    "Destroy all but the newest (or largest) server groups of a cluster.",
    {
      shrinkToSize: int("Server groups to keep.", { default: 1, minimum: 0 }),
      allowDeleteActive: bool("Also destroy server groups that still take traffic.", { default: false }),
      retainLargerOverNewer: bool("Keep the largest instead of the newest.", { default: false }),
    },
    { id: "shrink", type: "shrinkCluster", cluster: "myapp-prod", shrinkToSize: 2 },
  ),
  clusterStage(
    "findImageFromCluster",
    "Find Image From Cluster",
    "Find the image a cluster runs, for a later deploy (output `image`).",
    {
      selectionStrategy: oneOfValues(
        ["newest", "largest", "oldest", "fail"],
        "Which server group's image when several match; `fail` fails if more than one image is found.",
        { default: "newest" },
      ),
      onlyEnabled: bool("Consider only enabled server groups.", { default: true }),
    },
    { id: "find-image", type: "findImageFromCluster", cluster: "myapp-staging" },
  ),
];
