import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatReport, importSpinnaker, reportJson, SourceText, validatePipelineText } from "@capstan/core";
import { formatHuman } from "../format-diagnostics.js";
import { type CliIo, UsageError } from "../io.js";

export const importHelp = `Usage: capstan import spinnaker FILE.json [-o OUT.yml] [--report REPORT.json] [--force]

Converts Spinnaker pipeline JSON (one pipeline, a list, or a dinghyfile with "pipelines": [...])
into Capstan YAML. The report on stderr starts with a summary by kind (unsupported, changed,
dropped), then lists every field that was dropped or changed with its JSON path.
  -o, --out FILE     write the YAML there (with several pipelines: FILE is a folder); missing folders
                     are created; default stdout
  --report FILE      also write the report as JSON (input, pipelines, summary, notes, diagnostics)
  --force            overwrite existing files
Use - as FILE to read standard input.
`;

const slug = (name: string) =>
  name
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase() || "pipeline";

/** `capstan import spinnaker`: Spinnaker pipeline JSON to Capstan YAML, with a report. */
export async function importCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      report: { type: "string" },
      force: { type: "boolean", default: false },
    },
  });
  const [kind, file] = positionals;
  if (kind !== "spinnaker" || file === undefined || positionals.length > 2) {
    throw new UsageError("usage: capstan import spinnaker FILE.json [-o OUT.yml] [--report REPORT.json]");
  }
  const text =
    file === "-"
      ? await (io.readStdin?.() ?? Promise.resolve(""))
      : readFileSync(resolve(io.cwd, file), "utf8");
  const result = importSpinnaker(text, {}, io.stages);
  const source = new SourceText(text, file === "-" ? "<stdin>" : file);
  if (result.diagnostics.length > 0) io.stderr(formatHuman(source, result.diagnostics, false));
  if (result.diagnostics.some((d) => d.severity === "error")) return 1;
  if (result.pipelines.length === 0) {
    io.stderr(`capstan import: ${file}: no Spinnaker pipeline found (expected an object with "stages").\n`);
    return 1;
  }
  io.stderr(formatReport(result.report, file === "-" ? "<stdin>" : file));

  let status = 0;
  const written: { name: string; path: string; file?: string }[] = [];
  for (const pipeline of result.pipelines) {
    const target =
      values.out === undefined
        ? undefined
        : result.pipelines.length === 1
          ? resolve(io.cwd, values.out)
          : resolve(io.cwd, values.out, `${slug(pipeline.name)}.yml`);
    // The converted YAML must validate; say so at once if it does not.
    const check = validatePipelineText(pipeline.yaml, target ?? `${pipeline.name}.yml`, {
      stages: io.stages,
    });
    const errors = check.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
      io.stderr(formatHuman(check.document.source, errors, false));
      status = 1;
    }
    if (target === undefined) {
      io.stdout(result.pipelines.length > 1 ? `---\n${pipeline.yaml}` : pipeline.yaml);
    } else {
      if (existsSync(target) && !values.force)
        throw new UsageError(`${target} exists; pass --force to overwrite it.`);
      writeOutput(io.cwd, target, pipeline.yaml);
      io.stderr(`wrote ${relative(io.cwd, target) || target}\n`);
    }
    written.push({
      name: pipeline.name,
      path: pipeline.path,
      file: target && (relative(io.cwd, target) || target),
    });
  }
  if (values.report !== undefined) {
    const target = resolve(io.cwd, values.report);
    if (existsSync(target) && !values.force)
      throw new UsageError(`${target} exists; pass --force to overwrite it.`);
    const json = reportJson(result, file === "-" ? "<stdin>" : file, written);
    writeOutput(io.cwd, target, `${JSON.stringify(json, null, 2)}\n`);
    io.stderr(`wrote ${relative(io.cwd, target) || target}\n`);
  }
  io.stderr(
    `${result.pipelines.length} pipeline${result.pipelines.length === 1 ? "" : "s"} imported, ${result.report.length} note${result.report.length === 1 ? "" : "s"} in the report.\n`,
  );
  return status;
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a part of the path is a file, not a folder",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EISDIR: "it is a folder",
};

/**
 * Writes an output file, creating its missing folders first (`-o .capstan/pipelines/x.yml` in a
 * fresh repository). A failure names what failed: the folder that could not be made, or the file.
 */
function writeOutput(cwd: string, target: string, text: string): void {
  const shown = (p: string) => relative(cwd, p) || p;
  const why = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    return REASONS[code] ?? (error as Error).message;
  };
  const folder = dirname(target);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot create the folder ${shown(folder)} for ${shown(target)}: ${why(error)}.`);
  }
  try {
    writeFileSync(target, text);
  } catch (error) {
    throw new UsageError(`cannot write ${shown(target)}: ${why(error)}.`);
  }
}
