import { type Scalar, visit } from "yaml";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadedDocument } from "../loader/yaml-loader.js";

/**
 * The offset just past the `}` closing the `${` at `start`, honouring nested braces and
 * quoted strings; undefined when the line ends first.
 */
export function findExpressionEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") return undefined;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i + 1;
  }
  return undefined;
}

/**
 * Finds every `${` in a plain (unquoted) scalar that YAML cut short: ` #` started a
 * comment, `: ` made a map, or `{` opened a flow map. Each gets `expression-unquoted`
 * with a quick-fix replacement that quotes the value.
 */
export function checkUnquotedExpressions(doc: LoadedDocument): Diagnostic[] {
  const text = doc.source.text;
  const found = new Map<number, Diagnostic>();
  visit(doc.yaml, {
    Scalar(_key, node: Scalar) {
      if (node.type !== "PLAIN" || !node.range) return;
      const [start, valueEnd] = node.range;
      const lineEnd = text.indexOf("\n", start) === -1 ? text.length : text.indexOf("\n", start);
      for (let at = text.indexOf("${", start); at !== -1 && at < valueEnd; at = text.indexOf("${", at + 2)) {
        const end = findExpressionEnd(text, at);
        if (end !== undefined && end <= valueEnd) continue;
        if (found.has(at)) continue;
        const fixEnd = end ?? lineEnd;
        const written = text.slice(start, fixEnd);
        found.set(
          at,
          diagnostic(
            "expression-unquoted",
            "error",
            `This expression is not quoted, so YAML cut it short (${cutReason(text, at, valueEnd)}). Quote the value: ${JSON.stringify(written)}`,
            { start: at, end: fixEnd },
            { data: { fixStart: start, fixEnd, replacement: JSON.stringify(written) } },
          ),
        );
      }
    },
  });
  return [...found.values()];
}

function cutReason(text: string, at: number, valueEnd: number): string {
  const next = text.slice(valueEnd, valueEnd + 2);
  if (/^\s*#/.test(text.slice(valueEnd, valueEnd + 3)) || next.startsWith(" #"))
    return "' #' starts a comment";
  if (text[valueEnd] === "{" || (text[at + 1] === "{" && valueEnd === at + 1)) return "'{' opens a flow map";
  if (text[valueEnd] === ":") return "': ' makes it a map key";
  return "a YAML indicator ended the plain scalar";
}
