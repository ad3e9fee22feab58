import type { Pipeline, Stage } from "../model/types.js";
import type { JournalEvent } from "./events.js";
import type { ExecutionRecord, NotificationRecord, StageRecord } from "./record.js";

// The interfaces through which the engine reaches the world outside it: processes, HTTP,
// judgments, other pipelines, notifications and watchers. `EngineServices` (types.ts) gathers them.

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
  /** The whole request, body included (default 20 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Connect only to these addresses (the ones the URL restrictions checked), never to a new DNS
   * answer for the host (DNS rebinding); the Host header and TLS still use the URL's name.
   */
  addresses?: readonly string[];
  /** Largest response body read (default 10 MiB); a larger one fails the request. */
  maxBodyBytes?: number;
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
