// Indentation mistakes, said as such: YAML reports a line indented one space off as "Nested
// mappings are not allowed in compact mappings" on the line above, "Sequence item without -
// indicator", or "All sequence items must start at the same column". This turns those into one
// diagnostic at the offending line that names the column expected (from the lines above), with
// the block the misparse breaks (`data.holdBack`), where validation holds back what follows from it.
import type { YAMLError } from "yaml";
import { type Diagnostic, diagnostic, type Span } from "../diagnostics/diagnostic.js";
import type { SourceText } from "../diagnostics/source-text.js";

/** YAML error codes an indentation mistake produces. */
const ABOVE = new Set(["BLOCK_AS_IMPLICIT_KEY", "MULTILINE_IMPLICIT_KEY"]);
const AT = new Set(["BAD_INDENT", "MISSING_CHAR"]);

interface Line {
  start: number;
  text: string;
  indent: number;
  /** A list item (`- ...`). */
  dash: boolean;
  /** Where a map key on the line starts (after `- ` for an item). */
  keyColumn: number;
  key?: string;
}

function parseLine(text: string, start: number): Line {
  const indent = text.length - text.trimStart().length;
  const rest = text.slice(indent);
  const dash = /^-(?:\s|$)/.test(rest);
  const afterDash = dash ? rest.slice(1).length - rest.slice(1).trimStart().length + 1 : 0;
  const content = rest.slice(afterDash);
  const key = /^((?:"[^"]*"|'[^']*'|[^\s#:"'][^:#]*?))\s*:(?:\s|$)/.exec(content)?.[1];
  return { start, text, indent, dash, keyColumn: indent + afterDash, key };
}

const blank = (l: Line) => l.text.trim() === "" || l.text.trimStart().startsWith("#");

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const raw of text.split("\n")) {
    out.push(parseLine(raw.replace(/\r$/, ""), start));
    start += raw.length + 1;
  }
  return out;
}

function lineAt(lines: readonly Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The line an error is about: the next content line for the errors YAML puts on the line above. */
function offendingLine(lines: readonly Line[], error: YAMLError): number | undefined {
  const at = lineAt(lines, error.pos[0]);
  if (AT.has(error.code)) {
    if (error.code === "MISSING_CHAR" && !error.message.startsWith("Sequence item without")) return undefined;
    return at;
  }
  if (!ABOVE.has(error.code)) return undefined;
  for (let i = at + 1; i < lines.length; i++) if (!blank(lines[i])) return i;
  return undefined;
}

interface Candidate {
  column: number;
  line: number;
}

/**
 * The columns a line could have meant, from the lines above it that are still open (not inside a
 * block that ended before it): map keys, or for a list item the other items' dashes.
 */
function candidates(lines: readonly Line[], at: number): { keys: Candidate[]; dashes: Candidate[] } {
  const keys: Candidate[] = [];
  const dashes: Candidate[] = [];
  let limit = Number.POSITIVE_INFINITY;
  for (let i = at - 1; i >= 0; i--) {
    const l = lines[i];
    if (blank(l) || l.indent > limit) continue;
    limit = Math.min(limit, l.indent);
    if (l.key !== undefined) keys.push({ column: l.keyColumn, line: i });
    if (l.dash) dashes.push({ column: l.indent, line: i });
  }
  return { keys, dashes };
}

function nearest(list: readonly Candidate[], column: number): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of list) if (!best || Math.abs(c.column - column) < Math.abs(best.column - column)) best = c;
  return best;
}

/**
 * The block the mistake breaks: from the line that opens it (the nearest open line above starting
 * left of the expected column) to the next line at or left of that one; the whole text when the
 * mistake is at the top level.
 */
function region(lines: readonly Line[], at: number, expected: number, length: number): Span {
  let limit = Number.POSITIVE_INFINITY;
  for (let i = at - 1; i >= 0; i--) {
    const l = lines[i];
    if (blank(l) || l.indent > limit) continue;
    limit = Math.min(limit, l.indent);
    if (l.indent < expected && (!lines[at].dash || !l.dash)) {
      for (let j = at + 1; j < lines.length; j++) {
        if (!blank(lines[j]) && lines[j].indent <= l.indent) return { start: l.start, end: lines[j].start };
      }
      return { start: l.start, end: length };
    }
  }
  return { start: 0, end: length };
}

/**
 * Indentation diagnostics (`yaml-indentation`) for the YAML errors an indentation mistake causes,
 * one per offending line, and the errors they replace.
 */
export function indentationDiagnostics(
  source: SourceText,
  errors: readonly YAMLError[],
): { diagnostics: Diagnostic[]; replaced: Set<YAMLError> } {
  const replaced = new Set<YAMLError>();
  const diagnostics: Diagnostic[] = [];
  if (!errors.some((e) => ABOVE.has(e.code) || AT.has(e.code))) return { diagnostics, replaced };
  const lines = linesOf(source.text);
  const done = new Map<number, boolean>();
  for (const error of errors) {
    const at = offendingLine(lines, error);
    if (at === undefined) continue;
    if (done.has(at)) {
      if (done.get(at)) replaced.add(error);
      continue;
    }
    const line = lines[at];
    const { keys, dashes } = candidates(lines, at);
    const column = line.dash ? line.indent : line.keyColumn;
    const wanted = line.dash ? nearest(dashes, column) : nearest(keys, column);
    if (!wanted || wanted.column === column) {
      done.set(at, false);
      continue;
    }
    done.set(at, true);
    replaced.add(error);
    const ref = lines[wanted.line];
    const fix = `indent it ${wanted.column} space${wanted.column === 1 ? "" : "s"}`;
    const message = line.dash
      ? `This list item starts at column ${column + 1}, but the items of its list start at column ${wanted.column + 1} (like the one on line ${wanted.line + 1}): ${fix}.`
      : `${line.key !== undefined ? `'${line.key}'` : "This line"} starts at column ${column + 1}, but the fields it belongs with start at column ${wanted.column + 1} (like '${ref.key}' on line ${wanted.line + 1}): ${fix}.`;
    const end = line.start + line.text.trimEnd().length;
    diagnostics.push(
      diagnostic(
        "yaml-indentation",
        "error",
        message,
        { start: line.start + line.indent, end },
        {
          data: {
            expectedColumn: wanted.column,
            holdBack: region(lines, at, wanted.column, source.text.length),
          },
        },
      ),
    );
  }
  return { diagnostics, replaced };
}

/**
 * Drops the findings inside the blocks that indentation mistakes broke (`data.holdBack` of
 * `yaml-indentation`): they follow from the misparse and go away with the fix.
 */
export function holdBackIndentationCascade(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const regions = diagnostics.flatMap((d) =>
    d.code === "yaml-indentation" && d.data?.holdBack ? [d.data.holdBack as Span] : [],
  );
  if (regions.length === 0) return [...diagnostics];
  return diagnostics.filter(
    (d) =>
      d.code === "yaml-indentation" || !regions.some((r) => d.span.start >= r.start && d.span.start < r.end),
  );
}
