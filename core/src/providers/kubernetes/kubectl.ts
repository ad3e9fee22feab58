import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProcessRunner } from "../../engine/ports.js";
import { JsonStreamSplitter } from "./json-stream.js";
import { type KubeObject, kindOf, nameOf, type ObjectRef, refText } from "./manifest.js";

/** What one command printed and how it ended. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program could not be started. */
  error?: string;
}

/** A command that keeps running (a watch). */
export interface StreamingCommand {
  stop(): void;
  exit: Promise<CommandResult>;
}

/** Runs programs; `args[0]` is the program. Injected so tests drive kubectl without a cluster. */
export interface CommandRunner {
  run(args: readonly string[], options?: { stdin?: string; signal?: AbortSignal }): Promise<CommandResult>;
  stream(args: readonly string[], onStdout: (text: string) => void): StreamingCommand;
}

/**
 * A CommandRunner over the engine's ProcessRunner. The engine's processes have no standard input,
 * so `-f -` with `stdin` becomes `-f <a 0600 file in a private temp folder>`, removed afterwards.
 */
export function processCommandRunner(
  processes: ProcessRunner,
  options: { cwd: string; env: Record<string, string>; tmpDir?: string },
): CommandRunner {
  const spawn = (args: readonly string[], onStdout?: (t: string) => void) => {
    let stdout = "";
    let stderr = "";
    const proc = processes.spawn({
      args: [...args],
      cwd: options.cwd,
      env: options.env,
      onOutput(stream, text) {
        if (stream === "stdout") {
          if (onStdout) onStdout(text);
          else stdout += text;
        } else stderr += text;
      },
    });
    const exit = proc.exit.then((e) => ({ code: e.code, stdout, stderr, error: e.error }));
    return { proc, exit };
  };
  return {
    async run(args, opts = {}) {
      let dir: string | undefined;
      let argv = [...args];
      if (opts.stdin !== undefined) {
        dir = mkdtempSync(join(options.tmpDir ?? tmpdir(), "capstan-kubectl-"));
        const file = join(dir, "stdin.json");
        writeFileSync(file, opts.stdin, { mode: 0o600 });
        argv = argv.map((a, i) =>
          a === "-" && (argv[i - 1] === "-f" || argv[i - 1] === "--filename") ? file : a,
        );
      }
      try {
        const { proc, exit } = spawn(argv);
        const onAbort = () => proc.kill("SIGTERM");
        opts.signal?.addEventListener("abort", onAbort, { once: true });
        try {
          return await exit;
        } finally {
          opts.signal?.removeEventListener("abort", onAbort);
        }
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    },
    stream(args, onStdout) {
      const { proc, exit } = spawn(args, onStdout);
      return { stop: () => proc.kill("SIGTERM"), exit };
    },
  };
}

/** A kubectl failure: the command (without credentials) and what kubectl said. */
export class KubectlError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    const said = (result.error ?? result.stderr).trim() || `exit code ${result.code}`;
    super(`kubectl ${args.join(" ")} failed: ${said}`);
  }
  get notFound(): boolean {
    return /\(NotFound\)|not found/i.test(this.result.stderr);
  }
}

/** Where kubectl points: program, kubeconfig, context, default namespace. */
export interface KubectlTarget {
  program?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export type PatchType = "strategic" | "merge" | "json";

/** How `apply` sends the object (strategy.spinnaker.io/* annotations). */
export type DeployMode =
  | { kind: "apply" }
  | { kind: "server-side"; forceConflicts: boolean }
  | { kind: "replace" }
  | { kind: "recreate" }
  | { kind: "create" };

/** Cascade policy of a delete; absent means kubectl's default. */
export type Cascade = "background" | "foreground" | "orphan";

/** The argument lists clouddriver's KubectlJobExecutor builds, after the global flags. */
export const kubectlArgs = {
  apply: (mode: DeployMode): string[] => {
    switch (mode.kind) {
      case "server-side":
        return [
          "apply",
          "--server-side=true",
          ...(mode.forceConflicts ? ["--force-conflicts=true"] : []),
          "-o",
          "json",
          "-f",
          "-",
        ];
      case "replace":
        return ["replace", "-o", "json", "-f", "-"];
      case "create":
        return ["create", "-o", "json", "-f", "-"];
      default:
        return ["apply", "-o", "json", "-f", "-"];
    }
  },
  delete: (
    target: { ref: ObjectRef } | { kinds: string[]; labelSelector: string },
    options: { cascade?: Cascade; gracePeriodSeconds?: number } = {},
  ): string[] => [
    "delete",
    ...("ref" in target ? [refText(target.ref)] : [target.kinds.join(","), "-l", target.labelSelector]),
    "--ignore-not-found=true",
    ...(options.cascade ? [`--cascade=${options.cascade}`] : []),
    ...(options.gracePeriodSeconds !== undefined ? [`--grace-period=${options.gracePeriodSeconds}`] : []),
  ],
  scale: (ref: ObjectRef, replicas: number): string[] => ["scale", refText(ref), `--replicas=${replicas}`],
  rolloutHistory: (ref: ObjectRef): string[] => ["rollout", "history", refText(ref)],
  rolloutUndo: (ref: ObjectRef, revision: number): string[] => [
    "rollout",
    "undo",
    refText(ref),
    `--to-revision=${revision}`,
  ],
  rolloutRestart: (ref: ObjectRef): string[] => ["rollout", "restart", refText(ref)],
  patch: (ref: ObjectRef, type: PatchType, patch: unknown, record: boolean): string[] => [
    "patch",
    refText(ref),
    ...(record ? ["--record"] : []),
    "--type",
    type,
    "--patch",
    JSON.stringify(patch),
  ],
  get: (ref: ObjectRef): string[] => ["get", refText(ref), "-o", "json", "--ignore-not-found=true"],
  list: (kinds: readonly string[], labelSelector?: string): string[] => [
    "get",
    kinds.join(","),
    ...(labelSelector ? ["-l", labelSelector] : []),
    "-o",
    "json",
  ],
  watch: (ref: ObjectRef, watchOnly: boolean): string[] => [
    "get",
    refText(ref),
    watchOnly ? "--watch-only" : "-w",
    "-o",
    "json",
  ],
  events: (): string[] => ["get", "events", "-o", "json"],
  logs: (ref: ObjectRef): string[] => ["logs", refText(ref), "--all-containers=true", "--prefix=false"],
};

/** Parsed rollout history: the revision numbers, ascending (first column of lines 3 onward). */
export function parseRolloutHistory(text: string): number[] {
  return text
    .split("\n")
    .slice(2)
    .map((line) => Number.parseInt(line.trim().split(/\s+/)[0] ?? "", 10))
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
}

/** One line of the stage log per kubectl call. */
export type CommandLog = (line: string) => void;

/** kubectl for one account: every call adds the account's kubeconfig, context and namespace. */
export class Kubectl {
  constructor(
    private readonly runner: CommandRunner,
    readonly target: KubectlTarget,
    private readonly log: CommandLog = () => undefined,
    private readonly signal?: AbortSignal,
  ) {}

  /** Global flags: --kubeconfig, --context, --namespace. */
  globalArgs(namespace?: string): string[] {
    const t = this.target;
    const ns = namespace ?? t.namespace;
    return [
      ...(t.kubeconfig ? [`--kubeconfig=${t.kubeconfig}`] : []),
      ...(t.context ? [`--context=${t.context}`] : []),
      ...(ns ? [`--namespace=${ns}`] : []),
    ];
  }

  private shown(args: readonly string[]): string[] {
    // The patch body and the kubeconfig path are shown; nothing secret is ever on the command line.
    return args.map((a) => (a.length > 200 ? `${a.slice(0, 200)}…` : a));
  }

  async exec(args: readonly string[], namespace?: string, stdin?: string): Promise<CommandResult> {
    const full = [...this.globalArgs(namespace), ...args];
    const reads = args[0] === "get" || args[0] === "logs" || (args[0] === "rollout" && args[1] === "history");
    if (!reads) this.log(`$ kubectl ${this.shown(full).join(" ")}`);
    const result = await this.runner.run([this.target.program ?? "kubectl", ...full], {
      stdin,
      signal: this.signal,
    });
    if (result.code !== 0 || result.error) throw new KubectlError(full, result);
    return result;
  }

  private async json(args: readonly string[], namespace?: string, stdin?: string): Promise<unknown> {
    const r = await this.exec(args, namespace, stdin);
    const text = r.stdout.trim();
    if (text === "") return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`kubectl ${args.join(" ")} printed no JSON: ${text.slice(0, 300)}`);
    }
  }

  /** Applies (or replaces, creates, server-side applies) one object; returns it as the server has it. */
  async deploy(manifest: KubeObject, mode: DeployMode): Promise<KubeObject> {
    const ns = typeof manifest.metadata?.namespace === "string" ? manifest.metadata.namespace : undefined;
    const body = JSON.stringify(manifest);
    if (mode.kind === "recreate") {
      await this.exec(
        kubectlArgs.delete({ ref: { kind: kindOf(manifest), name: nameOf(manifest), namespace: ns } }),
        ns,
      ).catch(() => undefined);
      return (await this.json(kubectlArgs.apply({ kind: "apply" }), ns, body)) as KubeObject;
    }
    if (mode.kind === "replace") {
      const existing = await this.get({ kind: kindOf(manifest), name: nameOf(manifest), namespace: ns });
      if (!existing) return (await this.json(kubectlArgs.apply({ kind: "create" }), ns, body)) as KubeObject;
    }
    return (await this.json(kubectlArgs.apply(mode), ns, body)) as KubeObject;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return (await this.json(kubectlArgs.get(ref), ref.namespace)) as KubeObject | undefined;
  }

  async list(kinds: readonly string[], namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const out = (await this.json(kubectlArgs.list(kinds, labelSelector), namespace)) as
      | { items?: KubeObject[] }
      | undefined;
    return out?.items ?? [];
  }

  async delete(
    target: { ref: ObjectRef } | { kinds: string[]; labelSelector: string; namespace?: string },
    options: { cascade?: Cascade; gracePeriodSeconds?: number } = {},
  ): Promise<string> {
    const ns = "ref" in target ? target.ref.namespace : target.namespace;
    return (await this.exec(kubectlArgs.delete(target, options), ns)).stdout;
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    await this.exec(kubectlArgs.scale(ref, replicas), ref.namespace);
  }

  async rolloutHistory(ref: ObjectRef): Promise<number[]> {
    return parseRolloutHistory((await this.exec(kubectlArgs.rolloutHistory(ref), ref.namespace)).stdout);
  }

  async rolloutUndo(ref: ObjectRef, revision: number): Promise<void> {
    await this.exec(kubectlArgs.rolloutUndo(ref, revision), ref.namespace);
  }

  async rolloutRestart(ref: ObjectRef): Promise<void> {
    await this.exec(kubectlArgs.rolloutRestart(ref), ref.namespace);
  }

  async patch(ref: ObjectRef, type: PatchType, patch: unknown, record = false): Promise<void> {
    await this.exec(kubectlArgs.patch(ref, type, patch, record), ref.namespace);
  }

  /**
   * Events about an object and what it owns by name (a Deployment's ReplicaSets `web-5d4f…` and
   * their pods), oldest first: what explains a failed rollout.
   */
  async events(ref: ObjectRef): Promise<KubeObject[]> {
    const out = (await this.json(kubectlArgs.events(), ref.namespace).catch(() => undefined)) as
      | { items?: KubeObject[] }
      | undefined;
    const time = (e: KubeObject) =>
      Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? "")) || 0;
    return (out?.items ?? [])
      .filter((e) => {
        const name = String((e.involvedObject as { name?: unknown } | undefined)?.name ?? "");
        return name === ref.name || name.startsWith(`${ref.name}-`);
      })
      .sort((a, b) => time(a) - time(b));
  }

  async logs(ref: ObjectRef): Promise<string> {
    return (await this.exec(kubectlArgs.logs(ref), ref.namespace)).stdout;
  }

  /** Watches one object: `onObject` gets every version kubectl prints (the current one first). */
  watch(ref: ObjectRef, onObject: (object: KubeObject) => void): StreamingCommand {
    const args = [...this.globalArgs(ref.namespace), ...kubectlArgs.watch(ref, false)];
    const splitter = new JsonStreamSplitter((value) => onObject(value as KubeObject));
    return this.runner.stream([this.target.program ?? "kubectl", ...args], (text) => splitter.push(text));
  }
}
