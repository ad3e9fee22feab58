import { silent } from "../../import/stage-rules.js";
import { list, ref } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { SERVER_GROUP_DEFINITIONS } from "../server-group-kit/schema-fields.js";
import { deployStage } from "./deploy-stage.js";
import { deployClusters } from "./spinnaker-import.js";

export const deployDefinition = defineStage({
  type: "deploy",
  label: "Deploy",
  description:
    "Deploy a new server group in each listed cluster, in parallel, then apply the strategy (red/black, highlander, rolling red/black) to the older ones.",
  group: "server-group",
  icon: "deploy",
  schema: {
    properties: {
      clusters: list(ref("cluster"), "The clusters to deploy to (Spinnaker: clusters).", { minItems: 1 }),
    },
    required: ["clusters"],
    definitions: SERVER_GROUP_DEFINITIONS,
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
  outputs: [
    {
      name: "deploy.server.groups",
      type: "map of location -> list of server group names",
      description:
        "The server groups the stage created, e.g. `{ local: [myapp-prod-v001] }` (read by `#deployedServerGroups()`).",
    },
    { name: "deploy.account.name", type: "string", description: "The provider account deployed to." },
    { name: "serverGroups", type: "list of strings", description: "The names of the created server groups." },
    {
      name: "loadBalancers",
      type: "list of strings",
      description: "The addresses of the clusters' load balancers, when the provider has them.",
    },
    {
      name: "originalCapacity.<server group>",
      type: "capacity {min, desired, max}",
      description:
        "The capacity a server group had before the deploy resized it (the source of a rolling red/black deploy, disabled groups scaled down).",
    },
  ],
  contextKeys: ["deploy.server.groups", "deploy.account.name", "serverGroups"],
  import: { build: deployClusters, rules: { clusters: silent, cluster: silent } },
  deploysServerGroups: true,
  docs: `Deploys a new server group (\`application-stack-detail-vNNN\`) in each entry of \`clusters\`, in
parallel, and waits until \`targetHealthyDeployPercentage\` (default 100) of its instances are Up.
Then the entry's \`strategy\` applies to the older server groups: \`none\` leaves them alone,
\`highlander\` destroys them, \`redblack\` destroys inactive ones beyond \`maxRemainingAsgs\` and
disables the active ones (with \`scaleDown\` they are then resized to zero), and
\`rollingredblack\` moves traffic in \`targetPercentages\` steps, running \`pipelineBeforeCleanup\`
after each step when set. With \`rollback.onFailure\` a new server group that fails to come up is
disabled (and destroyed with \`rollback.destroyLatest\`) and the previous one keeps serving. The
strategies step by step are in [providers.md](providers.md).

\`\`\`yaml
- id: deploy
  type: deploy
  clusters:
    - provider: local
      application: myapp
      stack: prod
      capacity: { min: 2, desired: 2, max: 2 }
      image: "\${ parameters.image }"
      command: node server.js
      healthCheck: { path: /healthz }
      strategy: redblack
      maxRemainingAsgs: 2
      rollback: { onFailure: true }
\`\`\``,
  handler: deployStage,
});
