import type { ImportContext } from "../../import/context.js";
import { childPath, show } from "../../import/json-path.js";
import { asBoolean, asNumber, capacity, keep, numberValue, silent } from "../../import/stage-rules.js";
import { bool, int, num, oneOfValues, ref } from "../../schema/schema-kit.js";
import { defineStage } from "../define-stage.js";
import { LOCATING, target } from "../server-group-kit/import-rules.js";
import {
  percent,
  RESIZE_ACTIONS,
  SERVER_GROUP_DEFINITIONS,
  serverGroupSchema,
} from "../server-group-kit/schema-fields.js";
import { resizeServerGroupStage } from "./resize-server-group-stage.js";

const ACTIONS: Record<string, string> = {
  scale_up: "scaleUp",
  scale_down: "scaleDown",
  scale_to_cluster: "scaleToCluster",
  scale_exact: "scaleExact",
};

/**
 * Resize amount. Orca's effective action is scale_exact for resizeType "exact" or a missing
 * action; deck writes resizeType "pct" (scalePct) or "incr" (scaleNum) for the relative ones.
 */
function resize(stage: Record<string, unknown>, path: string, ctx: ImportContext): Record<string, unknown> {
  const raw = stage.action;
  const type = stage.resizeType;
  const out: Record<string, unknown> = {};
  const exact = type === "exact" || raw === undefined || raw === null || raw === "";
  if (exact) out.action = "scaleExact";
  else if (typeof raw === "string" && ACTIONS[raw]) out.action = ACTIONS[raw];
  else {
    ctx.note(
      childPath(path, "action"),
      "unsupported",
      `action ${show(raw)} is not scale_up, scale_down, scale_to_cluster or scale_exact; kept`,
    );
    out.action = raw;
  }
  const unused = (key: string, why: string) => {
    if (stage[key] !== undefined && stage[key] !== null && stage[key] !== "")
      ctx.note(childPath(path, key), "dropped", why);
  };
  if (exact) {
    if (stage.capacity !== undefined)
      Object.assign(out, capacity(stage.capacity, childPath(path, "capacity"), ctx, stage));
    unused("scaleNum", "a scale_exact resize uses capacity only");
    if (stage.scalePct !== undefined && stage.scalePct !== null && stage.scalePct !== "") {
      // Orca applies scalePct to the desired size of an exact resize too.
      const n = numberValue(stage.scalePct, childPath(path, "scalePct"), ctx);
      if (n !== undefined) out.percent = n;
    }
  } else if (type === "pct" || (type === undefined && stage.scalePct !== undefined)) {
    const n = numberValue(stage.scalePct, childPath(path, "scalePct"), ctx);
    if (n !== undefined) out.percent = n;
    unused("scaleNum", "resizeType pct uses scalePct");
    unused("capacity", "a relative resize does not use capacity");
  } else if (type === "incr" || (type === undefined && stage.scaleNum !== undefined)) {
    const n = numberValue(stage.scaleNum, childPath(path, "scaleNum"), ctx);
    if (n !== undefined) out.amount = n;
    unused("scalePct", "resizeType incr uses scaleNum");
    unused("capacity", "a relative resize does not use capacity");
  }
  return out;
}

export const resizeServerGroupDefinition = defineStage({
  type: "resizeServerGroup",
  label: "Resize Server Group",
  description:
    "Resize one server group: scale up or down by `percent` or `amount`, to the cluster's largest size, or to an exact `capacity`. Percentages round up (Orca's ceil arithmetic). A resize to zero is checked against traffic guards.",
  group: "server-group",
  icon: "resize",
  schema: serverGroupSchema(
    {
      action: oneOfValues(
        RESIZE_ACTIONS,
        "`scaleUp`/`scaleDown` by `percent` or `amount`, `scaleToCluster` (match the largest server group, plus optional `percent`/`amount`) or `scaleExact` to `capacity`.",
        { default: "scaleExact" },
      ),
      percent: num("Change by this percentage of the current size (Spinnaker: scalePct); rounds up.", {
        minimum: 0,
        examples: [50],
      }),
      amount: int("Change by this many instances (Spinnaker: scaleNum).", { minimum: 0, examples: [2] }),
      capacity: ref("partial-capacity"),
      pinCapacity: bool("Set min and max to the desired size.", { default: false }),
      pinMinimumCapacity: bool("Set min to the desired size.", { default: false }),
      unpinMinimumCapacity: bool("Restore the min saved by an earlier pin.", { default: false }),
      targetHealthyDeployPercentage: percent("Percentage of instances that must be healthy afterwards.", {
        default: 100,
      }),
    },
    {
      id: "scale-up",
      type: "resizeServerGroup",
      cluster: "myapp-prod",
      target: "newest",
      action: "scaleUp",
      percent: 50,
    },
    { "partial-capacity": SERVER_GROUP_DEFINITIONS["partial-capacity"] },
  ),
  outputs: [
    {
      name: "originalCapacity.<server group>",
      type: "capacity {min, desired, max}",
      description: "The capacity the server group had before the resize.",
    },
  ],
  import: {
    from: ["resizeServerGroup", "resizeAsg"],
    build: resize,
    rules: {
      ...LOCATING,
      target,
      serverGroupName: keep(),
      action: silent,
      resizeType: silent,
      scalePct: silent,
      scaleNum: silent,
      capacity: silent,
      targetHealthyDeployPercentage: asNumber(),
      pinCapacity: asBoolean(),
      pinMinimumCapacity: asBoolean(),
      unpinMinimumCapacity: asBoolean(),
    },
  },
  docs: `Resizes one server group of \`cluster\`: the \`target\` (\`newest\`, \`previous\` or \`oldest\`, resolved
when the stage starts) or \`serverGroupName\`. \`action\`: \`scaleUp\`/\`scaleDown\` by \`percent\` (each of
min/desired/max changes by the percentage rounded up, Orca's arithmetic) or by \`amount\`;
\`scaleToCluster\` matches the largest server group of the cluster (plus \`percent\`/\`amount\`);
\`scaleExact\` (the default) sets \`capacity\`, keeping the counts it leaves out. The stage waits until
the new capacity is reached and \`targetHealthyDeployPercentage\` of it is healthy. A resize to zero is
checked against traffic guards.

\`\`\`yaml
- id: scale-up
  type: resizeServerGroup
  cluster: myapp-prod
  target: newest
  action: scaleUp
  percent: 50
\`\`\``,
  handler: resizeServerGroupStage,
});
