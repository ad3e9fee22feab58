import * as fs from "node:fs";
import * as path from "node:path";
import {
  type Diagnostic,
  hasErrors,
  type ImportNote,
  type Pipeline,
  type PipelineResolver,
  type StageCatalog,
} from "@capstan/core";
import { loadPipelineFile } from "../load-pipeline.js";

/** A pipeline read from a file, with its validation problems. */
export interface PipelineFromFile {
  pipeline?: Pipeline;
  file: string;
  diagnostics: Diagnostic[];
  /** Formats the problems for the terminal: the JSON text for Spinnaker JSON. */
  source?: import("@capstan/core").SourceText;
  /** For Spinnaker JSON: what the import dropped or changed. */
  importReport?: ImportNote[];
}

/** Loads and validates the first pipeline of a file. */
export function readPipelineFile(file: string, stages?: StageCatalog): PipelineFromFile {
  const loaded = loadPipelineFile(fs.readFileSync(file, "utf8"), file, { stages });
  const first = loaded.pipelines[0];
  const importReport = loaded.jsonSource ? { importReport: loaded.importReport } : {};
  if (!first)
    return { file, diagnostics: loaded.importDiagnostics, source: loaded.jsonSource, ...importReport };
  // Spinnaker JSON: the converted pipeline's diagnostics placed in the JSON, with the JSON's own.
  const diagnostics = [...loaded.importDiagnostics, ...(first.jsonDiagnostics ?? first.result.diagnostics)];
  return {
    pipeline: hasErrors(diagnostics) ? undefined : first.result.pipeline,
    file,
    diagnostics,
    source: loaded.jsonSource ?? first.result.document.source,
    ...importReport,
  };
}

/**
 * Finds pipelines by name in `.capstan/pipelines/` of the repository and beside the running
 * pipeline's file (so fixtures and examples can refer to their neighbours).
 */
export function filePipelineResolver(
  cwd: string,
  besideFile?: string,
  stages?: StageCatalog,
): PipelineResolver & { all(): PipelineFromFile[] } {
  const dirs = [path.resolve(cwd, ".capstan", "pipelines")];
  if (besideFile) dirs.push(path.dirname(path.resolve(cwd, besideFile)));
  const all = (): PipelineFromFile[] => {
    const seen = new Set<string>();
    const out: PipelineFromFile[] = [];
    for (const dir of dirs) {
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir).sort()) {
        const full = path.join(dir, name);
        if (!/\.(ya?ml|json)$/i.test(name) || seen.has(full)) continue;
        seen.add(full);
        try {
          out.push(readPipelineFile(full, stages));
        } catch {
          // unreadable files are skipped; `capstan validate` reports them
        }
      }
    }
    return out;
  };
  return {
    all,
    resolve(name) {
      const found = all().filter((p) => p.pipeline?.name === name);
      if (found.length === 0) return { error: `no valid pipeline named '${name}' in ${dirs.join(" or ")}` };
      return { pipeline: found[0].pipeline!, file: found[0].file };
    },
  };
}
