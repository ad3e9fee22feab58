import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { importSpinnaker, loadYaml, type RepositoryContext, type RepositoryPipeline } from "@capstan/core";
import { isJsonPipeline } from "./load-pipeline.js";
import { plainTopLevelName } from "./pipeline-name.js";
import { findRepository } from "./repository-root.js";

const PIPELINE_FILE = /\.(ya?ml|json)$/i;

/** The names of the pipelines in a file (YAML: one; Spinnaker JSON: as the importer reads them). */
export function pipelineNamesIn(text: string, path: string): string[] {
  try {
    if (isJsonPipeline(text, path)) return importSpinnaker(text).pipelines.map((p) => p.name);
    // Most files are plain enough to read the name from their lines, without a parser.
    const plain = plainTopLevelName(text);
    if (plain !== undefined) return plain === null ? [] : [plain];
    const value = loadYaml(text, path).value as { name?: unknown } | null;
    return typeof value?.name === "string" && value.name !== "" ? [value.name] : [];
  } catch {
    return [];
  }
}

/** The accounts `.capstan/application.yml` declares (`accounts[].name`). */
export function declaredAccounts(repository: string): string[] {
  const file = join(repository, ".capstan", "application.yml");
  if (!existsSync(file)) return [];
  try {
    const value = loadYaml(readFileSync(file, "utf8"), file).value as { accounts?: unknown } | null;
    const list = Array.isArray(value?.accounts) ? value.accounts : [];
    return list.flatMap((a) => (a && typeof a.name === "string" ? [a.name] : []));
  } catch {
    return [];
  }
}

/**
 * What the checks across files need for the files being validated: the pipelines a run can reach
 * (`.capstan/pipelines/` and each file's folder, as `capstan run` resolves them) besides the
 * validated ones, the application's accounts, and the run's loopback allowance.
 */
export function repositoryContext(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  validated: readonly RepositoryPipeline[],
): (file: string) => RepositoryContext {
  const shown = (full: string) => relative(cwd, full) || full;
  const seen = new Set(validated.map((p) => resolve(cwd, p.file)));
  const pipelines: RepositoryPipeline[] = [...validated];
  const dirs = new Set([
    resolve(cwd, ".capstan", "pipelines"),
    ...validated.map((p) => dirname(resolve(cwd, p.file))),
  ]);
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (!PIPELINE_FILE.test(name) || seen.has(full)) continue;
      seen.add(full);
      try {
        for (const n of pipelineNamesIn(readFileSync(full, "utf8"), full))
          pipelines.push({ name: n, file: shown(full) });
      } catch {
        // unreadable: capstan validate of that file says why
      }
    }
  }
  const repository = findRepository(cwd);
  const accounts = {
    names: declaredAccounts(repository),
    file: shown(join(repository, ".capstan", "application.yml")),
  };
  const allowLoopbackUrls = env.CAPSTAN_ALLOW_LOOPBACK_URLS === "1";
  return (file) => ({ file, pipelines, accounts, allowLoopbackUrls });
}
