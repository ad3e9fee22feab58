import * as fs from "node:fs";
import * as path from "node:path";
import {
  type Diagnostic,
  hasErrors,
  type ImportNote,
  type Pipeline,
  type PipelineResolver,
  readTextFile,
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
  /** The file could not be read (a directory, a FIFO, too large, not UTF-8...): why. */
  readError?: { kind: "missing" | "directory" | "other"; reason: string };
}

/**
 * Loads and validates the first pipeline of a file. Only regular files of at most 10 MiB in UTF-8
 * are read (`readError` says why another one was not); `display` is the path as the user gave it.
 */
export function readPipelineFile(file: string, stages?: StageCatalog, display = file): PipelineFromFile {
  const read = readTextFile(file, { display });
  if (!read.ok) return { file, diagnostics: [], readError: { kind: read.kind, reason: read.reason } };
  const loaded = loadPipelineFile(read.text, file, { stages });
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
  // A file is read again only when it changed (the resolver is asked once per pipeline stage).
  const cache = new Map<string, { stamp: string; loaded: PipelineFromFile | undefined }>();
  const all = (): PipelineFromFile[] => {
    const seen = new Set<string>();
    const out: PipelineFromFile[] = [];
    for (const dir of dirs) {
      let names: string[];
      try {
        names = fs.readdirSync(dir).sort();
      } catch {
        continue;
      }
      // Bounded: the first MAX_SCANNED_FILES pipeline-looking names of a folder.
      const candidates = names.filter((name) => /\.(ya?ml|json)$/i.test(name)).slice(0, MAX_SCANNED_FILES);
      for (const name of candidates) {
        const full = path.join(dir, name);
        if (seen.has(full)) continue;
        seen.add(full);
        let stamp: string;
        try {
          const st = fs.statSync(full);
          stamp = `${st.size}:${st.mtimeMs}:${st.isFile()}`;
        } catch {
          continue;
        }
        const cached = cache.get(full);
        if (cached?.stamp === stamp) {
          if (cached.loaded) out.push(cached.loaded);
          continue;
        }
        // Files that are not pipelines (data, manifests) are skipped on a look at their start,
        // without being parsed; unreadable ones too (`capstan validate` reports them).
        const loaded = mayBePipeline(full) ? readPipelineFile(full, stages) : undefined;
        const usable = loaded && !loaded.readError ? loaded : undefined;
        cache.set(full, { stamp, loaded: usable });
        if (usable) out.push(usable);
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

/** Most files of one folder `capstan run` looks at for pipelines (triggers, `pipeline` stages). */
export const MAX_SCANNED_FILES = 200;

/** How much of a file is read to decide whether it may be a pipeline. */
const PREFIX_BYTES = 64 * 1024;

/**
 * A cheap look at the start of a file: Capstan YAML has a top-level `name:` or `stages:` line,
 * Spinnaker JSON a `"stages"` key. Anything else (data files, manifests) is not parsed at all.
 */
export function mayBePipeline(file: string): boolean {
  const read = readTextFile(file, { prefixBytes: PREFIX_BYTES });
  if (!read.ok) return false;
  const text = read.text.replace(/^\uFEFF/, "");
  if (/\.json$/i.test(file) || /^\s*[[{]/.test(text)) return /["']?stages["']?\s*:/.test(text);
  return /^(?:name|stages|"name"|"stages"|'name'|'stages')[ \t]*:/m.test(text);
}
