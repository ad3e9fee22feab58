import { isMap, isPair, isScalar, isSeq, type Node, parseDocument, type Scalar } from "yaml";
import type { Span } from "../diagnostics/diagnostic.js";
import { aliasTargets, anchorBefore } from "../loader/alias-targets.js";
import { type PathSegment, plainData } from "../loader/yaml-loader.js";
import type { PipelineAnalysis } from "./analysis.js";
import { lineStart, regionAtLine } from "./stage-regions.js";

/** The placeholder written into a half-typed line so that it parses (removed from results). */
export const PLACEHOLDER = "__capstan_cursor__";

/** Where the cursor is in the YAML structure, for completion. */
export interface CursorContext {
  /** `key`: a key of the map at `path`; `value`: the value at `path`; `stage-item`: a new `stages` item. */
  kind: "key" | "value" | "stage-item";
  path: PathSegment[];
  /** Plain data shaped like the whole file along `path` (chooses schema branches, e.g. the stage type). */
  data: unknown;
  /** The same path into `data` (differs from `path` only in the stage index). */
  dataPath: PathSegment[];
  /** The word being typed and the file span it occupies (replaced by the completion). */
  prefix: string;
  replace: Span;
  /** Keys already present in the map (key completion leaves them out). */
  existingKeys: string[];
  /** Column where a key of this map starts (for multi-line snippets). */
  indent: number;
}

const isBlank = (line: string) => line.trim() === "";

/**
 * Finds what is being typed at `offset`. Only the enclosing `stages` item (or top-level block)
 * is parsed, after repairing the cursor line (an empty line gets a placeholder key, a bare word
 * a `:`), so half-typed YAML in a large file still gives a path quickly.
 */
export function cursorContext(analysis: PipelineAnalysis, offset: number): CursorContext | undefined {
  const { source } = analysis;
  const position = source.position(offset);
  const lineText = source.lineText(position.line);
  const before = lineText.slice(0, position.character);
  if (/:$/.test(before) && !/\s$/.test(before)) return undefined;
  const regions = analysis.regions;
  const region = regionAtLine(regions, position.line);
  let firstLine: number;
  let endLine: number;
  let basePath: PathSegment[];
  let stageIndex: number | undefined;
  if (region) {
    if (isBlank(lineText) && position.character <= regions.indent)
      return stageItemContext(analysis, offset, position.character);
    firstLine = region.startLine;
    endLine = region.endLine;
    basePath = ["stages", region.index];
    stageIndex = region.index;
  } else if (regions.keyLine >= 0 && position.line > regions.keyLine && position.line < regions.endLine) {
    return stageItemContext(analysis, offset, position.character);
  } else {
    // The top-level block around the cursor: from its key line to the next top-level key.
    firstLine = position.line;
    while (firstLine > 0 && !/^[^\s#]/.test(source.lineText(firstLine))) firstLine--;
    endLine = position.line + 1;
    const count = source.lineStarts.length;
    while (endLine < count && !/^[^\s#]/.test(source.lineText(endLine))) endLine++;
    basePath = [];
  }
  const segmentStart = lineStart(source, firstLine);
  const lines: string[] = [];
  for (let line = firstLine; line < endLine; line++) lines.push(source.lineText(line));
  const cursorLine = position.line - firstLine;
  lines[cursorLine] = repairLine(lineText, position.character);
  const text = lines.join("\n");
  const local = offsetIn(lines, cursorLine, position.character);
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const found = findAt(doc.contents as Node | null, local, [], text);
  if (!found) return undefined;
  const repairedEnd = offsetIn(lines, cursorLine, lines[cursorLine].length);
  const grow = lines[cursorLine].length - lineText.length;
  const lineEnd = offset - position.character + lineText.length;
  // Segment offsets equal file offsets up to the cursor; the repaired line only changed after it.
  const toFile = (v: number) =>
    v <= local
      ? segmentStart + v
      : v <= repairedEnd
        ? Math.min(segmentStart + v, lineEnd)
        : segmentStart + v - grow;
  // An alias in the block may name an anchor earlier in the file (`type: *wait`).
  const inBlock = aliasTargets(doc);
  const data = plainData(
    doc.contents as Node | null,
    (alias) => inBlock(alias) ?? anchorBefore(analysis.document.yaml, alias.source, segmentStart),
    100,
  );
  let path = found.path;
  let dataPath = found.path;
  let wrapped = data;
  if (stageIndex !== undefined) {
    if (path[0] !== 0) return undefined;
    path = [...basePath, ...path.slice(1)];
    dataPath = ["stages", 0, ...found.path.slice(1)];
    wrapped = { stages: data };
  }
  let prefix = "";
  let replace = { start: offset, end: offset };
  if (found.node && isScalar(found.node) && found.node.range) {
    const start = found.node.range[0];
    const raw = text.slice(start, local);
    const isPlaceholder = String(found.node.value).includes(PLACEHOLDER);
    prefix = isPlaceholder ? raw.replace(PLACEHOLDER, "") : raw.replace(/^["']/, "");
    const end = isPlaceholder ? local : found.node.range[1];
    replace = { start: toFile(start), end: Math.max(offset, toFile(end)) };
  }
  let existingKeys = found.map
    ? found.map.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : []))
    : [];
  existingKeys = existingKeys.filter((k) => !k.includes(PLACEHOLDER) && k !== prefix);
  if (found.kind === "key" && path.length === 0)
    existingKeys = Object.keys((analysis.document.value as object) ?? {});
  return {
    kind: found.kind,
    path,
    data: wrapped,
    dataPath,
    prefix,
    replace,
    existingKeys,
    indent: found.indent,
  };
}

function stageItemContext(analysis: PipelineAnalysis, offset: number, column: number): CursorContext {
  return {
    kind: "stage-item",
    path: ["stages", analysis.pipeline.stages.length],
    data: {},
    dataPath: [],
    prefix: "",
    replace: { start: offset, end: offset },
    existingKeys: [],
    indent: column,
  };
}

/** An empty line becomes a placeholder key, `- ` a placeholder item, a bare word a key. */
function repairLine(line: string, column: number): string {
  if (line.includes("${")) return line;
  const head = line.slice(0, column);
  const tail = line.slice(column);
  if (isBlank(line)) return `${" ".repeat(column)}${PLACEHOLDER}:`;
  if (/^\s*-\s*$/.test(head) && tail.trim() === "") return `${head.trimEnd()} ${PLACEHOLDER}`;
  if (/^\s*(-\s+)?[\w.-]+$/.test(head) && tail.trim() === "") return `${head}:`;
  if (/:\s+$/.test(head) && tail.trim() === "") return line;
  return line;
}

function offsetIn(lines: string[], line: number, character: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i].length + 1;
  return offset + character;
}

interface Found {
  kind: "key" | "value";
  path: PathSegment[];
  node?: Node | null;
  map?: { items: { key: unknown }[] };
  indent: number;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

function findAt(node: Node | null, offset: number, path: PathSegment[], text: string): Found | undefined {
  if (!node?.range) return undefined;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Scalar | null;
      const value = pair.value as Node | null;
      if (!key?.range) continue;
      const name = String(key.value);
      const indent = columnOf(text, key.range[0]);
      if (offset >= key.range[0] && offset <= key.range[1])
        return { kind: "key", path, node: key, map: node, indent };
      if (value?.range && offset >= value.range[0] && offset <= value.range[1]) {
        if (isMap(value) || isSeq(value))
          return (
            findAt(value, offset, [...path, name], text) ?? {
              kind: "value",
              path: [...path, name],
              node: null,
              indent,
            }
          );
        return { kind: "value", path: [...path, name], node: value, indent };
      }
      if (!value || (isScalar(value) && value.value === null)) {
        const lineEnd = text.indexOf("\n", key.range[1]);
        if (offset > key.range[1] && (lineEnd < 0 || offset <= lineEnd))
          return { kind: "value", path: [...path, name], node: null, indent };
      }
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as Node | null;
      if (!item?.range) continue;
      if (offset >= item.range[0] && offset <= item.range[1]) {
        if (isMap(item) || isSeq(item))
          return (
            findAt(item, offset, [...path, i], text) ?? {
              kind: "value",
              path: [...path, i],
              node: null,
              indent: columnOf(text, item.range[0]),
            }
          );
        return { kind: "value", path: [...path, i], node: item, indent: columnOf(text, item.range[0]) };
      }
    }
    if (node.flow && offset > node.range[0] && offset < node.range[1])
      return { kind: "value", path: [...path, node.items.length], node: null, indent: 0 };
  }
  return undefined;
}
