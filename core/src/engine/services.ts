import type { Pipeline, Stage } from "../model/types.js";
import type { ProviderServices } from "../providers/services.js";
import type { Clock } from "./clock.js";
import type { JournalEvent } from "./events.js";
import type { ExpressionEvaluator } from "./expressions.js";
import type { StageRegistry } from "./handler.js";
import type { ExecutionRecord, NotificationRecord, StageRecord } from "./record.js";
import type { StateStore } from "./state-store.js";

/** A process to run on this machine (the `run` stage). */
export interface ProcessSpec {
  /** Shell command text, run with `shell` (default `sh -c` / `cmd /c`). */
  command?: string;
  /** Program and arguments, run without a shell. */
  args?: string[];
  shell?: string;
  cwd: string;
  env: Record<string, string>;
  onOutput(stream: "stdout" | "stderr", text: string): void;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

export interface RunningProcess {
  pid?: number;
  exit: Promise<ProcessExit>;
  kill(signal?: NodeJS.Signals): void;
}

export interface ProcessRunner {
  spawn(spec: ProcessSpec): RunningProcess;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A transport failure, classified as Orca's webhook tasks need. */
export class HttpTransportError extends Error {
  constructor(
    readonly kind: "unknown-host" | "timeout" | "refused" | "other",
    message: string,
  ) {
    super(message);
  }
}

export interface HttpClient {
  /** Resolves with any HTTP status; rejects with HttpTransportError on transport failure. */
  request(request: HttpRequest): Promise<HttpResponse>;
  /** The addresses a host name resolves to (for the URL restrictions). */
  lookup?(hostname: string): Promise<string[]>;
}

/** A manual judgment waiting for someone. */
export interface JudgmentRequest {
  executionId: string;
  refId: string;
  stageName: string;
  instructions?: string;
  inputs: string[];
  signal: AbortSignal;
}

/** `stop`, or continue with an input. `user` is who judged. */
export type JudgmentAnswer =
  | { kind: "continue"; input?: string; user: string }
  | { kind: "stop"; user: string };

/**
 * Where judgments come from: the CLI prompt, `--judge` answers, a GitHub gate. A gateway that has
 * no answer resolves `undefined`; judgments can still arrive as commands (`capstan judge`).
 */
export interface JudgmentGateway {
  request(request: JudgmentRequest): Promise<JudgmentAnswer | undefined>;
}

/** Finds another pipeline of the repository by name (the `pipeline` stage). */
export interface PipelineResolver {
  resolve(name: string): { pipeline: Pipeline; file?: string } | { error: string };
}

/** Sends notifications; never throws; returns what happened to each delivery. */
export interface Notifier {
  send(request: {
    event: string;
    execution: ExecutionRecord;
    pipeline: Pipeline;
    stage?: StageRecord;
    stageModel?: Stage;
    /** Evaluates a message template in the right scope. */
    render(text: string): string;
  }): Promise<NotificationRecord[]>;
}

/** Watches an execution as it runs (the CLI's live view). */
export interface ExecutionObserver {
  onEvent?(event: JournalEvent, record: ExecutionRecord): void;
  onLog?(refId: string, text: string): void;
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
