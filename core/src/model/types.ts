import type { Span } from "../diagnostics/diagnostic.js";

/** Where a model node and its fields sit in the source text. */
export interface NodeSource {
  /** The whole node (a map, usually). */
  span: Span;
  /** Key and value spans of each field present in the source. */
  fields: Record<string, { key: Span; value: Span }>;
}

export type OnFailure = "haltPipeline" | "haltBranch" | "haltBranchThenFailPipeline" | "ignore";

export const ON_FAILURE_VALUES: readonly OnFailure[] = [
  "haltPipeline",
  "haltBranch",
  "haltBranchThenFailPipeline",
  "ignore",
];

export type Weekday = "sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat";

export const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export interface WindowRange {
  /** "HH:mm" */
  start: string;
  end: string;
}

/** Spinnaker's restrictedExecutionWindow. */
export interface ExecutionWindow {
  days: Weekday[];
  ranges: WindowRange[];
  /** IANA time zone; UTC when absent. */
  timezone: string;
  jitter?: { minMs: number; maxMs: number; skipManual: boolean };
  source: NodeSource;
}

export interface Parameter {
  name: string;
  description?: string;
  default?: string | number | boolean | null;
  options?: (string | number | boolean)[];
  required: boolean;
  source: NodeSource;
}

export type TriggerType = "manual" | "git" | "cron" | "pipeline" | "docker" | "webhook";

export interface Trigger {
  type: TriggerType;
  /** The trigger's fields as written (branch, expression, pipeline, status, image, tag, paths ...). */
  fields: Record<string, unknown>;
  source: NodeSource;
}

export type NotificationType = "slack" | "webhook" | "github-comment" | "email";

export interface Notification {
  type: NotificationType;
  address: string;
  when: string[];
  /** Message per event; may contain expressions. */
  message: Record<string, string>;
  source: NodeSource;
}

export interface Concurrency {
  limitConcurrent: boolean;
  keepWaitingPipelines: boolean;
}

/**
 * Where a GitHub job runs, as GitHub's `runs-on` takes it: a label, the labels a runner must all
 * have, or a runner group (with or without labels).
 */
export type RunsOn = string | string[] | { group?: string; labels?: string | string[] };

/** Fields every stage has, whatever its type. */
export interface StageCommon<T extends string = string> {
  id: string;
  name: string;
  type: T;
  dependsOn: string[];
  /** Span of each `dependsOn` entry, in the same order. */
  dependsOnSpans: Span[];
  /** The raw `if` expression text (`${ ... }`), when present. */
  if?: string;
  onFailure: OnFailure;
  failOnFailedExpressions: boolean;
  timeoutMs?: number;
  window?: ExecutionWindow;
  notifications: Notification[];
  /** Resume may re-run this stage if it was interrupted (run stages). */
  retryable: boolean;
  /** The runner of the GitHub job running this stage (`capstan compile`), when the stage names one. */
  runsOn?: RunsOn;
  /**
   * The stage as written, as plain data (the type fields included). The engine evaluates
   * expressions in it when the stage starts and hands the result to the stage handler.
   */
  config: Record<string, unknown>;
  /** Index of the stage in the `stages` list. */
  index: number;
  source: NodeSource;
}

/**
 * A stage of any type. The fields of its type (a judgment's `inputs`, a wait's `durationMs` ...)
 * are added by the type's definition (`core/src/stages/<type>/definition.ts`, which also exports
 * the typed interface, e.g. `ManualJudgmentStage`); read them after checking `type` or with `in`.
 */
export type Stage = StageCommon;

/** Any stage, by its common fields. */
export interface GenericStage extends StageCommon<string> {}

/** A pipeline file, typed, with defaults applied and source spans kept. */
export interface Pipeline {
  name: string;
  description?: string;
  parameters: Parameter[];
  triggers: Trigger[];
  concurrency: Concurrency;
  secrets: string[];
  notifications: Notification[];
  /** The runner of the generated GitHub jobs, when the pipeline names one (else ubuntu-latest). */
  runsOn?: RunsOn;
  stages: Stage[];
  /** Pipeline-level settings that don't fit elsewhere (e.g. `expressions.allowUrls`). */
  settings: Record<string, unknown>;
  source: NodeSource;
}
