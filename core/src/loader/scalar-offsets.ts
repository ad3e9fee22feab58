import type { Scalar } from "yaml";

const SIMPLE_ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Maps each offset in a string scalar's value to its offset in the source text, for
 * plain, single-quoted, double-quoted and block scalars. The value is aligned with the
 * source, skipping quotes, escapes, indentation and folded line breaks, so a range found
 * in the value (an expression, a stage name inside it) can be shown at its exact place.
 * The returned function accepts offsets 0..value.length.
 */
export function scalarOffsetMap(text: string, node: Scalar): (valueOffset: number) => number {
  const value = String(node.value);
  const range = node.range ?? [0, 0, 0];
  const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
  let start = range[0] + (quoted ? 1 : 0);
  const end = range[1] - (quoted ? 1 : 0);
  if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
    const headerEnd = text.indexOf("\n", range[0]);
    start = headerEnd < 0 ? end : headerEnd + 1;
  }
  const map = new Array<number>(value.length + 1);
  let j = start;
  for (let i = 0; i < value.length; i++) {
    const want = value[i];
    while (j < end) {
      const ch = text[j];
      if (node.type === "QUOTE_DOUBLE" && ch === "\\") {
        const next = text[j + 1];
        const hex = HEX_ESCAPE_LENGTH[next];
        const length = hex ? 2 + hex : next === "\n" || next === "\r" ? 0 : 2;
        if (length > 0) {
          const decoded = hex
            ? String.fromCodePoint(Number.parseInt(text.slice(j + 2, j + 2 + hex), 16) || 0)
            : SIMPLE_ESCAPES[next];
          if (decoded !== undefined && decoded[0] === want) break;
        }
      }
      if (ch === want) break;
      if (/\s/.test(want) && /\s/.test(ch)) break;
      j++;
    }
    map[i] = Math.min(j, end);
    // Consume the source characters this value character came from.
    if (node.type === "QUOTE_DOUBLE" && text[j] === "\\" && want !== "\\") {
      const hex = HEX_ESCAPE_LENGTH[text[j + 1]];
      j += hex ? 2 + hex : 2;
    } else if (node.type === "QUOTE_DOUBLE" && text[j] === "\\") {
      j += 2;
    } else if (node.type === "QUOTE_SINGLE" && want === "'" && text[j + 1] === "'") {
      j += 2;
    } else {
      j++;
    }
  }
  map[value.length] = Math.min(j, end);
  return (offset) => map[Math.max(0, Math.min(offset, value.length))];
}
