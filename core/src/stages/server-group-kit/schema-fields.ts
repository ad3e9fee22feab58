import { PROVIDERS } from "../../schema/common-fields.js";
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
} from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import type { StageSchema } from "../define-stage.js";

export const STRATEGIES = ["none", "highlander", "redblack", "rollingredblack"];
export const TARGETS = ["newest", "previous", "oldest"];
export const RESIZE_ACTIONS = ["scaleUp", "scaleDown", "scaleToCluster", "scaleExact"];

/** A percentage, 0 to 100 (or an expression). */
export const percent = (description: string, extra: Omit<JsonSchema, "description"> = {}) =>
  num(description, { minimum: 0, maximum: 100, ...extra });

const fullCapacity = object(
  "capacity",
  "Instance counts of a server group (Spinnaker: capacity).",
  {
    min: int("Fewest instances.", { minimum: 0 }),
    desired: int("Instances to run.", { minimum: 0 }),
    max: int("Most instances.", { minimum: 0 }),
  },
  ["min", "desired", "max"],
  { examples: [{ min: 2, desired: 2, max: 2 }] },
);

const partialCapacity = object(
  "capacity",
  "Instance counts; missing ones keep their current value (Spinnaker: capacity of a scale-exact resize).",
  {
    min: int("Fewest instances.", { minimum: 0 }),
    desired: int("Instances to run.", { minimum: 0 }),
    max: int("Most instances.", { minimum: 0 }),
  },
);

const healthCheck = object(
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
);

const deployCluster = object(
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
);

/**
 * The server-group definitions, in the schema's order (deploy declares them all). A type that
 * refers to some of them declares those too; the entries are the same objects.
 */
export const SERVER_GROUP_DEFINITIONS: Record<string, JsonSchema> = {
  capacity: fullCapacity,
  "partial-capacity": partialCapacity,
  "health-check": healthCheck,
  cluster: deployCluster,
};

/** Fields naming a cluster. */
export const clusterFields: Record<string, JsonSchema> = {
  cluster: str("Cluster name, `application[-stack[-detail]]`.", { examples: ["myapp-prod"] }),
  provider: oneOfValues(PROVIDERS, "Provider of the cluster, when more than one is configured."),
  account: str("Provider account, when more than one is configured (Spinnaker: credentials)."),
  namespace: str("Kubernetes namespace (kubernetes provider)."),
  continueIfClusterNotFound: bool("Succeed when the cluster does not exist.", { default: false }),
};

/** Fields naming one server group of a cluster. */
export const targetFields: Record<string, JsonSchema> = {
  ...clusterFields,
  target: oneOfValues(
    TARGETS,
    "Which server group of the cluster, resolved when the stage starts: `newest` (Spinnaker: current_asg_dynamic), `previous` (second newest, ancestor_asg_dynamic) or `oldest`. To name one, use `serverGroupName`.",
    { default: "newest" },
  ),
  serverGroupName: str("An explicit server group instead of `target`.", { examples: ["myapp-prod-v001"] }),
};

const targetRequired = [requiredUnless("cluster", "serverGroupName")];

/** The schema of a stage acting on one server group: the target fields, then its own. */
export function serverGroupSchema(
  properties: Record<string, JsonSchema>,
  example: Record<string, unknown>,
  definitions?: Record<string, JsonSchema>,
): StageSchema {
  return {
    properties: { ...targetFields, ...properties },
    allOf: targetRequired,
    example,
    ...(definitions ? { definitions } : {}),
  };
}

/** The schema of a stage acting on a whole cluster: the cluster fields, then its own. */
export function clusterSchema(
  properties: Record<string, JsonSchema>,
  example: Record<string, unknown>,
): StageSchema {
  return {
    properties: { ...clusterFields, ...properties },
    required: ["cluster"],
    example,
  };
}
