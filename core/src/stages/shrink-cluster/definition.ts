import { asBoolean, asNumber } from "../../import/stage-rules.js";
import { bool, int } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { clusterImport } from "../server-group-kit/import-rules.js";
import { clusterSchema } from "../server-group-kit/schema-fields.js";
import { shrinkClusterStage } from "./shrink-cluster-stage.js";

export const shrinkClusterDefinition = defineStage({
  type: "shrinkCluster",
  label: "Shrink Cluster",
  description: "Destroy all but the newest (or largest) server groups of a cluster.",
  group: "server-group",
  schema: clusterSchema(
    {
      shrinkToSize: int("Server groups to keep.", { default: 1, minimum: 0 }),
      allowDeleteActive: bool("Also destroy server groups that still take traffic.", { default: false }),
      retainLargerOverNewer: bool("Keep the largest instead of the newest.", { default: false }),
    },
    { id: "shrink", type: "shrinkCluster", cluster: "myapp-prod", shrinkToSize: 2 },
  ),
  import: clusterImport({
    shrinkToSize: asNumber(),
    allowDeleteActive: asBoolean(),
    retainLargerOverNewer: asBoolean(),
  }),
  docs: `Destroys the server groups of \`cluster\` except the newest \`shrinkToSize\` (the largest with
\`retainLargerOverNewer\`); only those that take no traffic, unless \`allowDeleteActive\`. Server groups
created by deploy stages upstream of this one are left alone. Checked against traffic guards.

\`\`\`yaml
- id: shrink
  type: shrinkCluster
  cluster: myapp-prod
  shrinkToSize: 2
\`\`\``,
  handler: shrinkClusterStage,
});
