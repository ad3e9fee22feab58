import { asBoolean, asNumber } from "../../import/stage-rules.js";
import { bool, int } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { clusterImport } from "../server-group-kit/import-rules.js";
import { clusterSchema } from "../server-group-kit/schema-fields.js";
import { disableClusterStage } from "./disable-cluster-stage.js";

export const disableClusterDefinition = defineStage({
  type: "disableCluster",
  label: "Disable Cluster",
  description: "Disable all but the newest (or largest) active server groups of a cluster.",
  group: "server-group",
  schema: clusterSchema(
    {
      remainingEnabledServerGroups: int("Active server groups left enabled.", { default: 1, minimum: 0 }),
      preferLargerOverNewer: bool("Keep the largest instead of the newest.", { default: false }),
    },
    { id: "disable-old", type: "disableCluster", cluster: "myapp-prod", remainingEnabledServerGroups: 1 },
  ),
  import: clusterImport({
    remainingEnabledServerGroups: asNumber(),
    preferLargerOverNewer: asBoolean(),
  }),
  docs: `Disables the active server groups of \`cluster\` except the newest \`remainingEnabledServerGroups\`
(the largest with \`preferLargerOverNewer\`). Server groups created by deploy stages upstream of this
one are left alone. Checked against traffic guards.

\`\`\`yaml
- id: disable-old
  type: disableCluster
  cluster: myapp-prod
  remainingEnabledServerGroups: 1
\`\`\``,
  handler: disableClusterStage,
});
