import { isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import type { Span } from "../diagnostics/diagnostic.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";

/** The node at an offset in the analysed (complete) document: its path, and whether it is a key. */
export interface NodeHit {
  path: PathSegment[];
  isKey: boolean;
  span: Span;
  node: Node;
}

/** Walks down from the root to the innermost key or value at `offset`; sequences by binary search. */
export function nodeAtOffset(
  analysis: { readonly document: LoadedDocument },
  offset: number,
): NodeHit | undefined {
  let node = analysis.document.yaml.contents as Node | null;
  const path: PathSegment[] = [];
  for (let depth = 0; node && depth < 64; depth++) {
    if (isMap(node)) {
      let next: Node | null = null;
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
        const key = pair.key;
        const [ks, ke] = key.range as [number, number, number];
        if (offset >= ks && offset <= ke)
          return { path: [...path, String(key.value)], isKey: true, span: { start: ks, end: ke }, node: key };
        const value = pair.value as Node | null;
        if (value?.range && offset >= value.range[0] && offset <= value.range[1]) {
          path.push(String(key.value));
          next = value;
          break;
        }
      }
      node = next;
    } else if (isSeq(node)) {
      const items = node.items as (Node | null)[];
      let lo = 0;
      let hi = items.length - 1;
      let next: Node | null = null;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const range = items[mid]?.range;
        if (!range) break;
        if (offset < range[0]) hi = mid - 1;
        else if (offset > range[1]) lo = mid + 1;
        else {
          path.push(mid);
          next = items[mid];
          break;
        }
      }
      node = next;
    } else if (isScalar(node) && node.range) {
      return { path, isKey: false, span: { start: node.range[0], end: node.range[1] }, node };
    } else return undefined;
  }
  return undefined;
}
