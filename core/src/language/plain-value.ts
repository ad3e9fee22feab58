import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceText } from "../diagnostics/source-text.js";
import type { LoadedDocument, PathSegment } from "../loader/yaml-loader.js";

/**
 * A LoadedDocument over an already composed YAML tree, for documents the incremental path
 * splices together. Path lookups follow the loader's rules (aliases resolved, scalar keys).
 */
export function loadedDocumentFrom(
  source: SourceText,
  yaml: Document.Parsed,
  value: unknown,
  diagnostics: Diagnostic[],
): LoadedDocument {
  const resolve = (node: Node | null | undefined): Node | undefined => {
    let current: Node | null | undefined = node;
    for (let hops = 0; current && isAlias(current) && hops < 64; hops++) current = current.resolve(yaml);
    return current ?? undefined;
  };
  const walk = (path: readonly PathSegment[]): { node?: Node; key?: Node } => {
    let node = resolve(yaml.contents as Node | null);
    let key: Node | undefined;
    for (const segment of path) {
      if (!node) return {};
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return {};
        key = pair.key as Node;
        node = resolve(pair.value as Node | null) ?? undefined;
        if (!node) return { key };
      } else if (isSeq(node) && typeof segment === "number") {
        key = undefined;
        node = resolve(node.items[segment] as Node | null);
      } else {
        return {};
      }
    }
    return { node, key };
  };
  return {
    source,
    yaml,
    value,
    diagnostics,
    nodeAt: (path) => walk(path).node,
    locate(path) {
      const { node, key } = walk(path);
      const keySpan = key?.range ? { start: key.range[0], end: key.range[1] } : undefined;
      if (!node?.range)
        return keySpan ? { key: keySpan, value: { start: keySpan.end, end: keySpan.end } } : undefined;
      return { key: keySpan, value: { start: node.range[0], end: node.range[1] } };
    },
  };
}

/** Plain data of an alias-free node, as the loader builds it; undefined for complex keys. */
export function plainValue(node: unknown): { ok: boolean; value: unknown } {
  if (node === null || node === undefined) return { ok: true, value: null };
  if (isAlias(node)) return { ok: false, value: null };
  if (isScalar(node)) return { ok: true, value: node.value ?? null };
  if (isSeq(node)) {
    const out: unknown[] = [];
    for (const item of node.items) {
      const converted = plainValue(item);
      if (!converted.ok) return converted;
      out.push(converted.value);
    }
    return { ok: true, value: out };
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (!isScalar(pair.key)) return { ok: false, value: null };
      const converted = plainValue(pair.value);
      if (!converted.ok) return converted;
      Object.defineProperty(out, String(pair.key.value), {
        value: converted.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { ok: true, value: out };
  }
  return { ok: true, value: null };
}
