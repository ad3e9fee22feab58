import { defineStage } from "../define-stage.js";
import { serverGroupImport } from "../server-group-kit/import-rules.js";
import { serverGroupSchema } from "../server-group-kit/schema-fields.js";
import { enableServerGroupStage } from "./enable-server-group-stage.js";

export const enableServerGroupDefinition = defineStage({
  type: "enableServerGroup",
  label: "Enable Server Group",
  description: "Send traffic to a server group again.",
  group: "server-group",
  icon: "enable",
  schema: serverGroupSchema(
    {},
    { id: "enable-previous", type: "enableServerGroup", cluster: "myapp-prod", target: "previous" },
  ),
  import: serverGroupImport({}, ["enableServerGroup", "enableAsg"]),
  docs: `Sends traffic to one server group of \`cluster\` again: the \`target\` (\`newest\`, \`previous\` or
\`oldest\`, resolved when the stage starts) or \`serverGroupName\`.

\`\`\`yaml
- id: enable-previous
  type: enableServerGroup
  cluster: myapp-prod
  target: previous
\`\`\``,
  handler: enableServerGroupStage,
});
