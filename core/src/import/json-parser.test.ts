import { describe, expect, it } from "vitest";
import { parseJson } from "./json-parser.js";

describe("parseJson", () => {
  it("parses like JSON.parse", () => {
    const samples = ['{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', "[]", '"s"', " 3 ", '{"__proto__":1}'];
    for (const s of samples) {
      const r = parseJson(s);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value).toEqual(JSON.parse(s));
    }
    const r = parseJson('{"__proto__":{"polluted":1}}');
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });

  it("records the span of every value by JSON path", () => {
    const text = '{"stages": [{"refId": "1"}, {"refId": 2}], "a b": 1}';
    const r = parseJson(text);
    if (!r.ok) throw new Error("parse failed");
    const at = (p: string) => {
      const s = r.spans.get(p)!;
      return text.slice(s.start, s.end);
    };
    expect(at("$.stages[0].refId")).toBe('"1"');
    expect(at("$.stages[1].refId")).toBe("2");
    expect(at("$['a b']")).toBe("1");
  });

  it.each([
    ['{"a": 1,}', 8, "expected a property name"],
    ['{"a" 1}', 5, "expected ':'"],
    ["[1 2]", 3, "expected ',' or ']'"],
    ['{"a": tru}', 6, "unexpected 't'"],
    ['{"a": "x', 8, "unterminated string"],
    ["", 0, "unexpected end of input"],
    ["{} {}", 3, "after the JSON value"],
    ["[01]", 2, "expected ',' or ']'"],
  ])("%j fails at offset %i", (text, offset, message) => {
    const r = parseJson(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.offset).toBe(offset);
      expect(r.error.message).toContain(message);
    }
  });

  it("reports duplicate keys and keeps the last value", () => {
    const r = parseJson('{"a": 1, "a": 2}');
    expect(r.ok && r.value).toEqual({ a: 2 });
    expect(r.ok && r.duplicateKeys.map((d) => d.path)).toEqual(["$.a"]);
  });

  it("refuses absurd nesting instead of overflowing the stack", () => {
    const r = parseJson(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain("nesting deeper");
  });
});
