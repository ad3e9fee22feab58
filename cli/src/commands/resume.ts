import * as path from "node:path";
import { parseArgs } from "node:util";
import { didYouMean, FileStateStore, foldJournal, resumeExecution, retryProblems } from "@capstan/core";
import { type CliIo, UsageError } from "../io.js";
import { deploysServerGroups } from "../local/provider-services.js";
import { driveExecution, progressFor } from "../run/drive.js";
import { cliJudgmentGateway } from "../run/judgment-gateway.js";
import { filePipelineResolver } from "../run/pipelines.js";
import { cliServices } from "../run/services.js";
import { findExecution, liveOwner, stateDirOf } from "../run/state.js";
import { localUser } from "../user.js";
import { keyValues } from "./run.js";

export const resumeHelp = `Usage: capstan resume EXECUTION [--retry STAGE]... [--judge stage=input]... [--state-dir DIR] [--json]

Continues an execution from its journal (after a crash or kill): running stages are polled again;
a run stage that was cut short is TERMINAL "interrupted" unless it says 'retryable: true'.
  --retry STAGE  run this interrupted run stage again from the start, when you know that is safe
                 (it may have done part of its work): also after the execution ended TERMINAL
                 because of it, which then goes on from there
`;

/** `capstan resume`: continues an execution from its journal. */
export async function resumeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      judge: { type: "string", multiple: true },
      retry: { type: "string", multiple: true },
      "state-dir": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError("give the EXECUTION id to resume.");
  const store = new FileStateStore(stateDirOf(io, values["state-dir"]));
  try {
    const id = findExecution(store, positionals[0]);
    if (!id) {
      io.stderr(`capstan resume: no execution '${positionals[0]}' in ${store.stateDir}\n`);
      return 1;
    }
    const owner = liveOwner(store, id);
    if (owner) {
      io.stderr(`capstan resume: execution ${id} is being run by process ${owner.pid} on ${owner.host}\n`);
      return 1;
    }
    const before = foldJournal(store.read(id));
    const retry = values.retry ?? [];
    const problems = retryProblems(before, retry);
    if (problems.length > 0) {
      const refs = before.stages.map((s) => s.refId);
      for (const problem of problems) {
        const unknown = retry.find((r) => problem === `no stage '${r}' in execution ${before.id}`);
        io.stderr(`capstan resume: ${problem}.${unknown !== undefined ? didYouMean(unknown, refs) : ""}\n`);
      }
      io.stderr("capstan resume: nothing was changed.\n");
      return 2;
    }
    const { observer, live } = progressFor(io, values.json);
    const user = localUser(io.env, io.cwd);
    const services = cliServices({
      io,
      user,
      store,
      observer,
      deploys: deploysServerGroups(
        before.stages.map((s) => s.type),
        io.stages,
      ),
      pipelines: filePipelineResolver(
        io.cwd,
        before.pipelineFile ? path.resolve(before.pipelineFile) : undefined,
        io.stages,
      ),
      judgments: cliJudgmentGateway({
        answers: keyValues(values.judge, "--judge"),
        user,
        interactive: io.isTTY && Boolean(process.stdin.isTTY),
        onPrompt: (open) => live?.pause(open),
      }),
    });
    const resumed = resumeExecution(services, id, { retry });
    if (!resumed.runner) {
      io.stderr(`capstan resume: ${resumed.error}\n`);
      return 1;
    }
    return (await driveExecution(resumed.runner, { io, store, json: values.json, live })).code;
  } finally {
    store.close();
  }
}
