import type { Scalar } from "yaml";

/**
 * For a YAML scalar, the file offset of every character of its decoded string value (plus one
 * entry for the end), so a position inside the value (an expression's sub-range) can be shown at
 * the right place in the file. Handles plain, single-quoted (`''`), double-quoted (backslash
 * escapes) and block scalars, with line folding. Returns undefined when our decoding does not
 * reproduce the parser's value, so callers fall back to the whole scalar's range.
 */
export function scalarOffsets(text: string, node: Scalar): number[] | undefined {
  if (!node.range || typeof node.value !== "string") return undefined;
  const [start, end] = node.range;
  const decoded = decode(text, start, end, node.type);
  if (!decoded || decoded.value !== node.value) return undefined;
  return decoded.offsets;
}

interface Decoded {
  value: string;
  offsets: number[];
}

function decode(text: string, start: number, end: number, type: Scalar["type"]): Decoded | undefined {
  switch (type) {
    case "PLAIN":
      return flow(text, start, end, "plain");
    case "QUOTE_SINGLE":
      return flow(text, start + 1, end - 1, "single");
    case "QUOTE_DOUBLE":
      return flow(text, start + 1, end - 1, "double");
    case "BLOCK_LITERAL":
    case "BLOCK_FOLDED":
      return block(text, start, end, type === "BLOCK_FOLDED");
    default:
      return undefined;
  }
}

const ESCAPES: Record<string, string> = {
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
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Plain and quoted scalars: decode escapes and fold line breaks (YAML 1.2 flow folding). */
function flow(
  text: string,
  from: number,
  to: number,
  style: "plain" | "single" | "double",
): Decoded | undefined {
  const out: string[] = [];
  const offsets: number[] = [];
  const push = (s: string, at: number) => {
    for (let k = 0; k < s.length; k++) {
      out.push(s[k]);
      offsets.push(at);
    }
  };
  // Characters produced by escapes are content even when they are white space.
  let kept = 0;
  let i = from;
  while (i < to) {
    const ch = text[i];
    if (ch === "\n" || ch === "\r") {
      // Trailing white space of this line is dropped; count empty lines to decide on ' ' or '\n'.
      while (out.length > kept && (out[out.length - 1] === " " || out[out.length - 1] === "\t")) {
        out.pop();
        offsets.pop();
      }
      const breakAt = i;
      let newlines = 0;
      while (i < to && (text[i] === "\n" || text[i] === "\r" || text[i] === " " || text[i] === "\t")) {
        if (text[i] === "\n") newlines++;
        i++;
      }
      if (newlines <= 1) push(" ", breakAt);
      else push("\n".repeat(newlines - 1), breakAt);
      continue;
    }
    if (style === "single" && ch === "'" && text[i + 1] === "'") {
      push("'", i);
      i += 2;
      continue;
    }
    if (style === "double" && ch === "\\") {
      const next = text[i + 1];
      if (next === "\n" || next === "\r") {
        // An escaped line break joins the lines without a space.
        i += 2;
        while (i < to && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
        continue;
      }
      const hex = HEX_LENGTH[next];
      if (hex) {
        const code = Number.parseInt(text.slice(i + 2, i + 2 + hex), 16);
        if (Number.isNaN(code)) return undefined;
        push(String.fromCodePoint(code), i);
        kept = out.length;
        i += 2 + hex;
        continue;
      }
      const escaped = ESCAPES[next];
      if (escaped === undefined) return undefined;
      push(escaped, i);
      kept = out.length;
      i += 2;
      continue;
    }
    push(ch, i);
    i++;
  }
  offsets.push(to);
  return { value: out.join(""), offsets };
}

/** Literal (`|`) and folded (`>`) block scalars with chomping and indentation indicators. */
function block(text: string, start: number, end: number, folded: boolean): Decoded | undefined {
  const headerEnd = text.indexOf("\n", start);
  if (headerEnd < 0 || headerEnd >= end) return { value: "", offsets: [end] };
  const header = text.slice(start, headerEnd).replace(/\s+#.*$/, "");
  const chomp = header.includes("-") ? "strip" : header.includes("+") ? "keep" : "clip";
  const explicit = /\d/.exec(header);
  const lines: { at: number; text: string }[] = [];
  let at = headerEnd + 1;
  while (at <= end && at < text.length) {
    const nl = text.indexOf("\n", at);
    const lineEnd = nl < 0 || nl > end ? end : nl;
    lines.push({ at, text: text.slice(at, lineEnd) });
    if (nl < 0 || nl >= end) break;
    at = nl + 1;
  }
  let indent = explicit ? Number(explicit[0]) : -1;
  if (indent < 0) {
    const first = lines.find((l) => l.text.trim() !== "");
    indent = first ? first.text.length - first.text.trimStart().length : 0;
  }
  // The block's own indentation is relative to its parent; use the absolute column seen.
  const out: string[] = [];
  const offsets: number[] = [];
  const push = (s: string, pos: number) => {
    out.push(s);
    offsets.push(pos);
  };
  let previousWasText = false;
  let previousMoreIndented = false;
  let pendingBreaks: number[] = [];
  for (const line of lines) {
    const content = line.text.length > indent ? line.text.slice(indent) : "";
    if (line.text.trim() === "") {
      pendingBreaks.push(line.at + Math.min(indent, line.text.length));
      continue;
    }
    const moreIndented = content.startsWith(" ") || content.startsWith("\t");
    if (out.length > 0 || pendingBreaks.length > 0) {
      // The break ending the previous text line, then one per empty line.
      const breaks = previousWasText ? pendingBreaks.length + 1 : pendingBreaks.length;
      const breakAt = pendingBreaks[0] ?? line.at;
      if (folded && previousWasText && !moreIndented && !previousMoreIndented && pendingBreaks.length === 0) {
        push(" ", line.at - 1);
      } else if (folded && previousWasText && !moreIndented && !previousMoreIndented) {
        for (let k = 0; k < breaks - 1; k++) push("\n", breakAt);
      } else {
        for (let k = 0; k < breaks; k++) push("\n", breakAt);
      }
    }
    pendingBreaks = [];
    for (let k = 0; k < content.length; k++) push(content[k], line.at + indent + k);
    previousWasText = true;
    previousMoreIndented = moreIndented;
  }
  if (chomp !== "strip" && previousWasText) push("\n", end);
  if (chomp === "keep") for (const b of pendingBreaks) push("\n", b);
  offsets.push(end);
  return { value: out.join(""), offsets };
}

/**
 * `scalarOffsets` as a function accepting offsets 0..value.length (clamped). When the mapping is
 * unknown every offset maps to the start of the scalar's content, the closest honest answer.
 */
export function scalarOffsetMap(text: string, node: Scalar): (valueOffset: number) => number {
  const offsets = scalarOffsets(text, node);
  if (!offsets) {
    const range = node.range ?? [0, 0, 0];
    const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
    const start = range[0] + (quoted ? 1 : 0);
    return () => start;
  }
  const last = offsets.length - 1;
  return (offset) => offsets[Math.max(0, Math.min(offset, last))];
}
