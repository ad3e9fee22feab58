import { describe, expect, it } from "vitest";
import { isMap, isScalar, parseDocument, type Scalar } from "yaml";
import { scalarOffsetMap, scalarOffsets } from "./scalar-offsets.js";

function valueNode(text: string): Scalar {
  const doc = parseDocument(text);
  const root = doc.contents;
  if (!isMap(root)) throw new Error("not a map");
  const node = root.items[0].value;
  if (!isScalar(node)) throw new Error("not a scalar");
  return node;
}

/** The source text at the mapped range of `needle` inside the value. */
function sourceOf(text: string, needle: string): string {
  const node = valueNode(text);
  const at = String(node.value).indexOf(needle);
  const map = scalarOffsetMap(text, node);
  return text.slice(map(at), map(at + needle.length));
}

describe("scalarOffsetMap", () => {
  it("maps plain, single- and double-quoted values", () => {
    expect(sourceOf("a: x ${ parameters.y } z\n", "parameters.y")).toBe("parameters.y");
    expect(sourceOf("a: 'it''s ${ #stage(''Deploy'') }'\n", "Deploy")).toBe("Deploy");
    expect(sourceOf('a: "tab\\there ${ #judgment(\\"J\\") }"\n', "J")).toBe("J");
    expect(sourceOf('a: "\\u00e9 ${ x }"\n', "x")).toBe("x");
  });

  it("maps block scalars line by line", () => {
    const text = "a: |\n  first line\n  ${ #stage('Deploy').status }\n";
    expect(sourceOf(text, "Deploy")).toBe("Deploy");
    const folded = "a: >\n  one\n  two ${ parameters.p }\n";
    expect(sourceOf(folded, "parameters.p")).toBe("parameters.p");
  });

  it("maps folded multi-line quoted values", () => {
    const text = 'a: "one\n  two ${ parameters.p }"\n';
    expect(sourceOf(text, "parameters.p")).toBe("parameters.p");
  });

  it("covers an escaped last character up to where the next one starts", () => {
    expect(sourceOf("a: '${ #stage(''Deploy'') }'\n", "'Deploy'")).toBe("''Deploy''");
    expect(sourceOf('a: "${ \\"x\\" }"\n', '"x"')).toBe('\\"x\\"');
  });

  it("maps every character of block scalars with chomping and indentation indicators", () => {
    for (const text of ["a: |-\n  one\n\n  two\n", "a: >+\n  one\n  two\n\n", "a: |2\n    one\n  two\n"]) {
      const node = valueNode(text);
      const offsets = scalarOffsets(text, node);
      expect(offsets).toHaveLength(String(node.value).length + 1);
      // Every character but the breaks (and the space a folded break becomes) is found in the file.
      const value = String(node.value);
      for (let i = 0; i < value.length; i++)
        if (value[i].trim() !== "") expect(text[offsets?.[i] ?? -1]).toBe(value[i]);
    }
  });
});
