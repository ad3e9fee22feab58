import { asNumber, drop } from "../../import/stage-rules.js";
import { defineStage } from "../define-stage.js";
import { clusterImport, NO_REGIONS } from "../server-group-kit/import-rules.js";
import { clusterSchema, percent } from "../server-group-kit/schema-fields.js";
import { rollbackClusterStage } from "./rollback-cluster-stage.js";

export const rollbackClusterDefinition = defineStage({
  type: "rollbackCluster",
  label: "Rollback Cluster",
  description:
    "Roll a cluster back to its previous server group: enable and resize the previous one, then disable the newest.",
  group: "server-group",
  schema: clusterSchema(
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
  outputs: [
    {
      name: "originalCapacity.<server group>",
      type: "capacity {min, desired, max}",
      description: "The capacity the previous server group had before it was grown to the newest one's size.",
    },
  ],
  import: clusterImport({
    targetHealthyRollbackPercentage: asNumber(),
    waitTimeBetweenRegions: drop(NO_REGIONS),
  }),
  docs: `Rolls \`cluster\` back to its previous server group: enables the second newest one, grows it to the
newest one's size if it is smaller, waits until \`targetHealthyRollbackPercentage\` of it is healthy,
then disables the newest. The cluster needs two server groups, one of them enabled.

\`\`\`yaml
- id: rollback
  type: rollbackCluster
  cluster: myapp-prod
\`\`\``,
  handler: rollbackClusterStage,
});
