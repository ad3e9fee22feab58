// `capstan validate` needs the name of every other pipeline file of the folder (names must be
// unique, pipeline stages and triggers name pipelines), and a YAML parser that has not warmed up
// takes about 10 ms per kilobyte: most of a validate of one example went into reading its
// siblings' names. This reads the name from the lines, for texts in a plain subset of YAML.

/** A key of a block mapping, plain, followed by `:` and a space or the end of the line. */
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
const BLOCK_HEADER = /^[|>][+-]?\s*(?:#.*)?$/;
const DOUBLE_QUOTED = /^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/;
const SINGLE_QUOTED = /^'((?:[^']|'')*)'\s*(?:#.*)?$/;
/** Plain scalars the YAML core schema may read as something else than a string (numbers, booleans, null). */
const NOT_PLAIN_STRING = /^(?:[-+.0-9~]|(?:true|false|null)$)/i;
/** Characters a plain scalar cannot start with (indicators). */
const INDICATOR = /^[&*!|>'"%@`#,[\]{}]|^[-?:](?: |$)/;

/**
 * A value that ends on its line: none, a string (its text), or something else or not worked out here
 * (a flow collection, a number, a scalar with escapes); undefined when it may not end on its line.
 */
type Value = { kind: "none" } | { kind: "string"; text: string } | { kind: "other" } | undefined;

/**
 * A flow collection closed on its line: brackets balanced, quoted scalars (only where a token
 * starts) closed, nothing but a comment after it. A quote anywhere else is not followed here.
 */
function flowEndsOnLine(v: string): boolean {
  let depth = 0;
  let tokenStart = true;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '"' || c === "'") {
      if (!tokenStart) return false;
      const end = findQuoteEnd(v, i);
      if (end < 0) return false;
      i = end;
      tokenStart = false;
      continue;
    }
    if (c === "#" && i > 0 && v[i - 1] === " ") return false;
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") {
      depth--;
      if (depth < 0) return false;
      if (depth === 0) return /^\s*(?:#.*)?$/.test(v.slice(i + 1));
    }
    if (c !== " ") tokenStart = c === "[" || c === "{" || c === "," || c === ":";
  }
  return false;
}

/** Index of the quote closing the quoted scalar that starts at `start`, or -1. */
function findQuoteEnd(v: string, start: number): number {
  const q = v[start];
  for (let i = start + 1; i < v.length; i++) {
    if (q === '"' && v[i] === "\\") {
      i++;
      continue;
    }
    if (v[i] === q) {
      if (q === "'" && v[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

/** What a value written on its line is; undefined when it is not one this reader knows to end there. */
function lineValue(v: string | undefined): Value {
  if (v === undefined || v === "" || v[0] === "#") return { kind: "none" };
  if (v[0] === '"') {
    const m = DOUBLE_QUOTED.exec(v);
    if (!m) return undefined;
    return m[1].includes("\\") ? { kind: "other" } : { kind: "string", text: m[1] };
  }
  if (v[0] === "'") {
    const m = SINGLE_QUOTED.exec(v);
    return m ? { kind: "string", text: m[1].replace(/''/g, "'") } : undefined;
  }
  if (v[0] === "[" || v[0] === "{") return flowEndsOnLine(v) ? { kind: "other" } : undefined;
  if (INDICATOR.test(v)) return undefined;
  const comment = v.indexOf(" #");
  const text = (comment >= 0 ? v.slice(0, comment) : v).trimEnd();
  // `a: b: c` and `a: b:` are errors a parser recovers from in ways not worth following here.
  if (text.includes(": ") || text.endsWith(":")) return undefined;
  return NOT_PLAIN_STRING.test(text) ? { kind: "other" } : { kind: "string", text };
}

/**
 * The top-level `name` of a YAML text as a string, or null when it has none or it is not a string,
 * read from the lines when the text keeps to a plain subset of YAML: block mappings with plain
 * keys and block sequences, each value on its line (quoted scalars and flow collections closed on
 * it), block scalars (`|`, `>`) under a key, comments. There a line at column 0 can only be a key
 * of the top-level mapping (or an entry of a sequence that is the value of one), whatever the
 * lines around it hold, which is not so in YAML at large (an unclosed quote runs on over the
 * following lines). Undefined for any other text (documents markers, tabs, anchors, aliases, tags,
 * multi-line scalars ...): parse it then.
 */
export function plainTopLevelName(text: string): string | null | undefined {
  if (/[\t\r\uFEFF]/.test(text)) return undefined;
  let name: string | null = null;
  let names = 0;
  // The collections open at the current line, innermost last: their column and kind. Every line
  // must continue one of them at its column, or open a child of the line before (which must have
  // left its value to the next lines); YAML parsers recover from anything else in ways of their own.
  const open: { col: number; seq: boolean }[] = [];
  /** The entry of the line before when it left its value to the next lines (they must be deeper). */
  let opener: { col: number; seq: boolean } | undefined;
  // A block scalar under a key: the key's column, and the indentation of its content once known.
  let blockParent = -1;
  let blockContent = -1;
  let blockBlankWidth = 0;
  for (const line of text.split("\n")) {
    const rest = line.trimStart();
    const indent = line.length - rest.length;
    if (blockParent >= 0) {
      if (rest === "") {
        if (blockContent < 0) blockBlankWidth = Math.max(blockBlankWidth, indent);
        continue;
      }
      if (blockContent < 0 && indent > blockParent) {
        // More-indented blank lines before the content are an error in YAML.
        if (blockBlankWidth > indent) return undefined;
        blockContent = indent;
        continue;
      }
      if (blockContent >= 0 && indent >= blockContent) continue;
      blockParent = -1;
    }
    if (rest === "" || rest[0] === "#") continue;
    // The entries this line opens: sequences for its dashes, then a mapping for a key.
    let body = rest;
    let col = indent;
    const entries: { col: number; seq: boolean }[] = [];
    while (body === "-" || body.startsWith("- ")) {
      entries.push({ col, seq: true });
      const after = body.slice(1);
      const skip = after.length - after.trimStart().length;
      col += 1 + skip;
      body = after.slice(skip);
    }
    const key = body === "" ? null : KEY.exec(body);
    if (body !== "" && !key && entries.length === 0) return undefined;
    if (key) entries.push({ col, seq: false });
    // Where the line sits: the same column and kind as an open collection, or a child of the line before.
    const first = entries[0];
    while (open.length > 0 && open[open.length - 1].col > indent) open.pop();
    const top = open[open.length - 1];
    if (top && top.col === indent && top.seq !== first.seq) {
      // A sequence at its key's column ends where the next key of that mapping comes.
      if (top.seq && !first.seq) open.pop();
      // A sequence may sit at the column of the key whose value it is.
      else if (!(first.seq && opener && !opener.seq && opener.col === indent)) return undefined;
    }
    const at = open[open.length - 1];
    if (!at || at.col < indent || (at.col === indent && at.seq !== first.seq)) {
      const child = opener && (opener.col < indent || (opener.col === indent && !opener.seq && first.seq));
      if (open.length > 0 && !child) return undefined;
      if (open.length === 0 && (indent !== 0 || first.seq)) return undefined;
      open.push(first);
    }
    for (const entry of entries.slice(1)) open.push(entry);
    // What the line leaves to the lines after it.
    const value = key ? key[2] : body;
    if (key && value !== undefined && BLOCK_HEADER.test(value)) {
      if (indent === 0 && entries.length === 1 && key[1] === "name") return undefined;
      blockParent = col;
      blockContent = -1;
      blockBlankWidth = 0;
      opener = undefined;
      continue;
    }
    const read = lineValue(value === "" ? undefined : value);
    if (read === undefined) return undefined;
    opener = read.kind === "none" ? entries[entries.length - 1] : undefined;
    if (indent !== 0 || entries.length !== 1 || !key || key[1] !== "name") continue;
    names++;
    // A name without a value on its line has it on the next ones (or is null): not read here.
    if (read.kind !== "string" || names > 1) return undefined;
    name = read.text !== "" ? read.text : null;
  }
  return name;
}
