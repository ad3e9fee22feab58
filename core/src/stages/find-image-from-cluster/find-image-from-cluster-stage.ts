import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import { newestFirst } from "../../providers/operations/cluster-ops.js";
import { providerFor } from "../../providers/operations/stage-kit.js";
import { readBool, readClusterRef, readString } from "../../providers/stage-config.js";

async function find(ctx: StageContext): Promise<TaskResult> {
  const data = ctx.stage.context;
  const ref = readClusterRef(data);
  if ("error" in ref) return { status: "TERMINAL", error: ref.error };
  const provider = providerFor(ctx, ref.provider, ref.account);
  if ("error" in provider) return { status: "TERMINAL", error: provider.error };
  const onlyEnabled = readBool(data.onlyEnabled, true);
  const groups = newestFirst(await provider.listServerGroups(ref.cluster)).filter(
    (g) => !onlyEnabled || !g.disabled,
  );
  if (groups.length === 0) {
    return {
      status: "TERMINAL",
      error: `no ${onlyEnabled ? "enabled " : ""}server group in cluster ${ref.cluster}`,
    };
  }
  const strategy = readString(data.selectionStrategy) ?? "newest";
  const images = [...new Set(groups.map((g) => g.image))];
  if (strategy === "fail" && images.length > 1) {
    return {
      status: "TERMINAL",
      error: `cluster ${ref.cluster} runs more than one image: ${images.join(", ")}`,
    };
  }
  const chosen =
    strategy === "largest"
      ? [...groups].sort(
          (a, b) => b.capacity.desired - a.capacity.desired || b.createdTime - a.createdTime,
        )[0]
      : strategy === "oldest"
        ? groups[groups.length - 1]
        : groups[0];
  const details = {
    imageId: chosen.image,
    imageName: chosen.image,
    serverGroupName: chosen.name,
    region: chosen.location,
    cluster: ref.cluster,
  };
  ctx.log(`${ref.cluster} runs ${chosen.image} (${chosen.name})\n`);
  return {
    status: "SUCCEEDED",
    context: { amiDetails: [details] },
    outputs: { image: chosen.image, deploymentDetails: [details] },
  };
}

/** `findImageFromCluster`: the image a cluster runs (output `image`, Orca's `deploymentDetails`). */
export const findImageFromClusterStage: StageHandler = {
  type: "findImageFromCluster",
  start: find,
  resume: find,
};
