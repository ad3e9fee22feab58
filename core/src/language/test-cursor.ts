import type { Position } from "../diagnostics/diagnostic.js";

/** Splits a fixture with one `|` cursor marker into its text and the cursor position (tests only). */
export function withCursor(fixture: string): { text: string; position: Position } {
  const at = fixture.indexOf("|");
  if (at < 0) throw new Error("fixture has no | cursor");
  const text = fixture.slice(0, at) + fixture.slice(at + 1);
  const before = fixture.slice(0, at).split("\n");
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}
