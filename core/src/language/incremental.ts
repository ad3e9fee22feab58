import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { MAX_DOCUMENT_BYTES } from "../loader/read-text-file.js";
import { documentFromParsed, hasDuplicateKeys, type LoadedDocument } from "../loader/yaml-loader.js";
import type { PipelineAnalysis } from "./pipeline-analysis.js";
import { plainValue } from "./plain-value.js";
import type { StageRegion, StageRegions } from "./stage-regions.js";

type Range3 = [number, number, number];

/** The one changed range between two texts: common prefix and suffix removed. */
export function diffRange(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(before.length, after.length);
  // Whole chunks first (native string comparison), then character by character.
  let start = 0;
  for (let chunk = 4096; chunk >= 1; chunk >>= 4) {
    while (start + chunk <= max && before.slice(start, start + chunk) === after.slice(start, start + chunk))
      start += chunk;
  }
  let suffix = 0;
  for (let chunk = 4096; chunk >= 1; chunk >>= 4) {
    while (
      suffix + chunk <= max - start &&
      before.slice(before.length - suffix - chunk, before.length - suffix) ===
        after.slice(after.length - suffix - chunk, after.length - suffix)
    )
      suffix += chunk;
  }
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

/**
 * Re-parses only the `stages` item an edit falls in and splices it into the previous tree,
 * shifting the spans of everything after it. Returns undefined (the caller parses the whole
 * text) when the previous version had YAML problems, the edit crosses item boundaries, or the
 * new item text would not stay one item on its own (dedented lines, a new `-` item, YAML errors).
 */
export function spliceStageEdit(
  previous: PipelineAnalysis,
  text: string,
): { document: LoadedDocument; regions: StageRegions } | undefined {
  const old = previous.document;
  if (old.diagnostics.length > 0 || old.yaml.errors.length > 0 || old.yaml.warnings.length > 0)
    return undefined;
  // Past the size limit the whole-text load reports it (and parses nothing).
  if (text.length * 3 > MAX_DOCUMENT_BYTES && Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) return undefined;
  const regions = previous.regions;
  if (regions.items.length === 0) return undefined;
  const { start, oldEnd, newEnd } = diffRange(previous.text, text);
  const delta = newEnd - oldEnd;
  const item = regions.items.find((r) => r.start <= start && oldEnd <= r.end && start < r.end);
  if (!item) return undefined;
  const stagesNode = old.nodeAt(["stages"]);
  if (!stagesNode || !isSeq(stagesNode) || stagesNode.flow) return undefined;
  const oldNode = stagesNode.items[item.index] as Node | null;
  if (!oldNode?.range || stagesNode.items.length !== regions.items.length) return undefined;
  const regionText = text.slice(item.start, item.end + delta);
  if (!keepsItemShape(regionText, regions.indent, item.end + delta === text.length)) return undefined;

  // Duplicate keys are looked for in linear time (yaml's uniqueKeys is quadratic); any sends the
  // edit to the whole-text parse, which reports them.
  const parsed = parseDocument(regionText, { prettyErrors: false, uniqueKeys: false });
  if (parsed.errors.length > 0 || parsed.warnings.length > 0) return undefined;
  const seq = parsed.contents;
  if (!isSeq(seq) || seq.items.length !== 1) return undefined;
  const newNode = seq.items[0] as Node | null;
  if (!newNode?.range || hasAliasOrAnchor(parsed) || hasDuplicateKeys(newNode)) return undefined;
  const converted = plainValue(newNode);
  const root = old.value as Record<string, unknown>;
  if (!converted.ok || typeof root !== "object" || root === null || !Array.isArray(root.stages))
    return undefined;

  // From here on the previous tree is reused: shift, then swap the item in.
  const oldRange = [...oldNode.range] as Range3;
  shiftTree(newNode, item.start);
  const newRange = newNode.range as Range3;
  const moveOffset = (v: number): number => {
    if (v < item.start) return v;
    if (v >= item.end) return v + delta;
    const same = oldRange.indexOf(v);
    return same >= 0 ? newRange[same] : v;
  };
  shiftAfterEdit(old.yaml, oldNode, item.start, item.end, delta, moveOffset);
  stagesNode.items[item.index] = newNode;

  const stages = [...root.stages];
  stages[item.index] = converted.value;
  const value: Record<string, unknown> = {};
  for (const key of Object.keys(root)) {
    Object.defineProperty(value, key, {
      value: key === "stages" ? stages : root[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const source = old.source.edited(text, start, oldEnd, newEnd);
  const lineDelta = source.lineStarts.length - old.source.lineStarts.length;
  return {
    document: documentFromParsed(source, old.yaml as Document.Parsed, value, []),
    regions: shiftRegions(regions, item.index, lineDelta, delta),
  };
}

/**
 * Moves the ranges of the previous tree to the new text. Only nodes that end at or after the
 * edited item are visited: the ones wholly after it move by `delta`, and the ones around it (the
 * document, the root map, the `stages` list) go through `moveOffset`. The replaced item is skipped.
 */
function shiftAfterEdit(
  doc: Document,
  replaced: Node,
  itemStart: number,
  itemEnd: number,
  delta: number,
  moveOffset: (v: number) => number,
): void {
  const visitNode = (node: Node | null | undefined): void => {
    if (!node || node === replaced) return;
    const range = node.range;
    if (range) {
      if (range[2] < itemStart) return;
      if (range[0] >= itemEnd) {
        // An edit that kept the item's length leaves everything after it where it was.
        if (delta !== 0) shiftTree(node, delta);
        return;
      }
      node.range = [moveOffset(range[0]), moveOffset(range[1]), moveOffset(range[2])];
    }
    if (isCollection(node)) {
      for (const child of node.items) {
        if (isPair(child)) {
          visitNode(child.key as Node | null);
          visitNode(child.value as Node | null);
        } else visitNode(child as Node | null);
      }
    }
  };
  const ranged = doc as unknown as { range?: Range3 };
  if (ranged.range) ranged.range = ranged.range.map(moveOffset) as Range3;
  visitNode(doc.contents as Node | null);
}

/** The stage regions after an edit that kept item `index` one item and moved later lines. */
function shiftRegions(regions: StageRegions, index: number, lineDelta: number, delta: number): StageRegions {
  const items = regions.items.map((r, k): StageRegion => {
    if (k < index) return r;
    if (k === index) return { ...r, endLine: r.endLine + lineDelta, end: r.end + delta };
    return {
      index: k,
      startLine: r.startLine + lineDelta,
      endLine: r.endLine + lineDelta,
      start: r.start + delta,
      end: r.end + delta,
    };
  });
  return { ...regions, endLine: regions.endLine + lineDelta, items };
}

/**
 * The region must still be exactly one item: a `-` line at the list's indentation, every
 * other content line indented deeper, no tabs as indentation, and a line break at its end
 * (unless it ends the file).
 */
function keepsItemShape(region: string, indent: number, atEnd: boolean): boolean {
  if (!atEnd && !region.endsWith("\n")) return false;
  const lines = region.split("\n");
  const first = lines[0];
  if (!first.startsWith(" ".repeat(indent)) || first[indent] !== "-") return false;
  if (first.length > indent + 1 && first[indent + 1] !== " ") return false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line.startsWith("\t")) return false;
    const trimmed = line.trimStart();
    if (trimmed === "") continue;
    const column = line.length - trimmed.length;
    if (trimmed.startsWith("#") && column > indent) continue;
    if (column <= indent) return false;
  }
  return true;
}

function shiftTree(node: Node, by: number): void {
  // In place: every node has its own range array, and the previous version is not used again.
  const range = node.range;
  if (range) {
    range[0] += by;
    range[1] += by;
    range[2] += by;
  }
  if (isCollection(node)) {
    for (const child of node.items) {
      if (isPair(child)) {
        if (child.key) shiftTree(child.key as Node, by);
        if (child.value) shiftTree(child.value as Node, by);
      } else if (child) shiftTree(child as Node, by);
    }
  }
}

function hasAliasOrAnchor(doc: Document): boolean {
  let found = false;
  visit(doc, (_key, node) => {
    if (isAlias(node) || ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor)) {
      found = true;
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}
