import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileErrorText } from "@capstan/core";

const PIPELINE_DIR = join(".capstan", "pipelines");
const PIPELINE_FILE = /\.(ya?ml|json)$/i;

/**
 * The files a command should read: the given paths (folders are searched for
 * .yml/.yaml/.json) or, with none, `.capstan/pipelines/` of the working directory. `missing` are
 * the paths that do not exist, `problems` the ones that cannot be looked at, said as they are
 * (`loop.yml: too many levels of symbolic links`), `emptyFolders` the folders without pipeline files.
 */
export function pipelineFiles(
  cwd: string,
  paths: readonly string[],
): { files: string[]; missing: string[]; problems: string[]; emptyFolders: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const problems: string[] = [];
  const emptyFolders: string[] = [];
  const targets = paths.length > 0 ? paths : [PIPELINE_DIR];
  for (const target of targets) {
    const full = resolve(cwd, target);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(full).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") missing.push(target);
      else problems.push(`${target}: ${fileErrorText(error)}`);
      continue;
    }
    if (!isDirectory) {
      files.push(target);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(full).sort();
    } catch (error) {
      problems.push(`${target}: ${fileErrorText(error)}`);
      continue;
    }
    const found = names.filter((name) => PIPELINE_FILE.test(name));
    if (found.length === 0) emptyFolders.push(target);
    for (const name of found) files.push(relative(cwd, join(full, name)) || name);
  }
  return { files, missing, problems, emptyFolders };
}
