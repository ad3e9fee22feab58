import * as path from "node:path";
import { type ExecutionRecord, FileStateStore, foldJournal } from "@capstan/core";

/** The latest execution of a pipeline and each stage's last status. */
export interface LastExecution {
  id: string;
  status: string;
  statuses: Map<string, string>;
  /** Canary analyses' results (`overallResult`) and last scores, by stage. */
  canaryResults: Map<string, { result: string; score?: number }>;
}

/**
 * Reads the execution records under `<workspace>/.capstan/executions/` with core's store and fold,
 * and returns the newest execution of the pipeline, matched by pipeline file, else by name.
 */
export function lastExecution(
  workspaceRoot: string,
  pipelineName: string,
  pipelineFile: string,
): LastExecution | undefined {
  const store = new FileStateStore(path.join(workspaceRoot, ".capstan"), { fsync: false });
  const relative = path.relative(workspaceRoot, pipelineFile);
  let best: ExecutionRecord | undefined;
  for (const id of store.list()) {
    let record: ExecutionRecord;
    try {
      record = foldJournal(store.read(id));
    } catch {
      continue; // a journal from another engine version: not ours to colour with
    }
    const file = record.pipelineFile ? path.normalize(record.pipelineFile) : undefined;
    const sameFile =
      file !== undefined && (file === relative || path.resolve(workspaceRoot, file) === pipelineFile);
    const sameName = file === undefined && record.pipeline === pipelineName;
    if (!sameFile && !sameName) continue;
    if (!best || record.buildTime >= best.buildTime) best = record;
  }
  if (!best) return undefined;
  return {
    id: best.id,
    status: best.status,
    statuses: new Map(best.stages.map((s) => [s.refId, s.status])),
    canaryResults: new Map(
      best.stages.flatMap((s) =>
        s.type === "canaryAnalysis" && typeof s.outputs?.overallResult === "string"
          ? [
              [
                s.refId,
                {
                  result: s.outputs.overallResult,
                  ...(typeof s.outputs.canaryScore === "number" ? { score: s.outputs.canaryScore } : {}),
                },
              ] as const,
            ]
          : [],
      ),
    ),
  };
}
