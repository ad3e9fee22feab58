import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import type { ExecutionRecord } from "../../engine/record.js";
import type { ProcessExit, RunningProcess } from "../../engine/services.js";
import { stageProblem } from "../checks.js";
import { parseOutputFile } from "./output-file.js";

interface LiveProcess {
  process: RunningProcess;
  outputFile: string;
  exit?: ProcessExit;
}

/** Processes started by this engine instance, per execution (a record object belongs to one runner). */
const live = new WeakMap<ExecutionRecord, Map<string, LiveProcess>>();

function processesOf(ctx: StageContext): Map<string, LiveProcess> {
  const map = live.get(ctx.execution) ?? new Map<string, LiveProcess>();
  live.set(ctx.execution, map);
  return map;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

function start(ctx: StageContext): TaskResult {
  const c = ctx.stage.context;
  const runner = ctx.services.processes;
  if (!runner)
    return {
      status: "TERMINAL",
      error: "run stages need a process runner, and none was given to the engine",
    };
  const command = typeof c.command === "string" ? c.command : undefined;
  const args = Array.isArray(c.args) ? c.args.map(String) : undefined;
  if (!command && !args?.length) return { status: "TERMINAL", error: "run stage needs 'command' or 'args'" };
  const base = ctx.services.workingDirectory ?? process.cwd();
  const cwd = typeof c.workingDirectory === "string" ? path.resolve(base, c.workingDirectory) : base;
  const outputFile = path.join(
    os.tmpdir(),
    `capstan-output-${ctx.execution.id}-${ctx.stage.refId.replace(/[^A-Za-z0-9._-]/g, "_")}-${ctx.stage.attempts ?? 1}`,
  );
  fs.rmSync(outputFile, { force: true });
  const env = {
    ...(ctx.services.env ?? {}),
    ...stringMap(c.env),
    CAPSTAN_OUTPUT: outputFile,
    CAPSTAN_EXECUTION_ID: ctx.execution.id,
    CAPSTAN_STAGE_ID: ctx.stage.refId,
  };
  const proc = runner.spawn({
    command,
    args,
    // The format's default shell is bash (as on GitHub runners).
    shell: args?.length ? undefined : typeof c.shell === "string" ? c.shell : "bash",
    cwd,
    env,
    onOutput: (_stream, text) => ctx.log(text),
  });
  const entry: LiveProcess = { process: proc, outputFile };
  processesOf(ctx).set(ctx.stage.refId, entry);
  void proc.exit.then((exit) => {
    entry.exit = exit;
    ctx.wake();
  });
  return {
    status: "RUNNING",
    waitingFor: `command${proc.pid ? ` (pid ${proc.pid})` : ""}`,
    context: { pid: proc.pid ?? null },
  };
}

function poll(ctx: StageContext): TaskResult {
  const entry = processesOf(ctx).get(ctx.stage.refId);
  if (!entry) return interrupted(ctx);
  if (!entry.exit) return { status: "RUNNING", waitingFor: String(ctx.stage.waitingFor ?? "command") };
  processesOf(ctx).delete(ctx.stage.refId);
  const { code, signal, error } = entry.exit;
  let text = "";
  try {
    text = fs.readFileSync(entry.outputFile, "utf8");
    fs.rmSync(entry.outputFile, { force: true });
  } catch {
    text = "";
  }
  const parsed = parseOutputFile(text);
  const outputs = "outputs" in parsed ? parsed.outputs : {};
  const context = { exitCode: code, ...(signal ? { signal } : {}) };
  if (error) return { status: "TERMINAL", error: `could not start the command: ${error}`, context };
  if ("error" in parsed) return { status: "TERMINAL", error: parsed.error, context };
  if (code === 0) return { status: "SUCCEEDED", outputs, context };
  return {
    status: "TERMINAL",
    error: signal ? `the command was killed by ${signal}` : `the command exited with code ${code}`,
    outputs,
    context,
  };
}

/**
 * After a crash the process is gone and its result unknown: a stage that says `retryable: true`
 * runs again; any other is TERMINAL, because running a command twice may not be safe.
 */
function interrupted(ctx: StageContext): TaskResult {
  if (ctx.model.retryable) {
    ctx.log("[capstan] the engine stopped while this command ran; running it again (retryable: true)\n");
    return start(ctx);
  }
  return {
    status: "TERMINAL",
    error: `interrupted: the engine stopped while this command ran, so its result is unknown. If it is safe to run it again, \`capstan resume ${ctx.execution.id} --retry ${ctx.stage.refId}\` does (set 'retryable: true' on the stage to have resume do it by itself)`,
  };
}

function cancel(ctx: StageContext): void {
  const entry = processesOf(ctx).get(ctx.stage.refId);
  if (!entry || entry.exit) return;
  entry.process.kill("SIGTERM");
  const timer = setTimeout(() => {
    if (!entry.exit) entry.process.kill("SIGKILL");
  }, 5000);
  timer.unref();
}

/** `run`: a shell command on this machine; exit 0 succeeds; `$CAPSTAN_OUTPUT` becomes outputs. */
export const runStage: StageHandler = {
  type: "run",
  start,
  poll,
  resume: interrupted,
  cancel,
  check(stage) {
    const c = stage.config;
    const hasCommand = typeof c.command === "string" && c.command.trim() !== "";
    const hasArgs = Array.isArray(c.args) && c.args.length > 0;
    if (!hasCommand && !hasArgs)
      return [
        stageProblem(
          stage,
          "type",
          "run-command-missing",
          "A run stage needs 'command' (shell text) or 'args' (a program and its arguments).",
        ),
      ];
    if (hasCommand && hasArgs)
      return [stageProblem(stage, "args", "run-command-and-args", "Give 'command' or 'args', not both.")];
    return [];
  },
};
