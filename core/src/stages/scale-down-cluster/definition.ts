import { asBoolean, asNumber } from "../../import/stage-rules.js";
import { bool, int } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { clusterImport } from "../server-group-kit/import-rules.js";
import { clusterSchema } from "../server-group-kit/schema-fields.js";
import { scaleDownClusterStage } from "./scale-down-cluster-stage.js";

export const scaleDownClusterDefinition = defineStage({
  type: "scaleDownCluster",
  label: "Scale Down Cluster",
  description: "Scale all but the newest (or largest) server groups of a cluster down to zero.",
  group: "server-group",
  schema: clusterSchema(
    {
      remainingFullSizeServerGroups: int("Server groups left at full size.", { default: 1, minimum: 0 }),
      preferLargerOverNewer: bool("Keep the largest instead of the newest.", { default: false }),
      allowScaleDownActive: bool("Also scale down server groups that still take traffic.", {
        default: false,
      }),
    },
    { id: "scale-down-old", type: "scaleDownCluster", cluster: "myapp-prod" },
  ),
  outputs: [
    {
      name: "originalCapacity.<server group>",
      type: "capacity {min, desired, max}",
      description: "The capacity each scaled-down server group had before.",
    },
  ],
  import: clusterImport({
    remainingFullSizeServerGroups: asNumber(),
    preferLargerOverNewer: asBoolean(),
    allowScaleDownActive: asBoolean(),
  }),
  docs: `Resizes to zero the server groups of \`cluster\` except the newest \`remainingFullSizeServerGroups\`
(the largest with \`preferLargerOverNewer\`); only those that take no traffic, unless
\`allowScaleDownActive\`. Server groups created by deploy stages upstream of this one are left alone.
Checked against traffic guards.

\`\`\`yaml
- id: scale-down-old
  type: scaleDownCluster
  cluster: myapp-prod
\`\`\``,
  handler: scaleDownClusterStage,
});
