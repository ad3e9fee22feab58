import { createRequire } from "node:module";
import { type CliIo, processIo, UsageError } from "./io.js";
import { terminalSafe } from "./terminal-text.js";

/** A subcommand: its handler and one line for `capstan --help`. */
export interface Command {
  summary: string;
  /** What `capstan <command> --help` prints, or a function that loads it (see `lazy`). */
  help: string | (() => Promise<string>);
  run: (argv: string[], io: CliIo) => Promise<number>;
}

type Lazy<T> = T extends (...args: infer A) => Promise<infer R>
  ? (...args: A) => Promise<R>
  : () => Promise<T>;

/**
 * An export of a command's module, loaded when first used, so that `capstan --help` loads no
 * command and each command only its own modules: `run: lazy(() => import("./commands/x.js"),
 * "xCommand")` (a function export is called with the arguments), `help: lazy(..., "xHelp")`.
 */
export function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): Lazy<M[K]> {
  return ((...args: unknown[]) =>
    load().then((m) => {
      const value = m[name];
      return typeof value === "function" ? value(...args) : value;
    })) as Lazy<M[K]>;
}

export const commands: Record<string, Command> = {
  run: {
    summary: "Run a pipeline on this machine",
    help: lazy(() => import("./commands/run.js"), "runHelp"),
    run: lazy(() => import("./commands/run.js"), "runCommand"),
  },
  resume: {
    summary: "Continue an execution from its journal",
    help: lazy(() => import("./commands/resume.js"), "resumeHelp"),
    run: lazy(() => import("./commands/resume.js"), "resumeCommand"),
  },
  judge: {
    summary: "Give a manual judgment (input or stop)",
    help: lazy(() => import("./commands/judge.js"), "judgeHelp"),
    run: lazy(() => import("./commands/judge.js"), "judgeCommand"),
  },
  skip: {
    summary: "Skip the rest of a wait stage",
    help: lazy(() => import("./commands/skip.js"), "skipHelp"),
    run: lazy(() => import("./commands/skip.js"), "skipCommand"),
  },
  "skip-window": {
    summary: "Release a stage waiting for its window",
    help: lazy(() => import("./commands/skip.js"), "skipWindowHelp"),
    run: lazy(() => import("./commands/skip.js"), "skipWindowCommand"),
  },
  cancel: {
    summary: "Cancel an execution",
    help: lazy(() => import("./commands/cancel.js"), "cancelHelp"),
    run: lazy(() => import("./commands/cancel.js"), "cancelCommand"),
  },
  status: {
    summary: "Show an execution's stages and status",
    help: lazy(() => import("./commands/status.js"), "statusHelp"),
    run: lazy(() => import("./commands/status.js"), "statusCommand"),
  },
  executions: {
    summary: "List executions",
    help: lazy(() => import("./commands/executions.js"), "executionsHelp"),
    run: lazy(() => import("./commands/executions.js"), "executionsCommand"),
  },
  logs: {
    summary: "Print a stage's output (--follow: as it is written)",
    help: lazy(() => import("./commands/logs.js"), "logsHelp"),
    run: lazy(() => import("./commands/logs.js"), "logsCommand"),
  },
  validate: {
    summary: "Check pipeline files (schema, graph, expressions)",
    help: lazy(() => import("./commands/validate.js"), "validateHelp"),
    run: lazy(() => import("./commands/validate.js"), "validateCommand"),
  },
  compile: {
    summary: "Write .github/workflows/capstan-<name>.yml for each pipeline (--check: verify)",
    help: lazy(() => import("./commands/compile.js"), "compileHelp"),
    run: lazy(() => import("./commands/compile.js"), "compileCommand"),
  },
  approve: {
    summary: "Approve a judgment a GitHub run waits on, with an input",
    help: lazy(() => import("./commands/approve.js"), "approveHelp"),
    run: lazy(() => import("./commands/approve.js"), "approveCommand"),
  },
  reject: {
    summary: "Reject a judgment a GitHub run waits on",
    help: lazy(() => import("./commands/approve.js"), "rejectHelp"),
    run: lazy(() => import("./commands/approve.js"), "rejectCommand"),
  },
  environments: {
    summary: "Create the judgments' GitHub environments with required reviewers (sync)",
    help: lazy(() => import("./commands/environments.js"), "environmentsHelp"),
    run: lazy(() => import("./commands/environments.js"), "environmentsCommand"),
  },
  graph: {
    summary: "Print a pipeline's stage graph (mermaid, dot, text)",
    help: lazy(() => import("./commands/graph.js"), "graphHelp"),
    run: lazy(() => import("./commands/graph.js"), "graphCommand"),
  },
  local: {
    summary: "The local provider's supervisor: up, down, status",
    help: lazy(() => import("./commands/local.js"), "localHelp"),
    run: lazy(() => import("./commands/local.js"), "localCommand"),
  },
  import: {
    summary: "Convert Spinnaker pipeline JSON to Capstan YAML",
    help: lazy(() => import("./commands/import.js"), "importHelp"),
    run: lazy(() => import("./commands/import.js"), "importCommand"),
  },
  canary: {
    summary: "Judge a canary offline: Kayenta's NetflixACAJudge on metric set pairs",
    help: lazy(() => import("./commands/canary.js"), "canaryHelp"),
    run: lazy(() => import("./commands/canary.js"), "canaryCommand"),
  },
};

function version(): string {
  const pkg = createRequire(import.meta.url)("../package.json") as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `capstan ${version()}: Spinnaker-style delivery pipelines as code.

Usage: capstan <command> [options]

Commands:
${lines.join("\n")}

Run 'capstan <command> --help' for a command's options.
`;
}

/** Runs the CLI with the given arguments; returns the exit status. */
export async function main(argv: string[], given: CliIo = processIo()): Promise<number> {
  // Nothing printed may drive the terminal: names, errors and output are data (terminal-text.ts).
  const io: CliIo = {
    ...given,
    stdout: (text) => given.stdout(terminalSafe(text)),
    stderr: (text) => given.stderr(terminalSafe(text)),
  };
  const [name, ...rest] = argv;
  if (name === undefined) {
    // Nothing to do is a usage error (a script that forgot its command must not pass).
    io.stderr(usage());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return 0;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    const { didYouMean, LENIENT_MATCH } = await import("@capstan/core");
    io.stderr(
      `capstan: unknown command '${name}'.${didYouMean(name, Object.keys(commands), "'", LENIENT_MATCH)}\n\n${usage()}`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(typeof command.help === "string" ? command.help : await command.help());
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isArgsError(error)) {
      io.stderr(`capstan ${name}: ${(error as Error).message}\n`);
      return 2;
    }
    if (isFileError(error)) {
      io.stderr(`capstan ${name}: ${error.path ? `${error.path}: ` : ""}${await fileErrorWords(error)}\n`);
      return 2;
    }
    throw error;
  }
}

function isArgsError(error: unknown): boolean {
  return error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS");
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    "code" in error &&
    ["ENOENT", "EISDIR", "EACCES", "EPERM", "ELOOP", "ENAMETOOLONG", "ENOTDIR"].includes(String(error.code))
  );
}

/** The error in words: a symlink loop or a name too long is not "no such file". */
async function fileErrorWords(error: NodeJS.ErrnoException): Promise<string> {
  if (error.code === "EISDIR") return "a directory was given where a file is needed";
  const { fileErrorText } = await import("@capstan/core");
  return fileErrorText(error);
}
