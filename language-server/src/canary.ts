import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  analyzeCanaryConfig,
  CANARY_CONFIG_DIR,
  type CanaryConfigAnalysis,
  canaryConfigsFromFiles,
  isCanaryConfigPath,
  type WorkspaceCanaryConfig,
} from "@capstan/core";
import type { TextDocument } from "vscode-languageserver-textdocument";

/** A document the canary features handle: `.capstan/canary/*.json|yml|yaml`. */
export const isCanaryDocument = (uri: string): boolean => isCanaryConfigPath(uri);

/** One analysis per canary config document version (configs are small: each version is parsed whole). */
export class CanaryAnalyses {
  private readonly analyses = new Map<string, CanaryConfigAnalysis>();

  of(document: TextDocument): CanaryConfigAnalysis {
    const cached = this.analyses.get(document.uri);
    if (cached?.version === document.version) return cached;
    const path = document.uri.startsWith("file:") ? fileURLToPath(document.uri) : document.uri;
    const next = analyzeCanaryConfig(document.getText(), document.version, path);
    this.analyses.set(document.uri, next);
    return next;
  }

  delete(uri: string): void {
    this.analyses.delete(uri);
  }
}

/** The canary configs of the repository at `root` (`.capstan/canary/`), read when asked. */
export function canaryConfigsIn(root: string): WorkspaceCanaryConfig[] {
  const dir = join(root, CANARY_CONFIG_DIR);
  try {
    return canaryConfigsFromFiles(
      readdirSync(dir).map((file) => ({ file, uri: pathToFileURL(join(dir, file)).href })),
    );
  } catch {
    return [];
  }
}
