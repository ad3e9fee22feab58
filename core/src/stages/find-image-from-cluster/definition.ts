import { show } from "../../import/json-path.js";
import { asBoolean, drop } from "../../import/stage-rules.js";
import { bool, oneOfValues } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { clusterImport } from "../server-group-kit/import-rules.js";
import { clusterSchema } from "../server-group-kit/schema-fields.js";
import { findImageFromClusterStage } from "./find-image-from-cluster-stage.js";

export const findImageFromClusterDefinition = defineStage({
  type: "findImageFromCluster",
  label: "Find Image From Cluster",
  description: "Find the image a cluster runs, for a later deploy (output `image`).",
  group: "server-group",
  schema: clusterSchema(
    {
      selectionStrategy: oneOfValues(
        ["newest", "largest", "oldest", "fail"],
        "Which server group's image when several match; `fail` fails if more than one image is found.",
        { default: "newest" },
      ),
      onlyEnabled: bool("Consider only enabled server groups.", { default: true }),
    },
    { id: "find-image", type: "findImageFromCluster", cluster: "myapp-staging" },
  ),
  outputs: [
    { name: "image", type: "string", description: "The image the chosen server group runs." },
    {
      name: "deploymentDetails",
      type: "list of {imageId, imageName, serverGroupName, region, cluster}",
      description: "Orca's deployment details of the chosen server group (one entry).",
    },
  ],
  import: clusterImport({
    onlyEnabled: asBoolean(),
    selectionStrategy: (value, path, ctx) => {
      const v = typeof value === "string" ? value.toLowerCase() : undefined;
      if (v && ["newest", "largest", "oldest", "fail"].includes(v)) return { selectionStrategy: v };
      return drop(`${show(value)} is not NEWEST, LARGEST, OLDEST or FAIL`)(value, path, ctx, {});
    },
    imageNamePattern: drop("Capstan finds the image by cluster alone"),
  }),
  docs: `Finds the image \`cluster\` runs, for a later deploy: the image of its newest enabled server group
(\`largest\` or \`oldest\` by \`selectionStrategy\`; every server group with \`onlyEnabled: false\`).
\`selectionStrategy: fail\` fails the stage when the server groups run more than one image.

\`\`\`yaml
- id: find-image
  type: findImageFromCluster
  cluster: myapp-staging
\`\`\``,
  handler: findImageFromClusterStage,
});
