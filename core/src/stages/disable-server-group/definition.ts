import { asNumber } from "../../import/stage-rules.js";
import { defineStage } from "../define-stage.js";
import { serverGroupImport } from "../server-group-kit/import-rules.js";
import { percent, serverGroupSchema } from "../server-group-kit/schema-fields.js";
import { disableServerGroupStage } from "./disable-server-group-stage.js";

export const disableServerGroupDefinition = defineStage({
  type: "disableServerGroup",
  label: "Disable Server Group",
  description:
    "Stop sending traffic to a server group; its instances keep running. Checked against traffic guards.",
  group: "server-group",
  icon: "disable",
  schema: serverGroupSchema(
    {
      desiredPercentage: percent("Disable only this percentage of its instances (rolling red/black).", {
        default: 100,
      }),
    },
    { id: "disable-newest", type: "disableServerGroup", cluster: "myapp-prod", target: "newest" },
  ),
  import: serverGroupImport({ desiredPercentage: asNumber() }, ["disableServerGroup", "disableAsg"]),
  docs: `Stops sending traffic to one server group of \`cluster\` (the \`target\` or \`serverGroupName\`); its
instances keep running. With \`desiredPercentage\` only that share of its instances stops taking
traffic, as rolling red/black does. Disabling all of it is checked against traffic guards.

\`\`\`yaml
- id: disable-newest
  type: disableServerGroup
  cluster: myapp-prod
  target: newest
\`\`\``,
  handler: disableServerGroupStage,
});
