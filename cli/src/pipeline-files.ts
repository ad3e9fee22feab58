import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const PIPELINE_DIR = join(".capstan", "pipelines");
const PIPELINE_FILE = /\.(ya?ml|json)$/i;

/**
 * The files a command should read: the given paths (folders are searched for
 * .yml/.yaml/.json) or, with none, `.capstan/pipelines/` of the working directory.
 */
export function pipelineFiles(cwd: string, paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const targets = paths.length > 0 ? paths : [PIPELINE_DIR];
  for (const target of targets) {
    const full = resolve(cwd, target);
    if (!existsSync(full)) {
      missing.push(target);
    } else if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) {
        if (PIPELINE_FILE.test(name)) files.push(relative(cwd, join(full, name)) || name);
      }
    } else {
      files.push(target);
    }
  }
  return { files, missing };
}
