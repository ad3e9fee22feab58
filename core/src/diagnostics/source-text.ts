import type { Position, Range, Span } from "./diagnostic.js";

/** A text with a line index, converting offsets to LSP positions and back. */
export class SourceText {
  readonly lineStarts: number[];

  constructor(
    readonly text: string,
    readonly path = "<input>",
    lineStarts?: number[],
  ) {
    this.lineStarts = lineStarts ?? newlinesIn(text, 0, text.length, [0]);
  }

  /**
   * The text after one replacement (`[start, oldEnd)` of this text became `[start, newEnd)` of
   * `text`), reusing this line index: only the replaced part is scanned for line breaks.
   */
  edited(text: string, start: number, oldEnd: number, newEnd: number): SourceText {
    const delta = newEnd - oldEnd;
    const old = this.lineStarts;
    // A line start s follows the break at s - 1: kept when that break is before the edit,
    // shifted when it is after the replaced part, rescanned when it was inside.
    let keep = 0;
    while (keep < old.length && old[keep] <= start) keep++;
    const starts = newlinesIn(text, start, newEnd, old.slice(0, keep));
    let tail = keep;
    while (tail < old.length && old[tail] <= oldEnd) tail++;
    for (let i = tail; i < old.length; i++) starts.push(old[i] + delta);
    return new SourceText(text, this.path, starts);
  }

  /** The zero-based position of an offset (clamped to the text). */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - this.lineStarts[lo] };
  }

  /** The offset of a zero-based position (clamped to the text). */
  offset(position: Position): number {
    const line = Math.max(0, Math.min(position.line, this.lineStarts.length - 1));
    const start = this.lineStarts[line];
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] - 1 : this.text.length;
    return Math.min(start + Math.max(0, position.character), end);
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** The text of one zero-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const next = this.lineStarts[line + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}

/** Appends to `starts` the line start after every line break in `text[from, to)`. */
function newlinesIn(text: string, from: number, to: number, starts: number[]): number[] {
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
