import type { Pipeline } from "../model/types.js";
import type { ExpressionSummary, NotificationRecord, StagePhase } from "./record.js";
import type { ExecutionStatus } from "./status.js";

/** Fields every journal event has. `id` sorts by time, then writer counter, then writer. */
export interface EventBase {
  id: string;
  ts: number;
}

export interface ExecutionStartedEvent extends EventBase {
  kind: "execution.started";
  executionId: string;
  pipeline: Pipeline;
  pipelineFile?: string;
  trigger: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

export interface StageStartedEvent extends EventBase {
  kind: "stage.started";
  refId: string;
  context: Record<string, unknown>;
  summary?: ExpressionSummary;
}

export interface StageSkippedEvent extends EventBase {
  kind: "stage.skipped";
  refId: string;
  reason: string;
}

export interface StagePhaseEvent extends EventBase {
  kind: "stage.phase";
  refId: string;
  phase: StagePhase;
  /** Task attempts counter, bumped each time the task is (re)started. */
  attempt?: number;
}

/** A task result that keeps the stage running: merged context/outputs and what it waits for. */
export interface StageUpdatedEvent extends EventBase {
  kind: "stage.updated";
  refId: string;
  context?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  waitingFor?: string;
  summary?: ExpressionSummary;
}

export interface StageCompletedEvent extends EventBase {
  kind: "stage.completed";
  refId: string;
  status: ExecutionStatus;
  context?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: string;
}

/**
 * A person decided that an interrupted stage may run again (`capstan resume --retry`): the stage
 * is NOT_STARTED again, and an execution that had ended is RUNNING again (Orca's restart stage).
 */
export interface StageRestartedEvent extends EventBase {
  kind: "stage.restarted";
  refId: string;
  user: string;
}

export interface JudgmentGivenEvent extends EventBase {
  kind: "judgment.given";
  refId: string;
  judgmentStatus: "continue" | "stop";
  judgmentInput?: string;
  user: string;
  commandId?: string;
}

export interface WindowSkippedEvent extends EventBase {
  kind: "window.skipped";
  refId: string;
  user: string;
  commandId?: string;
}

export interface StageSkipRequestedEvent extends EventBase {
  kind: "stage.skip-requested";
  refId: string;
  user: string;
  commandId?: string;
}

export interface CancelRequestedEvent extends EventBase {
  kind: "execution.cancel-requested";
  user: string;
  reason?: string;
  commandId?: string;
}

export interface ExecutionCompletedEvent extends EventBase {
  kind: "execution.completed";
  status: ExecutionStatus;
}

export interface NotificationEvent extends EventBase {
  kind: "notification.delivered";
  notification: NotificationRecord;
}

/** A command from the inbox that could not be applied (unknown stage, not waiting ...). */
export interface CommandRejectedEvent extends EventBase {
  kind: "command.rejected";
  commandId: string;
  reason: string;
}

export type JournalEvent =
  | ExecutionStartedEvent
  | StageStartedEvent
  | StageSkippedEvent
  | StagePhaseEvent
  | StageUpdatedEvent
  | StageCompletedEvent
  | StageRestartedEvent
  | JudgmentGivenEvent
  | WindowSkippedEvent
  | StageSkipRequestedEvent
  | CancelRequestedEvent
  | ExecutionCompletedEvent
  | NotificationEvent
  | CommandRejectedEvent;

export type JournalEventKind = JournalEvent["kind"];

/** An event before the journal gives it an id and timestamp. */
export type NewEvent = JournalEvent extends infer E
  ? E extends JournalEvent
    ? Omit<E, "id" | "ts">
    : never
  : never;
