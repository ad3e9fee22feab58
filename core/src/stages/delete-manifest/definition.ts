import { childPath, isRecord, show } from "../../import/json-path.js";
import { drop, keep, type Rule } from "../../import/stage-rules.js";
import { bool, int, list, str } from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { MANIFEST_COMMON, options } from "../manifest-kit/import-rules.js";
import { account, DYNAMIC_TARGET, manifestName, namespace } from "../manifest-kit/schema-fields.js";
import { deleteManifestStage } from "./delete-manifest-stage.js";

// Spinnaker label selector kinds as kubectl selector syntax.
function selectorTerm(sel: Record<string, unknown>): string | undefined {
  const key = sel.key;
  const values = Array.isArray(sel.values) ? sel.values.map(String) : [];
  if (typeof key !== "string" || key === "") return undefined;
  switch (sel.kind) {
    case "EQUALS":
      return values.length === 1 ? `${key}=${values[0]}` : `${key} in (${values.join(",")})`;
    case "NOT_EQUALS":
      return values.length === 1 ? `${key}!=${values[0]}` : `${key} notin (${values.join(",")})`;
    case "CONTAINS":
    case "ANY":
      return `${key} in (${values.join(",")})`;
    case "NOT_CONTAINS":
      return `${key} notin (${values.join(",")})`;
    case "EXISTS":
      return key;
    case "NOT_EXISTS":
      return `!${key}`;
    default:
      return undefined;
  }
}

const labelSelectors: Rule = (value, path, ctx) => {
  const list = isRecord(value) && Array.isArray(value.selectors) ? value.selectors : undefined;
  if (!list) return drop("labelSelectors is not {selectors: [...]}")(value, path, ctx, {});
  const terms: string[] = [];
  list.forEach((sel, i) => {
    const term = isRecord(sel) ? selectorTerm(sel) : undefined;
    if (term === undefined)
      ctx.note(
        childPath(childPath(path, "selectors"), i),
        "dropped",
        `${show(sel)} is not a label selector term`,
      );
    else terms.push(term);
  });
  if (!terms.length) return {};
  ctx.note(path, "changed", `label selectors written as the kubectl selector "${terms.join(",")}"`);
  return { labelSelector: terms.join(",") };
};

export const deleteManifestDefinition = defineStage({
  type: "deleteManifest",
  label: "Delete (Manifest)",
  description: "Delete Kubernetes objects, by name or by kinds and a label selector.",
  group: "kubernetes",
  icon: "destroy",
  schema: {
    properties: {
      account,
      namespace,
      manifestName,
      ...DYNAMIC_TARGET,
      kinds: list(str("A kind, e.g. deployment."), "Kinds to delete (with `labelSelector`)."),
      labelSelector: str("Label selector, e.g. `app=myapp,track=canary`; several terms are ANDed."),
      cascading: {
        type: ["boolean", "string"],
        description:
          "Dependents: true = background, false = orphan, or a policy (`foreground`, `background`, `orphan`); absent: kubectl's default (Spinnaker: options.cascading).",
      },
      orphanDependents: bool("Leave dependents (wins over cascading)."),
      gracePeriodSeconds: int("Seconds to let pods terminate gracefully.", { minimum: 0 }),
    },
    allOf: [
      {
        if: { properties: { labelSelector: {} }, required: ["labelSelector"] },
        else: requiredUnless("manifestName", "criteria"),
      },
    ],
    example: {
      id: "cleanup-canary",
      type: "deleteManifest",
      kinds: ["deployment"],
      labelSelector: "track=canary",
    },
  },
  import: {
    rules: {
      ...MANIFEST_COMMON,
      kinds: keep(),
      labelSelectors,
      options: options({ cascading: "bool", gracePeriodSeconds: "int", orphanDependents: "bool" }),
    },
  },
  outputs: [
    {
      name: "manifestNamesByNamespace",
      type: "map of namespace -> list of `kind name`",
      description: "What the stage deleted.",
    },
    {
      name: "deletedManifests",
      type: "list of strings",
      description: "What the stage deleted, `kind name`.",
    },
  ],
  docs: `Deletes Kubernetes objects: \`manifestName\`, the dynamic target (\`cluster\` + \`criteria\`), or
the objects of \`kinds\` matching \`labelSelector\`, with
\`kubectl delete --ignore-not-found=true [--cascade=<policy>] [--grace-period=N]\`. \`cascading\`
true is \`background\`, false \`orphan\`, a policy name passes through; \`orphanDependents\` wins;
nothing set passes no \`--cascade\`. There is no stability wait (as in Spinnaker). Deleting the
last serving version of a guarded cluster fails (traffic guards).

\`\`\`yaml
- id: cleanup-canary
  type: deleteManifest
  kinds: [deployment]
  labelSelector: track=canary
  cascading: true
\`\`\``,
  handler: deleteManifestStage,
});
