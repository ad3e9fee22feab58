import * as path from "node:path";
import { parseArgs } from "node:util";
import {
  type ExecutionRecord,
  FileStateStore,
  foldJournal,
  formatReport,
  pipelinesTriggeredBy,
  resumeExecution,
  SUPERSEDED_REASON,
  startExecution,
} from "@capstan/core";
import { formatHuman } from "../format-diagnostics.js";
import { type CliIo, UsageError } from "../io.js";
import { findRepository } from "../local/launcher.js";
import { prometheusForRun } from "../local/prometheus.js";
import { deploysServerGroups } from "../local/provider-services.js";
import { pipelineFiles } from "../pipeline-files.js";
import { waitForTurn } from "../run/concurrency.js";
import { driveExecution, observers, progressFor } from "../run/drive.js";
import { checkJudgeAnswers } from "../run/judge-answers.js";
import { cliJudgmentGateway } from "../run/judgment-gateway.js";
import { localTrigger } from "../run/local-trigger.js";
import { filePipelineResolver, readPipelineFile } from "../run/pipelines.js";
import { cliServices } from "../run/services.js";
import { liveOwner, stateDirOf } from "../run/state.js";
import { localUser } from "../user.js";

export const runHelp = `Usage: capstan run FILE [--param k=v]... [--judge stage=input]... [--state-dir DIR] [--json]
                        [--new] [--no-triggers]

Runs a pipeline on this machine, journaled under DIR/executions/<id>/ (default .capstan).
  --param k=v        a parameter value (repeatable)
  --judge stage=in   answer the manual judgment of a stage (id or name) with an input, or 'stop'
  --state-dir DIR    where executions are kept (default .capstan, or $CAPSTAN_STATE_DIR)
  --json             print the final execution record as JSON (progress goes to stderr)
  --new              start a new execution even if one of this pipeline was left running by a crash
  --no-triggers      do not start the pipelines whose pipeline trigger matches this execution's end
Judgments not given with --judge are asked on the terminal, or wait for
'capstan judge <execution> <stage> <input|stop>' from another terminal.
Exit status: 0 when the execution SUCCEEDED, 1 otherwise, 2 on bad usage.
`;

/** Parses repeated `k=v` options. */
export function keyValues(list: readonly string[] | undefined, flag: string): Record<string, string> {
  // No prototype: `--param __proto__=x` or `constructor=x` names a parameter like any other.
  const out: Record<string, string> = Object.create(null);
  for (const item of list ?? []) {
    const i = item.indexOf("=");
    if (i <= 0) throw new UsageError(`${flag} takes key=value, not '${item}'.`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** `capstan run`: runs a pipeline file to its end. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      param: { type: "string", multiple: true },
      judge: { type: "string", multiple: true },
      "state-dir": { type: "string" },
      json: { type: "boolean", default: false },
      new: { type: "boolean", default: false },
      "no-triggers": { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError("give exactly one pipeline FILE.");
  const file = path.resolve(io.cwd, positionals[0]);
  const loaded = readPipelineFile(file, io.stages, positionals[0]);
  if (loaded.readError) {
    if (loaded.readError.kind === "directory") {
      // Say what to give instead: the pipeline files of that folder.
      const inside = pipelineFiles(io.cwd, [positionals[0]]).files;
      throw new UsageError(
        `${positionals[0]} is a directory; give the pipeline file to run (${inside.length > 0 ? inside.slice(0, 5).join(", ") : "it has no .yml, .yaml or .json files"}).`,
      );
    }
    io.stderr(`capstan run: ${loaded.readError.reason}; nothing was run.\n`);
    return loaded.readError.kind === "missing" ? 2 : 1;
  }
  // Spinnaker JSON: what its import dropped or changed, as `capstan import` reports it.
  if (loaded.importReport?.length) io.stderr(formatReport(loaded.importReport, positionals[0]));
  if (!loaded.pipeline) {
    if (loaded.source) io.stderr(formatHuman(loaded.source, loaded.diagnostics, io.isTTY));
    io.stderr(`capstan run: ${positionals[0]} has errors; nothing was run.\n`);
    return 1;
  }
  const parameters = keyValues(values.param, "--param");
  const answers = keyValues(values.judge, "--judge");
  const pipelines = filePipelineResolver(io.cwd, file, io.stages);
  const wrongAnswers = checkJudgeAnswers(answers, loaded.pipeline, pipelines);
  if (wrongAnswers.length > 0) {
    for (const problem of wrongAnswers) io.stderr(`capstan run: ${problem}\n`);
    io.stderr("capstan run: nothing was run.\n");
    return 2;
  }
  const store = new FileStateStore(stateDirOf(io, values["state-dir"]));
  const { observer, live } = progressFor(io, values.json);
  const user = localUser(io.env, io.cwd);
  const judgments = cliJudgmentGateway({
    answers,
    user,
    interactive: io.isTTY && Boolean(process.stdin.isTTY),
    onPrompt: (open) => live?.pause(open),
    onWaiting: (req) =>
      (values.json ? io.stderr : io.stdout)(
        `waiting for judgment of '${req.stageName}': run 'capstan judge ${req.executionId} ${req.refId} <${[...req.inputs, "stop"].join("|")}>'\n`,
      ),
  });
  const services = cliServices({
    io,
    user,
    store,
    judgments,
    observer: observers(observer),
    pipelines,
    deploys: deploysServerGroups(
      loaded.pipeline.stages.map((s) => s.type),
      io.stages,
    ),
  });
  const say = values.json ? io.stderr : io.stdout;
  // A canary analysis with `prometheus: local` gets a Prometheus on loopback for this run.
  const prometheus = await prometheusForRun(loaded.pipeline, services, findRepository(io.cwd), say);
  if (prometheus && "error" in prometheus) {
    io.stderr(`capstan run: ${prometheus.error}\ncapstan run: nothing was run.\n`);
    store.close();
    return 1;
  }
  /** Runs the pipelines this execution triggers (Orca's pipeline triggers), one after another. */
  const triggerDownstream = async (record: ExecutionRecord): Promise<void> => {
    if (values["no-triggers"]) return;
    const candidates = pipelines
      .all()
      .flatMap((p) => (p.pipeline ? [{ pipeline: p.pipeline, file: p.file }] : []));
    for (const next of pipelinesTriggeredBy(record, candidates)) {
      say(`execution ${record.id} (${record.status}) triggers pipeline '${next.pipeline.name}'\n`);
      const child = startExecution(services, {
        pipeline: next.pipeline,
        pipelineFile: next.file,
        trigger: next.trigger,
      });
      if (!child.runner) {
        for (const e of child.errors) io.stderr(`capstan run: '${next.pipeline.name}': ${e}\n`);
        continue;
      }
      await driveExecution(child.runner, { io, store, json: false, live: undefined });
    }
  };
  const turn = await waitForTurn(store.stateDir, loaded.pipeline, (why) => say(`${why}\n`));
  try {
    if (turn.outcome === "superseded") {
      // Orca cancels the older queued executions when a newer one is queued behind them.
      const started = startExecution(services, { pipeline: loaded.pipeline, pipelineFile: file, parameters });
      if (!started.runner) return 1;
      started.runner.command({ type: "cancel", user: "capstan", reason: SUPERSEDED_REASON });
      say(`${SUPERSEDED_REASON}\n`);
      return (await driveExecution(started.runner, { io, store, json: values.json, live: undefined })).code;
    }
    // A running execution of this file whose process is gone was cut short by a crash: continue it.
    if (!values.new) {
      for (const id of store.list().reverse()) {
        const record = foldJournal(store.read(id));
        if (record.status === "RUNNING" && record.pipelineFile === file && !liveOwner(store, id)) {
          (values.json ? io.stderr : io.stdout)(
            `resuming execution ${id}, left running by a crash (use --new to start afresh)\n`,
          );
          const resumed = resumeExecution(services, id);
          if (resumed.runner)
            return (await driveExecution(resumed.runner, { io, store, json: values.json, live })).code;
        }
      }
    }
    const started = startExecution(services, {
      pipeline: loaded.pipeline,
      pipelineFile: file,
      parameters,
      trigger: localTrigger(io.cwd, user),
    });
    if (!started.runner) {
      for (const e of started.errors) io.stderr(`capstan run: ${e}\n`);
      return 1;
    }
    const { record, code } = await driveExecution(started.runner, { io, store, json: values.json, live });
    await triggerDownstream(record);
    return code;
  } finally {
    turn.release();
    store.close();
    await prometheus?.stop();
  }
}
