// In pipeline files: completion of the canary configs a canaryAnalysis stage's `canaryConfig`
// can name (`NAME` reads .capstan/canary/NAME.json, .yml or .yaml). Looks at the cursor's line
// only, so pipeline completion elsewhere pays one regular expression.
import { CANARY_CONFIG_DIR } from "../../canary/config.js";
import type { Position } from "../../diagnostics/diagnostic.js";
import type { PipelineAnalysis } from "../pipeline-analysis.js";
import { type CompletionItem, CompletionKind } from "../types.js";

/** A canary config of the repository, by the name a stage gives it. */
export interface WorkspaceCanaryConfig {
  /** The file name without its extension: what `canaryConfig: NAME` reads. */
  name: string;
  uri: string;
  /** The path from the repository root, e.g. `.capstan/canary/checkout.yml`. */
  path: string;
}

const EXTENSIONS = ["json", "yml", "yaml"];

/**
 * The configs `canaryConfig: NAME` can name, from the file names of `.capstan/canary/`: one per
 * name, the file the stage reads first (`.json`, then `.yml`, then `.yaml`).
 */
export function canaryConfigsFromFiles(
  files: readonly { file: string; uri: string }[],
): WorkspaceCanaryConfig[] {
  const byName = new Map<string, { rank: number; config: WorkspaceCanaryConfig }>();
  for (const { file, uri } of files) {
    const match = /^(.+)\.(json|ya?ml)$/i.exec(file);
    if (!match) continue;
    const rank = EXTENSIONS.indexOf(match[2].toLowerCase());
    const previous = byName.get(match[1]);
    if (previous && previous.rank <= rank) continue;
    byName.set(match[1], { rank, config: { name: match[1], uri, path: `${CANARY_CONFIG_DIR}/${file}` } });
  }
  return [...byName.values()].map((v) => v.config).sort((a, b) => a.name.localeCompare(b.name));
}

const CANARY_CONFIG_VALUE = /^(\s*(?:-\s+)?canaryConfig:\s*)(["']?)([^"'\s#]*)$/;

/**
 * Completion of `canaryConfig: |` in a stage: the repository's canary configs by name (`configs`
 * may be a function: it is only called on such a value). Undefined when the cursor is not on one
 * (the caller then completes as usual).
 */
export function completeCanaryConfigReference(
  analysis: PipelineAnalysis,
  position: Position,
  configs: readonly WorkspaceCanaryConfig[] | (() => readonly WorkspaceCanaryConfig[]),
): CompletionItem[] | undefined {
  const line = analysis.source.lineText(position.line);
  const match = CANARY_CONFIG_VALUE.exec(line.slice(0, position.character));
  if (!match) return undefined;
  const quote = match[2];
  const start = match[1].length + quote.length;
  const rest = /^[^"'\s#]*/.exec(line.slice(position.character))?.[0] ?? "";
  const range = {
    start: { line: position.line, character: start },
    end: { line: position.line, character: position.character + rest.length },
  };
  return (typeof configs === "function" ? configs() : configs).map((config) => ({
    label: config.name,
    kind: CompletionKind.File,
    detail: config.path,
    textEdit: { range, newText: config.name },
  }));
}
