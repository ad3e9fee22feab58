import * as core from "@capstan/core";

/**
 * Core functions other contributors are adding (the Spinnaker importer, the journal fold). They are
 * looked up at run time so the extension builds against any core; a missing one is reported to the
 * user as missing instead of being faked.
 */
const exported = core as unknown as Record<string, unknown>;

export interface ImportedPipelineLike {
  name: string;
  yaml: string;
}

export interface ImportResultLike {
  pipelines: ImportedPipelineLike[];
  report: { path: string; kind: string; message: string }[];
  diagnostics: { severity: string; message: string; line?: number; column?: number }[];
}

/** core's `importSpinnaker(jsonText)`, when this build of core exports it. */
export function coreImportSpinnaker(): ((jsonText: string) => ImportResultLike) | undefined {
  const fn = exported.importSpinnaker;
  return typeof fn === "function" ? (fn as (jsonText: string) => ImportResultLike) : undefined;
}

export interface ExecutionRecordLike {
  id: string;
  pipeline: string;
  pipelineFile?: string;
  status: string;
  buildTime?: number;
  stages: { refId: string; status: string; name?: string }[];
}

/** core's `foldJournal(events)` (journal.jsonl → execution record), when exported. */
export function coreFoldJournal(): ((events: unknown[]) => ExecutionRecordLike) | undefined {
  const fn = exported.foldJournal;
  return typeof fn === "function" ? (fn as (events: unknown[]) => ExecutionRecordLike) : undefined;
}
