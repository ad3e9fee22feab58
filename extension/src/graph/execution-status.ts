import * as fs from "node:fs";
import * as path from "node:path";
import { coreFoldJournal, type ExecutionRecordLike } from "../core-optional.js";

/** The latest execution of a pipeline and each stage's last status. */
export interface LastExecution {
  id: string;
  status: string;
  statuses: Map<string, string>;
}

function parseJournal(text: string): unknown[] {
  const events: unknown[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      // a torn last line from a crash: the engine ignores it too
    }
  }
  return events;
}

/**
 * Reads `.capstan/executions/<id>/journal.jsonl` records (folded with core's `foldJournal`) and
 * returns the newest execution of the pipeline, matched by pipeline file, else by name.
 * Undefined when there is none, or when core does not export the fold yet.
 */
export function lastExecution(
  workspaceRoot: string,
  pipelineName: string,
  pipelineFile: string,
): LastExecution | undefined {
  const fold = coreFoldJournal();
  if (!fold) return undefined;
  const root = path.join(workspaceRoot, ".capstan", "executions");
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return undefined;
  }
  const relative = path.relative(workspaceRoot, pipelineFile);
  let best: { record: ExecutionRecordLike; time: number } | undefined;
  for (const name of names) {
    const journal = path.join(root, name, "journal.jsonl");
    let text: string;
    let time: number;
    try {
      text = fs.readFileSync(journal, "utf8");
      time = fs.statSync(journal).mtimeMs;
    } catch {
      continue;
    }
    let record: ExecutionRecordLike;
    try {
      record = fold(parseJournal(text));
    } catch {
      continue;
    }
    const file = record.pipelineFile ? path.normalize(record.pipelineFile) : undefined;
    const sameFile =
      file !== undefined && (file === relative || path.resolve(workspaceRoot, file) === pipelineFile);
    const sameName = file === undefined && record.pipeline === pipelineName;
    if (!sameFile && !sameName) continue;
    const when = record.buildTime ?? time;
    if (!best || when > best.time) best = { record, time: when };
  }
  if (!best) return undefined;
  return {
    id: best.record.id,
    status: best.record.status,
    statuses: new Map(best.record.stages.map((s) => [s.refId, s.status])),
  };
}
