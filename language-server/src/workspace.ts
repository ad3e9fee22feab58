import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadYaml, readTextFile, type WorkspacePipeline } from "@capstan/core";

/** The pipelines of `.capstan/pipelines/` under each workspace folder, by their `name`. */
export function scanPipelines(roots: readonly string[]): WorkspacePipeline[] {
  const out: WorkspacePipeline[] = [];
  for (const root of roots) {
    const dir = join(root, ".capstan", "pipelines");
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      const path = join(dir, file);
      try {
        // Regular files of at most 10 MiB only: a FIFO or a huge file must not stall the server.
        const read = readTextFile(path);
        if (!read.ok) continue;
        const value = loadYaml(read.text, path).value as { name?: unknown } | null;
        const name = typeof value?.name === "string" ? value.name : file.replace(/\.ya?ml$/, "");
        out.push({ name, uri: pathToFileURL(path).href });
      } catch {
        // An unreadable file is not a pipeline the others can name.
      }
    }
  }
  return out;
}
