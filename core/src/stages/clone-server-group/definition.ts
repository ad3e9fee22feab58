import { childPath, isRecord } from "../../import/json-path.js";
import { asNumber, capacity, drop, isEmpty } from "../../import/stage-rules.js";
import { map, ref, str } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { NO_REGIONS, serverGroupImport } from "../server-group-kit/import-rules.js";
import { percent, SERVER_GROUP_DEFINITIONS, serverGroupSchema } from "../server-group-kit/schema-fields.js";
import { cloneServerGroupStage } from "./clone-server-group-stage.js";

export const cloneServerGroupDefinition = defineStage({
  type: "cloneServerGroup",
  label: "Clone Server Group",
  description:
    "Create a new server group copying a source one (its image, command, capacity ...), with any field overridden.",
  group: "server-group",
  schema: serverGroupSchema(
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
    {
      capacity: SERVER_GROUP_DEFINITIONS.capacity,
      "health-check": SERVER_GROUP_DEFINITIONS["health-check"],
    },
  ),
  outputs: [
    {
      name: "deploy.server.groups",
      type: "map of location -> list of server group names",
      description:
        "The server group the clone created, e.g. `{ local: [myapp-prod-v002] }` (read by `#deployedServerGroups()`).",
    },
    {
      name: "deploy.account.name",
      type: "string",
      description: "The provider account; a clone reports `local`.",
    },
    { name: "serverGroups", type: "list of strings", description: "The name of the created server group." },
  ],
  // Spinnaker clones `source.serverGroupName` into a cluster named by application/stack/detail;
  // Capstan clones the source into its own cluster.
  import: serverGroupImport({
    capacity,
    source: (value, path, ctx) => {
      if (!isRecord(value)) return {};
      for (const key of Object.keys(value))
        if (key !== "serverGroupName" && !isEmpty(value[key]))
          ctx.note(childPath(path, key), "dropped", NO_REGIONS);
      return typeof value.serverGroupName === "string" ? { serverGroupName: value.serverGroupName } : {};
    },
    application: drop("the clone goes into the source's cluster"),
    stack: drop("the clone goes into the source's cluster"),
    freeFormDetails: drop("the clone goes into the source's cluster"),
    targetHealthyDeployPercentage: asNumber(),
  }),
  deploysServerGroups: true,
  docs: `Creates the next server group of the target's cluster from the target's settings (image, command,
capacity, environment, health check), with \`capacity\`, \`image\`, \`command\`, \`env\` or \`healthCheck\`
overridden, and waits until \`targetHealthyDeployPercentage\` of it is healthy. Its outputs are a
deploy's, so \`#deployedServerGroups()\` lists the clone.

\`\`\`yaml
- id: clone
  type: cloneServerGroup
  cluster: myapp-prod
  target: newest
  capacity: { min: 1, desired: 1, max: 1 }
\`\`\``,
  handler: cloneServerGroupStage,
});
