import type { ImportNote, ImportNoteKind, ImportResult } from "./types.js";

/** How many notes of each kind an import report holds. */
export interface ImportSummary {
  notes: number;
  unsupported: number;
  changed: number;
  dropped: number;
  /** Notes about the stage graph (ids, dependsOn, the order stages run in), of any kind. */
  graph: number;
}

/** The kinds in the order the report lists them: what Capstan cannot do first. */
export const NOTE_KINDS: readonly ImportNoteKind[] = ["unsupported", "changed", "dropped"];

export function summarizeReport(notes: readonly ImportNote[]): ImportSummary {
  const summary: ImportSummary = { notes: notes.length, unsupported: 0, changed: 0, dropped: 0, graph: 0 };
  for (const n of notes) {
    summary[n.kind]++;
    if (n.graph) summary.graph++;
  }
  return summary;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One line: `12 notes: 1 unsupported, 4 changed, 7 dropped; 2 about the stage graph`. */
export function summaryLine(notes: readonly ImportNote[]): string {
  const s = summarizeReport(notes);
  if (s.notes === 0) return "nothing was dropped or changed";
  const kinds = NOTE_KINDS.filter((k) => s[k] > 0).map((k) => `${s[k]} ${k}`);
  const graph = s.graph > 0 ? `; ${s.graph} about the stage graph` : "";
  return `${plural(s.notes, "note")}: ${kinds.join(", ")}${graph}`;
}

/**
 * The report for people: the summary by kind first, then the notes of each kind (unsupported,
 * changed, dropped), each with its JSON path. `title` names the input.
 */
export function formatReport(notes: readonly ImportNote[], title = "import report"): string {
  const lines = [`${title}: ${summaryLine(notes)}`];
  for (const kind of NOTE_KINDS) {
    const of = notes.filter((n) => n.kind === kind);
    if (of.length === 0) continue;
    lines.push(`${kind} (${of.length}):`);
    for (const n of of) lines.push(`  ${n.path}: ${n.message}${n.graph ? " [graph]" : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The report as JSON (`capstan import --report FILE`): the input, the pipelines, the summary, the notes. */
export function reportJson(
  result: ImportResult,
  input: string,
  outputs: readonly { name: string; path: string; file?: string }[] = result.pipelines,
): Record<string, unknown> {
  return {
    input,
    pipelines: outputs.map((p) => ({ name: p.name, path: p.path, ...(p.file ? { file: p.file } : {}) })),
    summary: summarizeReport(result.report),
    notes: result.report,
    diagnostics: result.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      ...(d.path ? { path: d.path } : {}),
      ...(d.line !== undefined ? { line: d.line, column: d.column } : {}),
    })),
  };
}
