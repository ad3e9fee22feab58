import type { StageHandler } from "../../engine/handler.js";
import { targetStage } from "../../providers/operations/stage-kit.js";
import { readFullCapacity, readNumber, readString } from "../../providers/stage-config.js";
import type { ServerGroupSpec } from "../../providers/types.js";

/** `cloneServerGroup`: the next version of the target's cluster from its settings, with overrides. */
export const cloneServerGroupStage: StageHandler = targetStage(
  "cloneServerGroup",
  (name, data) => {
    const overrides: Partial<ServerGroupSpec> = {};
    if (data.capacity !== undefined) {
      const capacity = readFullCapacity(data.capacity, "cloneServerGroup");
      if ("error" in capacity) return capacity;
      overrides.capacity = capacity;
    }
    const image = readString(data.image);
    if (image) overrides.image = image;
    const launchConfig: Record<string, unknown> = {};
    for (const k of ["command", "env", "healthCheck"]) if (data[k] !== undefined) launchConfig[k] = data[k];
    if (Object.keys(launchConfig).length > 0) overrides.launchConfig = launchConfig;
    return [
      { op: "create", spec: overrides as ServerGroupSpec, clone: name },
      {
        op: "waitHealthy",
        target: { var: "deployed" },
        percent: readNumber(data.targetHealthyDeployPercentage) ?? 100,
      },
    ];
  },
  (plans) => {
    const names = plans.map((p) => p.vars.deployed).filter((n): n is string => n !== undefined);
    return { "deploy.server.groups": { local: names }, "deploy.account.name": "local", serverGroups: names };
  },
);
