import { createHash } from "node:crypto";

/**
 * The content hash of a pipeline file, as written in the generated workflow's header and checked
 * by the action. Line endings are normalised so a checkout with CRLF endings still matches.
 */
export function pipelineContentHash(text: string): string {
  const normalised = text.replace(/\r\n?/g, "\n");
  return `sha256:${createHash("sha256").update(normalised, "utf8").digest("hex")}`;
}

/** The header line that carries the hash. */
export const HASH_HEADER = "# capstan-pipeline-hash: ";

/** The hash written in a generated workflow's header, if any. */
export function workflowHash(workflowText: string): string | undefined {
  for (const line of workflowText.split("\n", 20)) {
    if (line.startsWith(HASH_HEADER)) return line.slice(HASH_HEADER.length).trim();
  }
  return undefined;
}
