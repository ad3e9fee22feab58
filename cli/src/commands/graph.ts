import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderDot, renderMermaid, renderText } from "@capstan/core";
import { formatHuman } from "../format-diagnostics.js";
import { type CliIo, UsageError } from "../io.js";
import { loadPipelineFile } from "../load-pipeline.js";

export const graphHelp = `Usage: capstan graph FILE [--format mermaid|dot|text]

Prints the pipeline's stage graph (default: text).
`;

const RENDERERS = { mermaid: renderMermaid, dot: renderDot, text: renderText };

/** `capstan graph`: the stage graph as Mermaid, Graphviz dot or text. */
export async function graphCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: "string", default: "text" } },
  });
  const format = values.format as keyof typeof RENDERERS;
  if (!(format in RENDERERS))
    throw new UsageError(`--format must be mermaid, dot or text, not '${values.format}'.`);
  if (positionals.length !== 1) throw new UsageError("capstan graph takes exactly one pipeline file.");
  const [file] = positionals;
  const text = readFileSync(resolve(io.cwd, file), "utf8");
  const [first] = loadPipelineFile(text, file, { stages: io.stages }).pipelines;
  if (!first) throw new UsageError(`${file} holds no pipeline.`);
  const { result } = first;
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) io.stderr(formatHuman(result.document.source, errors, false));
  io.stdout(RENDERERS[format](result.pipeline));
  return errors.length > 0 ? 1 : 0;
}
