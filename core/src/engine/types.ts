import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Pipeline, Stage } from "../model/types.js";
import type { ProviderServices } from "../providers/services.js";
import type { Clock } from "./clock.js";
import type { NewCommand } from "./commands.js";
import type { ConditionResult, ExpressionEvaluator } from "./expressions.js";
import type {
  ExecutionObserver,
  HttpClient,
  JudgmentGateway,
  Notifier,
  PipelineResolver,
  ProcessRunner,
} from "./ports.js";
import type { ExecutionRecord, ExpressionSummary, StageRecord } from "./record.js";
import type { StateStore } from "./state-store.js";

// The contract between the engine and the stage types, in one module because its parts refer to
// each other: a handler gets a StageContext, whose `services` hold the StageRegistry of handlers.
// Split over handler.ts and services.ts (as it was) the two imported each other; both now
// re-export from here, so every name stays importable from its old path.

/** What a task reports: keep running (poll again), or an end status. */
export type TaskResult =
  | {
      status: "RUNNING";
      /** Poll again after this delay; absent = only when the handler calls `wake()`. */
      pollAfterMs?: number;
      /** Shown while running: "judgment", "HTTP 202 from ...", "exit of pid 123". */
      waitingFor?: string;
      context?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
      /** Expression failures met by the task (evaluateVariables, preconditions). */
      summary?: ExpressionSummary;
    }
  | {
      status: "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "STOPPED" | "SKIPPED";
      context?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
      /** Why it failed; recorded as the stage's `error`. */
      error?: string;
      summary?: ExpressionSummary;
    };

/** What a cancel handler may record about the state it left. */
export interface CancelResult {
  context?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** What a stage handler gets on each call. */
export interface StageContext {
  readonly execution: ExecutionRecord;
  /** The stage's record; `context` holds the evaluated config plus what tasks added. */
  readonly stage: StageRecord;
  readonly model: Stage;
  readonly pipeline: Pipeline;
  readonly services: EngineServices;
  /** Aborted when the stage is canceled or times out. */
  readonly signal: AbortSignal;
  now(): number;
  /** Asks the engine to poll this stage now (e.g. a process exited). */
  wake(): void;
  /** Appends output to the stage's log (shown live, kept in the state dir). */
  log(text: string): void;
  /** Evaluates a condition in this stage's scope. */
  evaluateCondition(text: string, extraRoot?: Record<string, unknown>): ConditionResult;
  /** Evaluates expressions in a value in this stage's scope. */
  evaluateTree(
    value: unknown,
    extraRoot?: Record<string, unknown>,
  ): { value: unknown; summary: ExpressionSummary; pendingUrls?: string[] };
  /** Fetches URLs that URL functions asked for (`pendingUrls`), so the next evaluation has them. */
  fetchUrls(urls: readonly string[]): Promise<void>;
  /** Records a command as if it came from the inbox (a judgment from the gateway ...). */
  command(command: NewCommand): void;
  /** Sends a stage-level notification (`judgment.awaiting`, `judgment.continue` ...). */
  notify(event: string): void;
  /** Marks a promise as outside work the virtual clock must wait for (a prompt, a child execution). */
  external<T>(promise: Promise<T>): Promise<T>;
  /** Work the execution's `run()` must wait for before returning, even after the stage ends. */
  keepAlive(promise: Promise<unknown>): void;
}

/** One stage type: how to start, poll and cancel it. Registered once in `core/src/stages/index.ts`. */
export interface StageHandler {
  type: string;
  /** Config fields the engine must not evaluate at stage start (the handler evaluates them itself). */
  deferredFields?: readonly string[];
  /** Task time limit when the stage sets no `timeout` (Orca's task timeouts). */
  defaultTimeoutMs?: number;
  /**
   * start/poll have no effect outside the engine (wait, evaluateVariables ...), so the journal may
   * be written after them in one batch instead of before each call. A function decides per stage
   * (checkPreconditions is pure unless it asks a provider).
   */
  pure?: boolean | ((stage: StageRecord) => boolean);
  /** `capstan skip` may end it early. */
  skippable?: boolean;
  start(ctx: StageContext): TaskResult | Promise<TaskResult>;
  poll?(ctx: StageContext): TaskResult | Promise<TaskResult>;
  /** Called instead of `poll` for a stage found running when an execution is resumed. */
  resume?(ctx: StageContext): TaskResult | Promise<TaskResult>;
  /**
   * Best-effort cleanup when the stage is canceled or times out. What it returns is merged into
   * the (already CANCELED) stage's context and outputs, so the record shows what was left behind.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: most cancel handlers return nothing (Promise<void>).
  cancel?(ctx: StageContext): void | CancelResult | Promise<void | CancelResult>;
  /** Static checks of the stage's own fields, run by validation. */
  check?(stage: Stage, pipeline: Pipeline): Diagnostic[];
}

/** The stage types the engine can run, by type name. */
export class StageRegistry {
  private readonly handlers = new Map<string, StageHandler>();

  constructor(handlers: readonly StageHandler[] = []) {
    for (const h of handlers) this.register(h);
  }

  register(handler: StageHandler): this {
    this.handlers.set(handler.type, handler);
    return this;
  }

  get(type: string): StageHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}

/** Everything the engine takes from the outside world. */
export interface EngineServices {
  clock: Clock;
  random: () => number;
  store: StateStore;
  registry: StageRegistry;
  expressions: ExpressionEvaluator;
  processes?: ProcessRunner;
  http?: HttpClient;
  judgments?: JudgmentGateway;
  pipelines?: PipelineResolver;
  notifier?: Notifier;
  observer?: ExecutionObserver;
  /** Working directory for `run` stages (the repository root). */
  workingDirectory?: string;
  /** Environment passed to `run` stages. */
  env?: Record<string, string>;
  /** Secret values by name (only declared ones are exposed). */
  secrets?: Record<string, string>;
  /** Who runs the pipeline (trigger.user, judgments given at the prompt). */
  user?: string;
  /**
   * Lets webhook URLs (and URL helpers) reach loopback addresses. Off by default, as in Orca;
   * tests against a local server turn it on explicitly.
   */
  allowLoopbackUrls?: boolean;
  /** Writer id for event ids; random when absent. */
  writerId?: string;
  /** Providers for server-group stages and clusterSize preconditions (the CLI passes the local one). */
  providers?: ProviderServices;
}
