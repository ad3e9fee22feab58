import { isAlias, isMap, isPair, isScalar, isSeq } from "yaml";

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
