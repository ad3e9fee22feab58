import type { ArtifactStore } from "./artifacts/artifact-store.js";
import type { RunContext } from "./context.js";
import type { GithubApi } from "./github-api.js";
import type { LoadedPipeline } from "./pipeline-file.js";

/** The action's inputs (action.yml). */
export interface ActionInputs {
  pipeline: string;
  pipelineHash: string;
  mode: string;
  segment: string;
  stage: string;
  parameters: string;
  needs: string;
}

/** Everything a mode works with. */
export interface ActionContext {
  inputs: ActionInputs;
  ctx: RunContext;
  env: NodeJS.ProcessEnv;
  pipeline: LoadedPipeline;
  artifacts: ArtifactStore;
  api: GithubApi;
}
