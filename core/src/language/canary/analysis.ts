// One version of a canary config document (Kayenta's JSON, or YAML under .capstan/canary/), parsed
// once and shared by the canary language features; the checks run on first use.

import { loadCanaryConfig } from "../../canary/config.js";
import { canaryConfigSchema } from "../../canary/config-schema.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { SourceText } from "../../diagnostics/source-text.js";
import { type LoadedDocument, loadYaml } from "../../loader/yaml-loader.js";
import type { JsonSchema } from "../../schema/schema-kit.js";

export interface CanaryConfigAnalysis {
  version: number;
  text: string;
  /** The file path (or URI) the diagnostics name. */
  path: string;
  source: SourceText;
  /** The document parsed with positions (also when it has errors: the YAML parser recovers). */
  document: LoadedDocument;
  /** Written as JSON (the text starts with `{`): completion inserts JSON. */
  json: boolean;
  /** What `loadCanaryConfig` reports (YAML, schema, Kayenta's rules), computed on first use. */
  readonly diagnostics: Diagnostic[];
}

/** Parses a canary config document; its diagnostics are computed when first read. */
export function analyzeCanaryConfig(text: string, version = 0, path = "<input>"): CanaryConfigAnalysis {
  const document = loadYaml(text, path);
  let diagnostics: Diagnostic[] | undefined;
  return {
    version,
    text,
    path,
    source: document.source,
    document,
    json: /^\s*\{/.test(text),
    get diagnostics() {
      diagnostics ??= loadCanaryConfig(text, path).diagnostics;
      return diagnostics;
    },
  };
}

let schema: JsonSchema | undefined;

/** The canary config schema, built once for the language features. */
export function canarySchema(): JsonSchema {
  schema ??= canaryConfigSchema();
  return schema;
}
