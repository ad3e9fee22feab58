import type { SourceText } from "../diagnostics/source-text.js";

/** The lines of one top-level `stages` list item: from its `-` line up to the next item. */
export interface StageRegion {
  index: number;
  /** First line (the one with the `-`) and the line after the region. */
  startLine: number;
  endLine: number;
  start: number;
  end: number;
}

/** The `stages:` block of a file, read from the text alone (so half-typed YAML still has one). */
export interface StageRegions {
  /** Line of the `stages:` key, or -1 when the file has no block `stages` list. */
  keyLine: number;
  /** Column of the items' `-`. */
  indent: number;
  /** Line after the last item (the next top-level key, or the end of the file). */
  endLine: number;
  items: StageRegion[];
}

const STAGES_KEY = /^stages\s*:\s*(#.*)?$/;
const isBlankOrComment = (line: string) => /^\s*(#.*)?$/.test(line);
const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * Finds the top-level `stages:` block list and the line range of each item. Only the plain
 * layout (`stages:` at column 0, items as `- ` lines at one indentation) is recognised; other
 * layouts give no items and callers fall back to whole-document work.
 */
export function findStageRegions(source: SourceText): StageRegions {
  const lineCount = source.lineStarts.length;
  const none: StageRegions = { keyLine: -1, indent: 0, endLine: lineCount, items: [] };
  let keyLine = -1;
  for (let line = 0; line < lineCount; line++) {
    const text = source.lineText(line);
    if (text.startsWith("stages") && STAGES_KEY.test(text)) {
      keyLine = line;
      break;
    }
  }
  if (keyLine < 0) return none;
  let indent = -1;
  const items: StageRegion[] = [];
  let endLine = lineCount;
  for (let line = keyLine + 1; line < lineCount; line++) {
    const text = source.lineText(line);
    if (isBlankOrComment(text)) continue;
    const column = indentOf(text);
    if (indent < 0) {
      if (text[column] !== "-") return { ...none, keyLine };
      indent = column;
    }
    const isItem =
      column === indent && text[column] === "-" && (text.length === column + 1 || text[column + 1] === " ");
    if (isItem) {
      items.push({ index: items.length, startLine: line, endLine: line + 1, start: 0, end: 0 });
      continue;
    }
    if (column <= indent) {
      endLine = line;
      break;
    }
  }
  for (let i = 0; i < items.length; i++) {
    items[i].endLine = i + 1 < items.length ? items[i + 1].startLine : endLine;
    items[i].start = source.lineStarts[items[i].startLine];
    items[i].end = lineStart(source, items[i].endLine);
  }
  return { keyLine, indent: Math.max(indent, 0), endLine, items };
}

/** Offset of the start of a line, or the text length past the last line. */
export function lineStart(source: SourceText, line: number): number {
  return line < source.lineStarts.length ? source.lineStarts[line] : source.text.length;
}

/** The item whose lines contain `line`, by binary search. */
export function regionAtLine(regions: StageRegions, line: number): StageRegion | undefined {
  let lo = 0;
  let hi = regions.items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const item = regions.items[mid];
    if (line < item.startLine) hi = mid - 1;
    else if (line >= item.endLine) lo = mid + 1;
    else return item;
  }
  return undefined;
}
