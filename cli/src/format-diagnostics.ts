import type { Diagnostic, SourceText } from "@capstan/core";

const COLOURS = { error: "\x1b[31m", warning: "\x1b[33m", information: "\x1b[36m", hint: "\x1b[36m" };
const RESET = "\x1b[0m";
/** Widest source excerpt shown under a diagnostic. */
const EXCERPT_COLUMNS = 200;

/** `file:line:col severity code message`, then the source line and a caret under the range. */
export function formatHuman(source: SourceText, diagnostics: readonly Diagnostic[], colour = false): string {
  const out: string[] = [];
  for (const d of diagnostics) {
    const range = source.range(d.span);
    const where = `${source.path}:${range.start.line + 1}:${range.start.character + 1}`;
    const severity = colour ? `${COLOURS[d.severity]}${d.severity}${RESET}` : d.severity;
    out.push(`${where} ${severity} ${d.code} ${d.message}`);
    const line = source.lineText(range.start.line);
    if (line.trim() !== "") {
      const width =
        range.end.line === range.start.line
          ? range.end.character - range.start.character
          : line.length - range.start.character;
      // A long line is cut to EXCERPT_COLUMNS around the error, `…` marking what was left out.
      const from =
        line.length <= EXCERPT_COLUMNS ? 0 : Math.max(0, range.start.character - EXCERPT_COLUMNS / 4);
      const to = Math.min(line.length, from + EXCERPT_COLUMNS);
      const head = from > 0 ? "…" : "";
      const excerpt = `${head}${line.slice(from, to)}${to < line.length ? "…" : ""}`;
      const caret = Math.max(1, Math.min(width, to - range.start.character));
      const gutter = String(range.start.line + 1).padStart(5);
      out.push(`${gutter} | ${excerpt}`);
      out.push(
        `${" ".repeat(5)} | ${" ".repeat(head.length + range.start.character - from)}${"^".repeat(caret)}`,
      );
    }
    for (const related of d.related ?? []) {
      const r = source.range(related.span);
      out.push(`      ${source.path}:${r.start.line + 1}:${r.start.character + 1} note: ${related.message}`);
    }
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}

/** The JSON shape of `capstan validate --format json` for one file. */
export interface FileDiagnosticsJson {
  file: string;
  diagnostics: {
    code: string;
    severity: string;
    message: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    related?: { message: string; range: ReturnType<SourceText["range"]> }[];
  }[];
}

/** Diagnostics with LSP-style zero-based ranges. */
export function toJson(source: SourceText, diagnostics: readonly Diagnostic[]): FileDiagnosticsJson {
  return {
    file: source.path,
    diagnostics: diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      range: source.range(d.span),
      ...(d.related
        ? { related: d.related.map((r) => ({ message: r.message, range: source.range(r.span) })) }
        : {}),
    })),
  };
}
