import type { Span } from "../diagnostics/diagnostic.js";
import { childPath } from "./json-path.js";

export interface JsonParseError {
  offset: number;
  message: string;
}

export interface JsonDuplicateKey {
  path: string;
  span: Span;
}

export type JsonParseResult =
  | { ok: true; value: unknown; spans: Map<string, Span>; duplicateKeys: JsonDuplicateKey[] }
  | { ok: false; error: JsonParseError };

// Deep enough for any real pipeline, shallow enough that recursion can never overflow the stack.
const MAX_DEPTH = 500;

class Failure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/**
 * Parses JSON (RFC 8259) and records the span of every value by JSON path, so import diagnostics
 * can point at the JSON text. Never throws: a syntax error comes back with its offset.
 */
export function parseJson(text: string): JsonParseResult {
  const spans = new Map<string, Span>();
  const duplicateKeys: JsonDuplicateKey[] = [];
  let i = 0;

  const fail = (message: string, at = i): never => {
    throw new Failure(at, message);
  };
  const describe = (at: number): string => (at >= text.length ? "end of input" : `'${text[at]}'`);

  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const parseString = (): string => {
    // i is at the opening quote
    i++;
    let out = "";
    let chunkStart = i;
    while (true) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunkStart, i);
        i++;
        return out;
      }
      if (c < 0x20) fail("control character in string (escape it)");
      if (c === 0x5c) {
        out += text.slice(chunkStart, i);
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape", i);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        } else {
          fail("bad escape in string", i);
        }
        chunkStart = i;
      } else {
        i++;
      }
    }
  };

  const parseNumber = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail(`unexpected ${describe(i)}`);
    const n = Number(m![0]);
    i += m![0].length;
    return n;
  };

  const parseValue = (path: string, depth: number): unknown => {
    skipSpace();
    const start = i;
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const c = text[i];
    let value: unknown;
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      skipSpace();
      if (text[i] === "}") i++;
      else {
        while (true) {
          skipSpace();
          if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`);
          const keyStart = i;
          const key = parseString();
          skipSpace();
          if (text[i] !== ":") fail(`expected ':' after property name, found ${describe(i)}`);
          i++;
          const child = childPath(path, key);
          if (Object.hasOwn(obj, key)) duplicateKeys.push({ path: child, span: { start: keyStart, end: i } });
          const v = parseValue(child, depth + 1);
          // defineProperty keeps a "__proto__" key as data, as JSON.parse does.
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
          skipSpace();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") {
            i++;
            break;
          }
          fail(`expected ',' or '}' in object, found ${describe(i)}`);
        }
      }
      value = obj;
    } else if (c === "[") {
      i++;
      const arr: unknown[] = [];
      skipSpace();
      if (text[i] === "]") i++;
      else {
        while (true) {
          arr.push(parseValue(childPath(path, arr.length), depth + 1));
          skipSpace();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "]") {
            i++;
            break;
          }
          fail(`expected ',' or ']' in array, found ${describe(i)}`);
        }
      }
      value = arr;
    } else if (c === '"') {
      value = parseString();
    } else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      value = parseNumber();
    } else if (text.startsWith("true", i)) {
      i += 4;
      value = true;
    } else if (text.startsWith("false", i)) {
      i += 5;
      value = false;
    } else if (text.startsWith("null", i)) {
      i += 4;
      value = null;
    } else {
      fail(`unexpected ${describe(i)}; expected a JSON value`);
    }
    spans.set(path, { start, end: i });
    return value;
  };

  try {
    // A UTF-8 byte order mark is not JSON, but editors write it; skip it.
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    const value = parseValue("$", 0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
    return { ok: true, value, spans, duplicateKeys };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: { offset: e.offset, message: e.message } };
    throw e;
  }
}
