import { ExprError, makeDouble, newMap, type Value } from "./values.js";

export interface JsonLimits {
  maxDepth: number;
  maxNodes: number;
}

/**
 * Reads one JSON value as Jackson does for Orca: strict JSON (no comments, single quotes, leading
 * zeros, NaN or trailing commas), whole numbers as whole numbers and every number written with a
 * point or an exponent as a double, so `2.0` stays a double. Text after the first value is not
 * read (Jackson's default). A hand-written scanner: linear in the input, recursion bounded by
 * `maxDepth`.
 */
export function readJsonValue(text: string, limits: JsonLimits): Value {
  let i = 0;
  let nodes = 0;
  const fail = (what: string): never => {
    throw new ExprError("JsonParseException", `The text is not valid JSON: ${what} at position ${i}.`);
  };
  const space = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const count = () => {
    if (++nodes > limits.maxNodes)
      throw new ExprError(
        "LimitExceeded",
        `The data is too large (limits: ${limits.maxNodes} values, ${limits.maxDepth} levels).`,
      );
  };
  const word = (w: string, v: Value): Value => {
    if (!text.startsWith(w, i)) fail("an unexpected word");
    i += w.length;
    return v;
  };
  const string = (): string => {
    i++; // the opening quote
    let out = "";
    let from = i;
    for (;;) {
      if (i >= text.length) fail("an unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(from, i);
        i++;
        return out;
      }
      if (c < 0x20) fail("a control character in a string");
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(from, i);
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("a bad \\u escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          i -= 1;
          fail("a bad escape");
      }
      from = i;
    }
  };
  const number = (): Value => {
    const start = i;
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (text[i] >= "1" && text[i] <= "9") while (text[i] >= "0" && text[i] <= "9") i++;
    else fail("a bad number");
    // Jackson refuses a leading zero: 01.
    if (text[start] === "0" || text.slice(start, start + 2) === "-0")
      if (text[i] >= "0" && text[i] <= "9") fail("a leading zero");
    let decimal = false;
    if (text[i] === ".") {
      decimal = true;
      i++;
      if (!(text[i] >= "0" && text[i] <= "9")) fail("a bad number");
      while (text[i] >= "0" && text[i] <= "9") i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      decimal = true;
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!(text[i] >= "0" && text[i] <= "9")) fail("a bad exponent");
      while (text[i] >= "0" && text[i] <= "9") i++;
    }
    const n = Number(text.slice(start, i));
    return decimal ? makeDouble(n) : n;
  };
  const container = (depth: number) => {
    if (depth >= limits.maxDepth)
      throw new ExprError(
        "LimitExceeded",
        `The data is too deep (limits: ${limits.maxNodes} values, ${limits.maxDepth} levels).`,
      );
    i++;
  };
  const value = (depth: number): Value => {
    count();
    space();
    const c = text[i];
    if (c === "{") {
      container(depth);
      const out = newMap();
      space();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail("a missing key");
        const key = string();
        space();
        if (text[i] !== ":") fail("a missing ':'");
        i++;
        out[key] = value(depth + 1);
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return out;
        }
        fail("a missing ',' or '}'");
      }
    }
    if (c === "[") {
      container(depth);
      const out: Value[] = [];
      space();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return out;
        }
        fail("a missing ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === "t") return word("true", true);
    if (c === "f") return word("false", false);
    if (c === "n") return word("null", null);
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    return fail(c === undefined ? "no content" : `an unexpected '${c}'`);
  };
  return value(0);
}
