import type { Pipeline } from "../model/types.js";
import type { ExecutionRecord } from "./record.js";

/** Orca's names for an ended execution's status in pipeline triggers. */
export function triggerStatusOf(record: ExecutionRecord): "successful" | "failed" | "canceled" {
  if (record.status === "SUCCEEDED") return "successful";
  if (record.status === "CANCELED") return "canceled";
  return "failed";
}

/**
 * Pipelines a finished execution triggers (Orca's dependent pipeline starter): each pipeline with
 * a `pipeline` trigger naming the finished one and listing its status. Returns the pipeline and
 * the trigger to start it with.
 */
export function pipelinesTriggeredBy(
  record: ExecutionRecord,
  candidates: readonly { pipeline: Pipeline; file?: string }[],
): { pipeline: Pipeline; file?: string; trigger: Record<string, unknown> }[] {
  const status = triggerStatusOf(record);
  const out: { pipeline: Pipeline; file?: string; trigger: Record<string, unknown> }[] = [];
  for (const c of candidates) {
    const matches = c.pipeline.triggers.some((t) => {
      if (t.type !== "pipeline" || t.fields.enabled === false) return false;
      if (t.fields.pipeline !== record.pipeline) return false;
      const wanted = Array.isArray(t.fields.status) ? t.fields.status.map(String) : [];
      return wanted.includes(status);
    });
    if (matches) {
      out.push({
        ...c,
        trigger: {
          type: "pipeline",
          parentExecution: record.id,
          parentPipeline: record.pipeline,
          parentStatus: record.status,
          user: record.trigger.user,
        },
      });
    }
  }
  return out;
}
