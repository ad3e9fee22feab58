import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadYaml } from "@capstan/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainTopLevelName } from "./pipeline-name.js";

const root = join(import.meta.dirname, "..", "..");

/** The name as the YAML parser reads it (what `pipelineNamesIn` did for every file before). */
function parsedName(text: string): string | null {
  const value = loadYaml(text, "p.yml").value as { name?: unknown } | null;
  return typeof value?.name === "string" && value.name !== "" ? value.name : null;
}

/** The reader either answers what the parser says or does not answer. */
function agrees(text: string): void {
  const fast = plainTopLevelName(text);
  if (fast !== undefined) expect({ text, name: fast }).toEqual({ text, name: parsedName(text) });
}

describe("plainTopLevelName", () => {
  it("reads the name of plain pipeline files", () => {
    const text = `# a comment
name: deploy   # the name
description: "Deploy: then wait"
runsOn: [self-hosted, deploy]
parameters:
- name: version
  default: "2"
stages:
  - id: first
    type: run
    command: |
      echo "it's
      name: not the pipeline's
      done
  - { id: second, type: wait, duration: 1s }
`;
    expect(plainTopLevelName(text)).toBe("deploy");
    expect(parsedName(text)).toBe("deploy");
    expect(plainTopLevelName("name: 'it''s mine'\nstages: []\n")).toBe("it's mine");
    expect(plainTopLevelName("stages: []\n")).toBeNull();
    expect(plainTopLevelName('name: ""\n')).toBeNull();
  });

  it("leaves to the parser what it does not read", () => {
    for (const text of [
      'stages:\n  - id: "abc\nname: x\n', // an unclosed quote runs on over `name: x`
      "stages: [a, b\nname: x\n",
      "a: {b: 1,\nname: x}\n",
      "name: x\n  y\n", // a plain scalar on two lines
      "name:\n  x\n",
      "name: x\nname: y\n",
      "name: 1.0\n",
      'name: "a\\x62"\n',
      "name: &a x\n",
      "---\nname: x\n",
      "name: x\r\n",
      "a: b: c\nname: x\n",
      "  name: x\n",
      "- name: x\n",
      'stages:\n  - run: |\n        echo a\n      "abc\nname: x\n',
    ]) {
      expect(plainTopLevelName(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it("agrees with the parser on every YAML file of the repository", () => {
    const files = execFileSync("git", ["ls-files", "*.yml", "*.yaml"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) agrees(readFileSync(join(root, file), "utf8"));
  });

  it("agrees with the parser on texts made of awkward lines", () => {
    const line = fc.constantFrom(
      "name: x",
      "name: 'x y'",
      'name: "x"',
      "name: x # c",
      "name:",
      "name: |",
      "a:",
      "a: b",
      "a: |",
      "a: >-",
      "a: [b, 'c',",
      "a: [b, c]",
      "a: {b: 'c'}",
      'a: "b',
      "a: 'b",
      "a: b: c",
      "a: &x b",
      "a: *x",
      "- b",
      "- c: d",
      "-",
      "# comment",
      "",
      "---",
      "  b: c",
      "  - c",
      "  - 'c",
      '  "c',
      "  c: |",
      "    text 'unclosed",
      "      name: y",
      "  name: z",
      "    ]",
      "}",
      "  x",
      "   ",
      "  - d: |",
      "        deep",
      "    shallow",
      "name: 'it''s'",
      "name: true",
      "name: x y",
      "name: -x",
      "- [a, b]",
      "  - { c: 'd, e' }",
      "  k: v # c: d",
      "  k: 'v' x",
      "  k: a'b",
      "  k: [it's]",
      "? k",
      ": v",
      "a:b",
      "%YAML 1.2",
      "...",
    );
    // Around a top-level name line, so that the texts the reader answers for are many.
    const name = fc.constantFrom("name: x", "name: 'y'", 'name: "z" # c', "name: x y");
    const lines = fc.tuple(fc.array(line, { maxLength: 8 }), name, fc.array(line, { maxLength: 8 }));
    fc.assert(
      fc.property(lines, ([before, n, after]) => {
        agrees([...before, n, ...after].join("\n"));
      }),
      { numRuns: Number(process.env.CAPSTAN_FUZZ_RUNS ?? 3000) },
    );
  });

  it("agrees with the parser on pipeline-like texts with one line spoiled", () => {
    const scalar = fc.constantFrom("a", "it's", '"q: x"', "'s'", "1", "a # c", "[x, 'y']", "{ k: v }", "''");
    // A block YAML text as a list of lines, indented `at`.
    const node = (at: number, depth: number): fc.Arbitrary<string[]> => {
      const pad = " ".repeat(at);
      const leaf = scalar.map((v) => [v]);
      if (depth === 0) return fc.constant([]);
      const entry = fc.oneof(
        fc.tuple(fc.constantFrom("k", "name", "id", "x.y"), scalar).map(([k, v]) => [`${pad}${k}: ${v}`]),
        fc
          .tuple(fc.constantFrom("k", "name"), node(at + 2, depth - 1))
          .map(([k, c]) => [`${pad}${k}:`, ...c]),
        fc.constantFrom("|", ">-").map((h) => [`${pad}run: ${h}`, `${pad}  echo "it's`, `${pad}  name: no`]),
        fc.tuple(fc.constantFrom(0, 2), leaf).map(([extra, v]) => [`${pad}${" ".repeat(extra)}- ${v[0]}`]),
        fc.constant([`${pad}# note`]),
      );
      return fc.array(entry, { minLength: 1, maxLength: 4 }).map((xs) => xs.flat());
    };
    const spoil = fc.tuple(fc.nat(), fc.constantFrom("indent", "outdent", "quote", "bracket", "cut", "dash"));
    const text = fc.tuple(node(2, 3), fc.constantFrom("name: x", "name: 'y z'"), fc.option(spoil));
    fc.assert(
      fc.property(text, ([body, name, spoiled]) => {
        const lines = [name, "stages:", ...body];
        if (spoiled) {
          const [at, how] = spoiled;
          const i = at % lines.length;
          const l = lines[i];
          lines[i] =
            how === "indent"
              ? ` ${l}`
              : how === "outdent"
                ? l.replace(/^ /, "")
                : how === "quote"
                  ? `${l} "`
                  : how === "bracket"
                    ? l.replace(": ", ": [")
                    : how === "cut"
                      ? l.slice(0, Math.max(0, l.length - 2))
                      : `- ${l}`;
        }
        agrees(lines.join("\n"));
      }),
      { numRuns: Number(process.env.CAPSTAN_FUZZ_RUNS ?? 3000) },
    );
  });
});
