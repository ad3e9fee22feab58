import type { Stage } from "../model/types.js";
import type { JournalEvent, JournalEventKind } from "./events.js";
import type { ExecutionRecord, ExpressionSummary, StageRecord } from "./record.js";

type Reducer<K extends JournalEventKind> = (
  record: ExecutionRecord,
  event: Extract<JournalEvent, { kind: K }>,
) => void;

function mergeSummary(stage: StageRecord, summary: ExpressionSummary | undefined): void {
  if (!summary || Object.keys(summary).length === 0) return;
  if (!stage.expressionEvaluationSummary) stage.expressionEvaluationSummary = {};
  const target = stage.expressionEvaluationSummary;
  for (const [expr, entries] of Object.entries(summary)) target[expr] = [...(target[expr] ?? []), ...entries];
}

/** refId index per stages array, so folding a journal stays linear in big pipelines. */
const indexes = new WeakMap<StageRecord[], Map<string, StageRecord>>();

function stageOf(record: ExecutionRecord, refId: string): StageRecord | undefined {
  let index = indexes.get(record.stages);
  if (!index) {
    index = new Map(record.stages.map((s) => [s.refId, s]));
    indexes.set(record.stages, index);
  }
  return index.get(refId);
}

function newStage(executionId: string, stage: Stage): StageRecord {
  return {
    refId: stage.id,
    id: `${executionId}-${stage.id}`,
    name: stage.name,
    type: stage.type,
    dependsOn: [...stage.dependsOn],
    status: "NOT_STARTED",
    // Maps without a prototype: a key named `__proto__` or `constructor` is an ordinary key.
    context: Object.create(null),
    outputs: Object.create(null),
  };
}

function noteCommand(record: ExecutionRecord, commandId: string | undefined): void {
  if (commandId && !record.appliedCommands.includes(commandId)) record.appliedCommands.push(commandId);
}

/** One reducer per event kind; each folds its event into the record in place. */
const reducers: { [K in JournalEventKind]: Reducer<K> } = {
  "execution.started": (record, e) => {
    record.id = e.executionId;
    record.pipeline = e.pipeline.name;
    if (e.pipelineFile) record.pipelineFile = e.pipelineFile;
    record.trigger = e.trigger;
    record.parameters = e.parameters;
    record.status = "RUNNING";
    record.startTime = e.ts;
    record.stages = e.pipeline.stages.map((s) => newStage(e.executionId, s));
  },
  "stage.started": (record, e) => {
    const stage = stageOf(record, e.refId);
    if (!stage) return;
    stage.status = "RUNNING";
    stage.startTime = e.ts;
    stage.context = Object.assign(Object.create(null), e.context);
    mergeSummary(stage, e.summary);
  },
  "stage.skipped": (record, e) => {
    const stage = stageOf(record, e.refId);
    if (!stage) return;
    stage.status = "SKIPPED";
    stage.startTime ??= e.ts;
    stage.endTime = e.ts;
    stage.error = e.reason;
  },
  "stage.phase": (record, e) => {
    const stage = stageOf(record, e.refId);
    if (!stage) return;
    // Window and jitter time both count as window time, excluded from the stage timeout.
    if (e.phase === "window" && stage.windowStartTime === undefined) stage.windowStartTime = e.ts;
    if (e.phase === "task") {
      if (stage.windowStartTime !== undefined)
        stage.windowMs = (stage.windowMs ?? 0) + (e.ts - stage.windowStartTime);
      stage.windowStartTime = undefined;
      stage.taskStartTime = e.ts;
      stage.attempts = e.attempt ?? (stage.attempts ?? 0) + 1;
    }
    stage.phase = e.phase;
    stage.waitingFor = undefined;
  },
  "stage.updated": (record, e) => {
    const stage = stageOf(record, e.refId);
    if (!stage) return;
    if (e.context) Object.assign(stage.context, e.context);
    if (e.outputs) Object.assign(stage.outputs, e.outputs);
    if (e.waitingFor !== undefined) stage.waitingFor = e.waitingFor || undefined;
    mergeSummary(stage, e.summary);
  },
  "stage.completed": (record, e) => {
    const stage = stageOf(record, e.refId);
    if (!stage) return;
    if (stage.windowStartTime !== undefined)
      stage.windowMs = (stage.windowMs ?? 0) + (e.ts - stage.windowStartTime);
    if (e.context) Object.assign(stage.context, e.context);
    if (e.outputs) Object.assign(stage.outputs, e.outputs);
    stage.status = e.status;
    stage.startTime ??= e.ts;
    stage.endTime = e.ts;
    if (e.error) stage.error = e.error;
    stage.phase = undefined;
    stage.windowStartTime = undefined;
    stage.waitingFor = undefined;
  },
  "stage.restarted": (record, e) => {
    const stage = stageOf(record, e.refId);
    if (!stage) return;
    // As new, but for the attempts counter (a run stage's files are per attempt).
    Object.assign(stage, {
      status: "NOT_STARTED",
      context: Object.create(null),
      outputs: Object.create(null),
    });
    for (const key of ["startTime", "endTime", "error", "phase", "taskStartTime", "waitingFor"] as const)
      delete stage[key];
    delete stage.expressionEvaluationSummary;
    delete stage.windowMs;
    delete stage.windowStartTime;
    if (record.status !== "RUNNING" && record.status !== "NOT_STARTED" && !record.canceled) {
      record.status = "RUNNING";
      delete record.endTime;
    }
  },
  "judgment.given": (record, e) => {
    noteCommand(record, e.commandId);
    const stage = stageOf(record, e.refId);
    if (!stage) return;
    stage.context.judgmentStatus = e.judgmentStatus;
    if (e.judgmentInput !== undefined) stage.context.judgmentInput = e.judgmentInput;
    stage.context.lastModifiedBy = e.user;
  },
  "window.skipped": (record, e) => {
    noteCommand(record, e.commandId);
    const stage = stageOf(record, e.refId);
    // Orca keeps this on the synthetic window stage; ours has its own key so a wait stage's own wait still runs.
    if (stage) stage.context.skipWindow = true;
  },
  "stage.skip-requested": (record, e) => {
    noteCommand(record, e.commandId);
    const stage = stageOf(record, e.refId);
    if (stage) {
      stage.context.skipRemainingWait = true;
    }
  },
  "execution.cancel-requested": (record, e) => {
    noteCommand(record, e.commandId);
    record.canceled = true;
    record.canceledBy = e.user;
    if (e.reason) record.cancellationReason = e.reason;
  },
  "execution.completed": (record, e) => {
    record.status = e.status;
    record.endTime = e.ts;
  },
  "notification.delivered": (record, e) => {
    record.notifications.push(e.notification);
  },
  "command.rejected": (record, e) => {
    noteCommand(record, e.commandId);
  },
};

/** An empty record, before `execution.started`. */
export function emptyRecord(): ExecutionRecord {
  return {
    id: "",
    pipeline: "",
    status: "NOT_STARTED",
    trigger: {},
    parameters: {},
    buildTime: 0,
    canceled: false,
    stages: [],
    notifications: [],
    appliedCommands: [],
  };
}

/** Folds one event into the record (in place). */
export function applyEvent(record: ExecutionRecord, event: JournalEvent): void {
  if (record.buildTime === 0) record.buildTime = event.ts;
  (reducers[event.kind] as Reducer<JournalEventKind>)(record, event as never);
}

/** The execution record: a pure fold of the journal. */
export function foldJournal(events: readonly JournalEvent[]): ExecutionRecord {
  const record = emptyRecord();
  for (const event of events) applyEvent(record, event);
  return record;
}
