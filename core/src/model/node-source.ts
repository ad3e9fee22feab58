import { isMap, isScalar, isSeq } from "yaml";
import type { Span } from "../diagnostics/diagnostic.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";
import type { NodeSource } from "./types.js";

/** Reads the spans of a node and of each of its fields from the loaded document. */
export class NodeSourceReader {
  constructor(private readonly doc: LoadedDocument) {}

  at(path: readonly PathSegment[]): NodeSource {
    const node = this.doc.nodeAt(path);
    const span = node?.range ? { start: node.range[0], end: node.range[1] } : { start: 0, end: 0 };
    const fields: NodeSource["fields"] = {};
    if (node && isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const key = { start: pair.key.range[0], end: pair.key.range[1] };
        const valueNode = pair.value as { range?: [number, number, number] } | null;
        const value = valueNode?.range
          ? { start: valueNode.range[0], end: valueNode.range[1] }
          : { ...key, start: key.end };
        fields[String(pair.key.value)] = { key, value };
      }
    }
    return { span, fields };
  }

  /** The span of each item of the list at a path (empty when it is not a list). */
  itemSpans(path: readonly PathSegment[]): Span[] {
    const node = this.doc.nodeAt(path);
    if (!node || !isSeq(node)) return [];
    return node.items.map((item) => {
      const range = (item as { range?: [number, number, number] } | null)?.range;
      return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
    });
  }
}
