import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  checkRepository,
  type Diagnostic,
  formatReport,
  hasErrors,
  type ImportNote,
  readTextFile,
  type SourceText,
  type ValidateOptions,
} from "@capstan/core";
import { type FileDiagnosticsJson, formatHuman, toJson } from "../format-diagnostics.js";
import { type CliIo, UsageError } from "../io.js";
import { loadPipelineFile } from "../load-pipeline.js";
import { pipelineFiles } from "../pipeline-files.js";
import { repositoryContext } from "../repository.js";

export const validateHelp = `Usage: capstan validate [PATHS...] [--format human|json] [--quiet]

Validates pipeline files (YAML, or Spinnaker pipeline JSON). With no paths, every file in
.capstan/pipelines/. Across files it checks that pipeline names are unique, that pipeline stages
and triggers name a pipeline (of .capstan/pipelines/ or the file's folder), that accounts are
declared in .capstan/application.yml, and that webhook and notification URLs are ones the run
accepts (CAPSTAN_ALLOW_LOOPBACK_URLS=1 allows loopback, as for capstan run).
Exit status: 0 when no file has an error, 1 otherwise, 2 on bad usage.
  --format json   print [{file, diagnostics:[{code, severity, message, range}]}]
  --quiet         print errors only, no warnings
`;

/** `capstan validate`: schema, graph, field and expression checks for each file. */
export async function validateCommand(
  argv: string[],
  io: CliIo,
  options: ValidateOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: "string", default: "human" }, quiet: { type: "boolean", default: false } },
  });
  if (values.format !== "human" && values.format !== "json") {
    throw new UsageError(`--format must be human or json, not '${values.format}'.`);
  }
  const { files, missing, problems, emptyFolders } = pipelineFiles(io.cwd, positionals);
  for (const path of missing) io.stderr(`capstan validate: ${path}: no such file or directory\n`);
  for (const problem of problems) io.stderr(`capstan validate: ${problem}\n`);
  // A folder given without pipeline files is said as such (not "no such file", not another folder).
  for (const folder of positionals.length > 0 ? emptyFolders : [])
    io.stderr(`capstan validate: no pipeline files in ${folder} (.yml, .yaml or .json).\n`);
  if (files.length === 0) {
    // Nothing was checked: say so, not "errors found".
    if (positionals.length === 0)
      io.stderr(
        "capstan validate: no pipeline files in .capstan/pipelines/ (.yml, .yaml or .json). Pass paths to validate.\n",
      );
    else if (emptyFolders.length === 0) io.stderr("capstan validate: no pipeline files checked.\n");
    return 1;
  }
  let failed = missing.length + problems.length > 0;
  const report: (FileDiagnosticsJson & { importReport?: ImportNote[] })[] = [];
  const emit = (source: SourceText, diagnostics: Diagnostic[], notes?: ImportNote[]) => {
    const shown = values.quiet ? diagnostics.filter((d) => d.severity === "error") : diagnostics;
    if (hasErrors(diagnostics)) failed = true;
    if (values.format === "json")
      report.push({ ...toJson(source, shown), ...(notes ? { importReport: notes } : {}) });
    else {
      // What the import of Spinnaker JSON dropped or changed, as `capstan import` reports it.
      if (notes && notes.length > 0 && !values.quiet) io.stderr(formatReport(notes, source.path));
      io.stdout(formatHuman(source, shown, io.isTTY));
    }
  };
  // Regular files only, at most 10 MiB, UTF-8: a FIFO, /dev/zero or a huge file is refused unread.
  const all = files.flatMap((file) => {
    const read = readTextFile(resolve(io.cwd, file), { display: file });
    if (!read.ok) {
      io.stderr(`capstan validate: ${read.reason}\n`);
      failed = true;
      return [];
    }
    return [{ file, loaded: loadPipelineFile(read.text, file, { stages: io.stages, ...options }) }];
  });
  // Checks across files: names, the pipelines stages and triggers name, accounts, URLs.
  const contextFor = repositoryContext(
    io.cwd,
    io.env,
    all.flatMap(({ file, loaded }) =>
      loaded.pipelines.flatMap((p) =>
        p.result.pipeline.name ? [{ name: p.result.pipeline.name, file }] : [],
      ),
    ),
  );
  for (const { file, loaded } of all) {
    const across = loaded.pipelines.map((p) => checkRepository(p.result, contextFor(file)));
    if (loaded.jsonSource) {
      // Spinnaker JSON: every diagnostic points at the JSON, the converted YAML's too.
      const converted = loaded.pipelines.flatMap((p, i) => [
        ...(p.jsonDiagnostics ?? p.result.diagnostics),
        ...(p.inJson ? p.inJson(across[i]) : across[i]),
      ]);
      emit(loaded.jsonSource, [...loaded.importDiagnostics, ...converted], loaded.importReport);
      if (loaded.pipelines.length === 0 && loaded.importDiagnostics.length === 0) {
        io.stderr(`${file}: no Spinnaker pipeline found in this JSON.\n`);
        failed = true;
      }
      continue;
    }
    loaded.pipelines.forEach(({ result }, i) => {
      emit(result.document.source, [...result.diagnostics, ...across[i]]);
    });
  }
  if (values.format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (!values.quiet) {
    io.stderr(
      `${all.length} file${all.length === 1 ? "" : "s"} checked, ${failed ? "errors found" : "no errors"}.\n`,
    );
  }
  return failed ? 1 : 0;
}
