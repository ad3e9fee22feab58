import { keep, silent } from "../../import/stage-rules.js";
import { str } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import {
  MANIFEST_COMMON,
  manifestArtifact,
  manifestArtifactId,
  requiredArtifacts,
  textSource,
} from "../manifest-kit/import-rules.js";
import { account, STABLE_WAIT } from "../manifest-kit/schema-fields.js";
import { runJobManifestStage } from "./run-job-manifest-stage.js";

export const runJobManifestDefinition = defineStage({
  type: "runJobManifest",
  label: "Run Job (Manifest)",
  description:
    "Run a Kubernetes Job to completion: its logs go to the stage log, its property lines become outputs.",
  group: "kubernetes",
  icon: "run",
  schema: {
    properties: {
      account,
      namespace: str("Namespace of the Job; default its own, else the account's."),
      manifest: { type: "object", description: "The Job; expressions inside are evaluated." },
      manifestFile: str("A file of the repository holding the Job (instead of `manifest`)."),
      manifestArtifact: str("An upstream artifact holding the Job (a bakeManifest's outputName)."),
      propertyFile: str(
        "Spinnaker's container whose log holds the properties; Capstan reads every container's log.",
      ),
      ...STABLE_WAIT,
    },
    example: {
      id: "migrate",
      type: "runJobManifest",
      manifest: {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { generateName: "migrate-" },
        spec: {
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "m", image: "myapp:1", command: ["./migrate"] }],
            },
          },
        },
      },
    },
  },
  outputs: [
    {
      name: "jobName",
      type: "string",
      description: "The Job's name (generated when it has `generateName`).",
    },
    {
      name: "<KEY>",
      type: "string",
      description:
        "Each `SPINNAKER_PROPERTY_<KEY>=value` (or `CAPSTAN_OUTPUT_<KEY>=value`) line of the Job's log, and the keys of a `SPINNAKER_CONFIG_JSON={...}` line.",
    },
    { name: "propertyFileContents", type: "map", description: "The same properties in one map." },
  ],
  contextKeys: ["jobName", "jobStatus"],
  import: {
    rules: {
      ...MANIFEST_COMMON,
      source: textSource,
      manifest: keep(),
      manifestArtifactId,
      manifestArtifact,
      requiredArtifactIds: requiredArtifacts,
      propertyFile: keep(),
      consumeArtifactSource: silent,
      application: silent,
    },
  },
  docs: `Creates the Job (\`manifest\`, \`manifestFile\` or an upstream \`manifestArtifact\`) and waits for it
(clouddriver's Job rule: stable when \`succeeded >= completions\`, failed on a \`Failed\` condition).
The Job's logs (\`kubectl logs job/<name> --all-containers\`) go to the stage log, and lines
\`SPINNAKER_PROPERTY_<KEY>=value\` (or \`CAPSTAN_OUTPUT_<KEY>=value\`) and
\`SPINNAKER_CONFIG_JSON={...}\` become outputs, as a \`run\` stage's \`$CAPSTAN_OUTPUT\` file does. A
failed Job ends the stage TERMINAL with its condition's message and the events of its pods.

\`\`\`yaml
- id: migrate
  type: runJobManifest
  manifestFile: deploy/migrate-job.yml
\`\`\``,
  handler: runJobManifestStage,
});
