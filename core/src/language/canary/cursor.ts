// Where the cursor is in a canary config, for completion. Canary configs are small, so the whole
// text is parsed, after a repair at the cursor that makes half-typed JSON or YAML parse: a
// placeholder where nothing is typed yet, a ':' after a bare YAML key, a closing quote, and the
// comma a new JSON entry still lacks.
import { isMap, isPair, isScalar, isSeq, type Node, parseDocument, type Scalar } from "yaml";
import type { Span } from "../../diagnostics/diagnostic.js";
import { aliasTargets } from "../../loader/alias-targets.js";
import { type PathSegment, plainData } from "../../loader/yaml-loader.js";
import { PLACEHOLDER } from "../cursor-context.js";

export interface CanaryCursor {
  /** `key`: a key of the map at `path`; `value`: the value at `path`. */
  kind: "key" | "value";
  path: PathSegment[];
  /** Plain data of the (repaired) document; placeholder keys and values are left in. */
  data: unknown;
  /** The part of the word typed before the cursor, without its opening quote. */
  prefix: string;
  /** The file span the completion replaces: the word at the cursor, with its quotes. */
  replace: Span;
  /** The quote the word at the cursor is written in, if any. */
  quote?: '"' | "'";
  /** For a key: a ':' already follows it (completion inserts the name only). */
  colonAfter: boolean;
  /** Keys already present in the map (key completion leaves them out). */
  existingKeys: string[];
  /** The value at the cursor is missing altogether (`key: |`), not a word being typed. */
  empty: boolean;
}

interface Insertion {
  at: number;
  text: string;
}

const OPENERS = "{[,:";
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";

/** The flow depth at `offset`, and the quoted string the offset is in, if any. */
function scan(text: string, offset: number): { depth: number; quote?: { char: '"' | "'"; start: number } } {
  let depth = 0;
  const tokenStart = (i: number) => i === 0 || isSpace(text[i - 1]) || "[{,:-".includes(text[i - 1]);
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if ((c === '"' || c === "'") && tokenStart(i)) {
      const start = i;
      for (i++; i < text.length; i++) {
        if (c === '"' && text[i] === "\\") i++;
        else if (c === "'" && text[i] === "'" && text[i + 1] === "'") i++;
        else if (text[i] === c) break;
      }
      if (i >= offset) return { depth, quote: { char: c, start } };
    } else if (c === "#" && (i === 0 || isSpace(text[i - 1]))) {
      const end = text.indexOf("\n", i);
      if (end < 0 || end >= offset) return { depth };
      i = end;
    } else if ((c === "{" || c === "[") && (depth > 0 || tokenStart(i))) depth++;
    else if ((c === "}" || c === "]") && depth > 0) depth--;
  }
  return { depth };
}

/** The last non-blank character before `from`, and its offset. */
function before(text: string, from: number): { char?: string; at: number } {
  let i = from - 1;
  while (i >= 0 && isSpace(text[i])) i--;
  return { char: i >= 0 ? text[i] : undefined, at: i };
}

function after(text: string, from: number): string | undefined {
  let i = from;
  while (i < text.length && isSpace(text[i])) i++;
  return text[i];
}

/** The repairs that make the text at the cursor parse, in order of position. */
function repairs(text: string, offset: number): Insertion[] {
  const { depth, quote } = scan(text, offset);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const lineEndAt = text.indexOf("\n", offset);
  const lineEnd = lineEndAt < 0 ? text.length : lineEndAt;
  const head = text.slice(lineStart, offset);
  const tail = text.slice(offset, lineEnd);
  /** In a flow collection, the commas a token written between two entries still needs. */
  const commas = (start: number, end: number, closing: Insertion[]) => {
    if (depth === 0) return [...closing];
    const previous = before(text, start);
    const next = after(text, end);
    const lead = previous.char !== undefined && !OPENERS.includes(previous.char);
    const trail = next !== undefined && (next === '"' || next === "'" || /[\w-]/.test(next));
    return [
      ...(lead ? [{ at: previous.at + 1, text: "," }] : []),
      ...closing,
      ...(trail ? [{ at: end, text: "," }] : []),
    ];
  };
  if (quote) {
    let close = -1;
    for (let i = offset; i < lineEnd; i++) {
      if (quote.char === '"' && text[i] === "\\") i++;
      else if (text[i] === quote.char) {
        close = i;
        break;
      }
    }
    if (close >= 0) return commas(quote.start, close + 1, []);
    return commas(quote.start, offset, [{ at: offset, text: quote.char }]);
  }
  const wordBefore = /[^\s,[\]{}:"'#]*$/.exec(head)?.[0] ?? "";
  const wordAfter = /^[^\s,[\]{}:"'#]*/.exec(tail)?.[0] ?? "";
  if (depth > 0) {
    if (wordBefore === "" && wordAfter === "")
      return commas(offset, offset, [{ at: offset, text: PLACEHOLDER }]);
    return commas(offset - wordBefore.length, offset + wordAfter.length, []);
  }
  if (head.trim() === "" && tail.trim() === "") return [{ at: offset, text: `${PLACEHOLDER}:` }];
  if (/^\s*-$/.test(head) && tail.trim() === "") return [{ at: offset, text: ` ${PLACEHOLDER}` }];
  if (/^\s*-\s+$/.test(head) && tail.trim() === "") return [{ at: offset, text: PLACEHOLDER }];
  if (/^\s*[\w][\w .\-/]*$/.test(head) && tail.trim() === "") return [{ at: offset, text: ":" }];
  return [];
}

/** Finds what is being typed at `offset` of a canary config. */
export function canaryCursor(text: string, offset: number): CanaryCursor | undefined {
  const insertions = repairs(text, offset);
  let repaired = "";
  let from = 0;
  for (const ins of insertions) {
    repaired += text.slice(from, ins.at) + ins.text;
    from = ins.at;
  }
  repaired += text.slice(from);
  // Insertions at the cursor come after it.
  const local = offset + insertions.filter((i) => i.at < offset).reduce((n, i) => n + i.text.length, 0);
  const toFile = (v: number) => {
    let shift = 0;
    for (const ins of insertions) {
      const start = ins.at + shift;
      if (v <= start) return v - shift;
      if (v < start + ins.text.length) return ins.at;
      shift += ins.text.length;
    }
    return v - shift;
  };
  const doc = parseDocument(repaired, { uniqueKeys: false, prettyErrors: false });
  const found = findAt(doc.contents as Node | null, local, [], repaired);
  if (!found) return undefined;
  const data = plainData(doc.contents as Node | null, aliasTargets(doc), 1000);
  let prefix = "";
  let replace: Span = { start: offset, end: offset };
  let quote: CanaryCursor["quote"];
  if (found.node && isScalar(found.node) && found.node.range && !isEmptyRange(found.node.range)) {
    const [start, end] = found.node.range;
    const isPlaceholder = String(found.node.value).includes(PLACEHOLDER);
    if (!isPlaceholder) {
      const first = repaired[start];
      if (first === '"' || first === "'") quote = first;
      prefix = repaired.slice(quote ? start + 1 : start, local);
      replace = { start: toFile(start), end: Math.max(offset, toFile(end)) };
    }
  }
  const colonAfter = found.kind === "key" && after(text, replace.end) === ":";
  const existingKeys = found.map
    ? found.map.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : []))
    : [];
  return {
    kind: found.kind,
    path: found.path,
    data,
    prefix,
    replace,
    ...(quote ? { quote } : {}),
    colonAfter,
    existingKeys: existingKeys.filter((k) => !k.includes(PLACEHOLDER) && k !== prefix),
    empty:
      found.kind === "value" &&
      (!found.node || (isScalar(found.node) && found.node.value === null && isEmptyRange(found.node.range))),
  };
}

const isEmptyRange = (range: readonly number[] | null | undefined) => !range || range[0] === range[1];

interface Found {
  kind: "key" | "value";
  path: PathSegment[];
  node?: Node | null;
  map?: { items: { key: unknown }[] };
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
      if (offset >= key.range[0] && offset <= key.range[1])
        return { kind: "key", path, node: key, map: node };
      if (value?.range && offset >= value.range[0] && offset <= value.range[1]) {
        if (isMap(value) || isSeq(value))
          return (
            findAt(value, offset, [...path, name], text) ?? {
              kind: "value",
              path: [...path, name],
              node: null,
            }
          );
        return { kind: "value", path: [...path, name], node: value };
      }
      if (!value || (isScalar(value) && value.value === null)) {
        const lineEnd = text.indexOf("\n", key.range[1]);
        if (offset > key.range[1] && (lineEnd < 0 || offset <= lineEnd))
          return { kind: "value", path: [...path, name], node: null };
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
            findAt(item, offset, [...path, i], text) ?? { kind: "value", path: [...path, i], node: null }
          );
        return { kind: "value", path: [...path, i], node: item };
      }
    }
    if (node.flow && offset > node.range[0] && offset < node.range[1])
      return { kind: "value", path: [...path, node.items.length], node: null };
  }
  return undefined;
}
