import type { ExecutionStatus } from "./status.js";

/** One entry of Orca's `expressionEvaluationSummary`. */
export interface ExpressionSummaryEntry {
  level: "ERROR" | "INFO";
  description: string;
  exceptionType?: string;
  timestamp: number;
}

/** Keyed by the expression text without `${ }`, as Orca does. */
export type ExpressionSummary = Record<string, ExpressionSummaryEntry[]>;

/** Where a running stage is: its execution window, the jitter wait, or its task. */
export type StagePhase = "window" | "jitter" | "task";

/** A stage of an execution, Orca-shaped, plus what the engine needs to resume it. */
export interface StageRecord {
  refId: string;
  /** Stage execution id (unique within the execution). */
  id: string;
  name: string;
  type: string;
  dependsOn: string[];
  status: ExecutionStatus;
  context: Record<string, unknown>;
  outputs: Record<string, unknown>;
  startTime?: number;
  endTime?: number;
  /** Why the stage failed, was skipped, or was canceled. */
  error?: string;
  expressionEvaluationSummary?: ExpressionSummary;
  /** Internal: phase of a RUNNING stage and when it began. */
  phase?: StagePhase;
  taskStartTime?: number;
  /** Milliseconds spent waiting for the execution window (excluded from the timeout). */
  windowMs?: number;
  windowStartTime?: number;
  /** Human text: what a RUNNING stage waits for. */
  waitingFor?: string;
  /** Set when the stage's process or request was started and not yet seen to end (crash detection). */
  attempts?: number;
}

/** A notification that could not be delivered, kept for the record. */
export interface NotificationRecord {
  event: string;
  type: string;
  address: string;
  ok: boolean;
  attempts: number;
  error?: string;
  time: number;
  stageRefId?: string;
}

/** An execution of a pipeline, Orca-shaped. */
export interface ExecutionRecord {
  id: string;
  pipeline: string;
  /** Path of the pipeline file, when run from one. */
  pipelineFile?: string;
  status: ExecutionStatus;
  trigger: Record<string, unknown>;
  parameters: Record<string, unknown>;
  buildTime: number;
  startTime?: number;
  endTime?: number;
  canceled: boolean;
  canceledBy?: string;
  cancellationReason?: string;
  stages: StageRecord[];
  notifications: NotificationRecord[];
  /** Ids of inbox commands already applied (so a command is never applied twice). */
  appliedCommands: string[];
}

/** Finds a stage by refId. */
export function stageByRef(record: ExecutionRecord, refId: string): StageRecord | undefined {
  return record.stages.find((s) => s.refId === refId);
}
