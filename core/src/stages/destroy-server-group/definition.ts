import { defineStage } from "../define-stage.js";
import { serverGroupImport } from "../server-group-kit/import-rules.js";
import { serverGroupSchema } from "../server-group-kit/schema-fields.js";
import { destroyServerGroupStage } from "./destroy-server-group-stage.js";

export const destroyServerGroupDefinition = defineStage({
  type: "destroyServerGroup",
  label: "Destroy Server Group",
  description: "Delete a server group and its instances. Checked against traffic guards.",
  group: "server-group",
  icon: "destroy",
  schema: serverGroupSchema(
    {},
    { id: "destroy-newest", type: "destroyServerGroup", cluster: "myapp-prod", target: "newest" },
  ),
  import: serverGroupImport({}, ["destroyServerGroup", "destroyAsg"]),
  docs: `Deletes one server group of \`cluster\` (the \`target\` or \`serverGroupName\`) and its instances.
Checked against traffic guards.

\`\`\`yaml
- id: destroy-newest
  type: destroyServerGroup
  cluster: myapp-prod
  target: newest
\`\`\``,
  handler: destroyServerGroupStage,
});
