import type { OnFailure } from "../model/types.js";

export interface FailureFlags {
  failPipeline?: unknown;
  continuePipeline?: unknown;
  completeOtherBranchesThenFail?: unknown;
}

export interface OnFailureMapping {
  onFailure: OnFailure;
  /** Why the result differs from what the flags seem to say (one sentence each). */
  caveats: { flag: keyof FailureFlags; message: string }[];
}

/**
 * Orca's failure algebra (orca-kotlin `Stage.kt` failureStatus, CompleteExecutionHandler):
 * `continuePipeline == true` => FAILED_CONTINUE (ignore); else `failPipeline in (null, true)` =>
 * TERMINAL (haltPipeline); else STOPPED, and the pipeline fails at the end only when
 * `completeOtherBranchesThenFail == true`. Comparisons are with the boolean `true`, so the string
 * "true" counts as false for failPipeline and completeOtherBranchesThenFail.
 */
export function mapOnFailure(flags: FailureFlags): OnFailureMapping {
  const caveats: OnFailureMapping["caveats"] = [];
  const { failPipeline, continuePipeline, completeOtherBranchesThenFail: complete } = flags;

  let ignore = continuePipeline === true;
  if (typeof continuePipeline === "string") {
    // Orca casts this key to boolean; a string makes the failing stage throw instead. Take the
    // author's evident meaning.
    ignore = continuePipeline.trim().toLowerCase() === "true";
    caveats.push({
      flag: "continuePipeline",
      message: `continuePipeline is the string ${JSON.stringify(continuePipeline)}, which Orca cannot read as a boolean; read as ${ignore}`,
    });
  } else if (
    continuePipeline !== undefined &&
    continuePipeline !== null &&
    typeof continuePipeline !== "boolean"
  ) {
    caveats.push({ flag: "continuePipeline", message: "continuePipeline is not a boolean; read as false" });
  }
  if (ignore) {
    if (complete === true)
      caveats.push({
        flag: "completeOtherBranchesThenFail",
        message:
          "completeOtherBranchesThenFail has no effect when continuePipeline is true (Orca ends the stage FAILED_CONTINUE)",
      });
    return { onFailure: "ignore", caveats };
  }

  const failsPipeline = failPipeline === undefined || failPipeline === null || failPipeline === true;
  if (!failsPipeline && typeof failPipeline !== "boolean") {
    caveats.push({
      flag: "failPipeline",
      message: `failPipeline is ${JSON.stringify(failPipeline)}, not a boolean; Orca tests failPipeline in (null, true), so it counts as false`,
    });
  }
  if (failsPipeline) {
    if (complete === true)
      caveats.push({
        flag: "completeOtherBranchesThenFail",
        message: `completeOtherBranchesThenFail is true but failPipeline is ${failPipeline === undefined ? "absent (which Orca reads as true)" : "true"}, so the stage halts the whole pipeline at once: haltPipeline`,
      });
    return { onFailure: "haltPipeline", caveats };
  }
  if (complete !== undefined && complete !== null && typeof complete !== "boolean") {
    caveats.push({
      flag: "completeOtherBranchesThenFail",
      message: `completeOtherBranchesThenFail is ${JSON.stringify(complete)}, not a boolean; Orca tests == true, so it counts as false`,
    });
  }
  return { onFailure: complete === true ? "haltBranchThenFailPipeline" : "haltBranch", caveats };
}
