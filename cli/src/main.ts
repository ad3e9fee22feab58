import { createRequire } from "node:module";
import { didYouMean, LENIENT_MATCH } from "@capstan/core";
import { approveCommand, approveHelp, rejectCommand, rejectHelp } from "./commands/approve.js";
import { canaryCommand, canaryHelp } from "./commands/canary.js";
import { cancelCommand, cancelHelp } from "./commands/cancel.js";
import { compileCommand, compileHelp } from "./commands/compile.js";
import { environmentsCommand, environmentsHelp } from "./commands/environments.js";
import { executionsCommand, executionsHelp } from "./commands/executions.js";
import { graphCommand, graphHelp } from "./commands/graph.js";
import { importCommand, importHelp } from "./commands/import.js";
import { judgeCommand, judgeHelp } from "./commands/judge.js";
import { localCommand, localHelp } from "./commands/local.js";
import { logsCommand, logsHelp } from "./commands/logs.js";
import { resumeCommand, resumeHelp } from "./commands/resume.js";
import { runCommand, runHelp } from "./commands/run.js";
import { skipCommand, skipHelp, skipWindowCommand, skipWindowHelp } from "./commands/skip.js";
import { statusCommand, statusHelp } from "./commands/status.js";
import { validateCommand, validateHelp } from "./commands/validate.js";
import { type CliIo, processIo, UsageError } from "./io.js";

/** A subcommand: its handler and one line for `capstan --help`. */
export interface Command {
  summary: string;
  help: string;
  run: (argv: string[], io: CliIo) => Promise<number>;
}

export const commands: Record<string, Command> = {
  run: { summary: "Run a pipeline on this machine", help: runHelp, run: runCommand },
  resume: { summary: "Continue an execution from its journal", help: resumeHelp, run: resumeCommand },
  judge: { summary: "Give a manual judgment (input or stop)", help: judgeHelp, run: judgeCommand },
  skip: { summary: "Skip the rest of a wait stage", help: skipHelp, run: skipCommand },
  "skip-window": {
    summary: "Release a stage waiting for its window",
    help: skipWindowHelp,
    run: skipWindowCommand,
  },
  cancel: { summary: "Cancel an execution", help: cancelHelp, run: cancelCommand },
  status: { summary: "Show an execution's stages and status", help: statusHelp, run: statusCommand },
  executions: { summary: "List executions", help: executionsHelp, run: executionsCommand },
  logs: { summary: "Print a stage's output (--follow: as it is written)", help: logsHelp, run: logsCommand },
  validate: {
    summary: "Check pipeline files (schema, graph, expressions)",
    help: validateHelp,
    run: validateCommand,
  },
  compile: {
    summary: "Write .github/workflows/capstan-<name>.yml for each pipeline (--check: verify)",
    help: compileHelp,
    run: compileCommand,
  },
  approve: {
    summary: "Approve a judgment a GitHub run waits on, with an input",
    help: approveHelp,
    run: approveCommand,
  },
  reject: { summary: "Reject a judgment a GitHub run waits on", help: rejectHelp, run: rejectCommand },
  environments: {
    summary: "Create the judgments' GitHub environments with required reviewers (sync)",
    help: environmentsHelp,
    run: environmentsCommand,
  },
  graph: {
    summary: "Print a pipeline's stage graph (mermaid, dot, text)",
    help: graphHelp,
    run: graphCommand,
  },
  local: {
    summary: "The local provider's supervisor: up, down, status",
    help: localHelp,
    run: localCommand,
  },
  import: {
    summary: "Convert Spinnaker pipeline JSON to Capstan YAML",
    help: importHelp,
    run: importCommand,
  },
  canary: {
    summary: "Judge a canary offline: Kayenta's NetflixACAJudge on metric set pairs",
    help: canaryHelp,
    run: canaryCommand,
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
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
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
  const command = commands[name];
  if (!command) {
    io.stderr(
      `capstan: unknown command '${name}'.${didYouMean(name, Object.keys(commands), "'", LENIENT_MATCH)}\n\n${usage()}`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(command.help);
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
      io.stderr(
        `capstan ${name}: ${error.path ?? ""}: ${error.code === "ENOENT" ? "no such file" : error.message}\n`,
      );
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
    error instanceof Error && "code" in error && ["ENOENT", "EISDIR", "EACCES"].includes(String(error.code))
  );
}
