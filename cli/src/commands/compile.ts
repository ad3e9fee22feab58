import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { compilePipelineText, hasErrors, workflowHash } from "@capstan/core";
import { resolveActionRef } from "../action-ref.js";
import { formatHuman } from "../format-diagnostics.js";
import type { CliIo } from "../io.js";
import { pipelineFiles } from "../pipeline-files.js";

export const compileHelp = `Usage: capstan compile [PATHS...] [--check] [--out-dir DIR] [--action REF]

Compiles each pipeline (default: every file in .capstan/pipelines/) to a GitHub Actions workflow
.github/workflows/capstan-<name>.yml: one job per segment of stages between manual judgments, one
gate job per judgment on its GitHub environment, a preflight job and a final job.
  --check        write nothing; exit 1 if a workflow is missing or out of date (for CI)
  --out-dir DIR  where workflows go (default .github/workflows)
  --action REF   the Capstan action the jobs use: OWNER/REPO@REF (a fork, a tag, a commit) or ./PATH;
                 default: \`action:\` in .capstan/settings.yml, else the repository field of
                 Capstan's package.json at its major version (capstan-dev/capstan@v0)
Exit status: 0 on success, 1 on compile errors or (with --check) stale workflows, 2 on bad usage.
`;

const GENERATED = /^capstan-.*\.ya?ml$/;

/** `capstan compile`: writes or checks the generated workflows. */
export async function compileCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      check: { type: "boolean", default: false },
      "out-dir": { type: "string", default: join(".github", "workflows") },
      action: { type: "string" },
    },
  });
  const outDir = resolve(io.cwd, values["out-dir"]);
  const actionRef = resolveActionRef(io.cwd, values.action).ref;
  const { files, missing } = pipelineFiles(io.cwd, positionals);
  for (const path of missing) io.stderr(`capstan compile: ${path}: no such file or directory\n`);
  if (files.length === 0 && missing.length === 0) {
    io.stderr("capstan compile: no pipeline files found (looked in .capstan/pipelines/).\n");
    return 1;
  }
  let failed = missing.length > 0;
  const written = new Set<string>();
  const stale: string[] = [];
  for (const file of files) {
    const text = readFileSync(resolve(io.cwd, file), "utf8");
    const pipelineFile = relative(io.cwd, resolve(io.cwd, file)).split("\\").join("/");
    const result = compilePipelineText(text, { pipelineFile, actionRef });
    if (result.diagnostics.length > 0) io.stdout(formatHuman(result.source, result.diagnostics, io.isTTY));
    if (!result.workflow || hasErrors(result.diagnostics)) {
      failed = true;
      continue;
    }
    const target = join(outDir, result.fileName);
    const shown = relative(io.cwd, target);
    if (written.has(target)) {
      io.stderr(`capstan compile: ${file}: another pipeline already compiles to ${shown}; rename one.\n`);
      failed = true;
      continue;
    }
    written.add(target);
    const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (values.check) {
      if (current !== result.workflow) {
        const why =
          current === undefined
            ? "is missing"
            : workflowHash(current) !== result.hash
              ? "was generated from another version of the pipeline"
              : "differs from what this Capstan generates";
        stale.push(`${shown} ${why} (from ${file})`);
      }
      continue;
    }
    if (current !== result.workflow) {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(target, result.workflow);
      io.stderr(`wrote ${shown}\n`);
    } else {
      io.stderr(`${shown} is up to date\n`);
    }
  }
  if (values.check && positionals.length === 0) {
    // Only for the default set: a generated workflow whose pipeline file is gone would still run.
    for (const name of existsSync(outDir) ? readdirSync(outDir) : []) {
      const target = join(outDir, name);
      if (GENERATED.test(name) && !written.has(target) && isGenerated(target)) {
        stale.push(`${relative(io.cwd, target)} has no pipeline any more (delete it)`);
      }
    }
  }
  for (const line of stale) io.stderr(`capstan compile --check: ${line}\n`);
  if (stale.length > 0) io.stderr("Run `capstan compile` and commit the result.\n");
  return failed || stale.length > 0 ? 1 : 0;
}

function isGenerated(path: string): boolean {
  return workflowHash(readFileSync(path, "utf8")) !== undefined;
}
