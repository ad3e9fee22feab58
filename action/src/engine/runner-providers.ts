import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  LocalProvider,
  localPaths,
  type ProviderServices,
  providerServices,
  readApplicationSettings,
  socketConnection,
} from "@capstan/core";

/**
 * The folder whose local-provider supervisor a job talks to: `CAPSTAN_LOCAL_REPO` (relative to the
 * workspace), or the workspace itself, as `capstan run` uses the repository it runs in.
 */
export function localRepository(workspace: string, env: NodeJS.ProcessEnv): string {
  const chosen = env.CAPSTAN_LOCAL_REPO?.trim();
  return chosen ? resolve(workspace, chosen) : workspace;
}

/** Why a job found no supervisor, and what to do about it on the runner. */
export function noSupervisorMessage(repository: string, socket: string): string {
  return (
    `No local-provider supervisor answers at ${socket}. On GitHub, a pipeline with 'provider: local' ` +
    "runs only on one self-hosted runner whose supervisor outlives the jobs: start it there with " +
    `'capstan local up --repo ${repository}' (as a service, or with RUNNER_TRACKING_ID= so the runner ` +
    "does not stop it when the job ends), and set CAPSTAN_LOCAL_REPO in the runner's environment " +
    "when that folder is not the job's workspace. The action does not start one itself."
  );
}

/**
 * Providers for the stages of a GitHub job: the `local` provider of the supervisor already running
 * on this runner machine (adopted, never started: a process a job starts is stopped by the runner
 * when the job ends, and the supervisor must keep the server groups between jobs), and the traffic
 * guards of the checked-out `.capstan/application.yml`.
 */
export function runnerProviderServices(
  workspace: string,
  env: NodeJS.ProcessEnv,
  warn: (text: string) => void,
): ProviderServices {
  const repository = localRepository(workspace, env);
  const paths = localPaths(repository);
  const connection = socketConnection(paths.socket, {
    start: () => Promise.reject(new Error(noSupervisorMessage(repository, paths.socket))),
  });
  const file = resolve(workspace, ".capstan", "application.yml");
  const settings = readApplicationSettings(existsSync(file) ? readFileSync(file, "utf8") : undefined);
  for (const problem of settings.problems) warn(`${file}: ${problem}`);
  return providerServices([new LocalProvider(connection)], settings.trafficGuards);
}
