import type { ActionContext, ActionInputs } from "./action-context.js";
import type { ArtifactStore } from "./artifacts/artifact-store.js";
import { FileArtifactStore } from "./artifacts/file-artifact-store.js";
import { ResultsArtifactStore } from "./artifacts/results-artifact-store.js";
import { runContext } from "./context.js";
import { OctokitGithubApi } from "./github-api.js";
import { finalizeMode } from "./modes/finalize.js";
import { judgeMode } from "./modes/judge.js";
import { preflightMode } from "./modes/preflight.js";
import { runMode } from "./modes/run.js";
import { loadPipelineFile, PipelineFileError } from "./pipeline-file.js";
import * as core from "./workflow-commands.js";

const MODES: Record<string, (a: ActionContext) => Promise<void>> = {
  run: runMode,
  judge: judgeMode,
  finalize: finalizeMode,
  preflight: preflightMode,
};

function readInputs(): ActionInputs {
  return {
    pipeline: core.getInput("pipeline", { required: true }),
    pipelineHash: core.getInput("pipeline-hash"),
    mode: core.getInput("mode") || "run",
    segment: core.getInput("segment"),
    stage: core.getInput("stage"),
    parameters: core.getInput("parameters"),
    needs: core.getInput("needs"),
  };
}

/** `CAPSTAN_ARTIFACT_DIR` selects a folder instead of GitHub's artifact service (simulator, local runs). */
export function artifactStore(env: NodeJS.ProcessEnv): ArtifactStore {
  return env.CAPSTAN_ARTIFACT_DIR
    ? new FileArtifactStore(env.CAPSTAN_ARTIFACT_DIR)
    : new ResultsArtifactStore({ env, mask: core.setSecret, log: core.info });
}

/** The action's entry point: one mode of one job. Exit status is set through core.setFailed. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const inputs = readInputs();
    const mode = MODES[inputs.mode];
    if (!mode) throw new Error(`Unknown mode '${inputs.mode}' (run, judge, finalize, preflight).`);
    const token = core.getInput("github-token");
    if (token) core.setSecret(token);
    const ctx = runContext(env);
    const pipeline = loadPipelineFile(ctx.workspace, inputs.pipeline, inputs.pipelineHash, {
      fullValidation: inputs.mode === "finalize",
    });
    await mode({
      inputs,
      ctx,
      env,
      pipeline,
      artifacts: artifactStore(env),
      api: new OctokitGithubApi(token, ctx),
    });
  } catch (error) {
    if (error instanceof PipelineFileError && error.source) {
      for (const d of error.diagnostics) {
        const r = error.source.range(d.span);
        core.error(`${d.code}: ${d.message}`, {
          file: core.getInput("pipeline"),
          startLine: r.start.line + 1,
          endLine: r.end.line + 1,
        });
      }
    }
    core.setFailed((error as Error).message);
  }
}
