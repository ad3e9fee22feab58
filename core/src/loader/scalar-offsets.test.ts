import { describe, expect, it } from "vitest";
import { isMap, isScalar, parseDocument, type Scalar } from "yaml";
import { scalarOffsetMap } from "./scalar-offsets.js";

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
});
