// Indentation mistakes (issue 17 item 7): one diagnostic at the offending line that says which
// column was expected, not YAML's own words plus the schema errors the misparse causes.
import { describe, expect, it } from "vitest";
import { validatePipelineText } from "./validate.js";

/** Each diagnostic as `line:column code message` (1-based), for readable expectations. */
function found(text: string): string[] {
  const { diagnostics, document } = validatePipelineText(text, "p.yml");
  return diagnostics.map((d) => {
    const p = document.source.position(d.span.start);
    return `${p.line + 1}:${p.character + 1} ${d.code} ${d.message}`;
  });
}

const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("indentation mistakes", () => {
  it("a field indented one space too far: one diagnostic on its own line, with the column expected", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: build",
      "    type: run",
      "     command: make",
      "  - id: deploy",
      "    type: run",
      "    command: x",
    );
    expect(found(text)).toEqual([
      "5:6 yaml-indentation 'command' starts at column 6, but the fields it belongs with start at column 5 (like 'type' on line 4): indent it 4 spaces.",
    ]);
  });

  it("a field indented one space too little, inside a list item", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: build",
      "    type: run",
      "   command: make",
      "  - id: deploy",
      "    type: run",
      "    command: x",
    );
    expect(found(text)).toEqual([
      "5:4 yaml-indentation 'command' starts at column 4, but the fields it belongs with start at column 5 (like 'type' on line 4): indent it 4 spaces.",
    ]);
  });

  it("the fields after a list item's first one, one space short", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: build",
      "    type: wait",
      "    duration: 1s",
      "  - id: deploy",
      "   type: wait",
      "   duration: 1s",
    );
    expect(found(text)).toEqual([
      "7:4 yaml-indentation 'type' starts at column 4, but the fields it belongs with start at column 5 (like 'id' on line 6): indent it 4 spaces.",
    ]);
  });

  it("a list item out of line with the others", () => {
    const text = lines(
      "name: p",
      "stages:",
      "- id: build",
      "  type: wait",
      "  duration: 1s",
      " - id: deploy",
      "   type: wait",
      "   duration: 2s",
    );
    expect(found(text)).toEqual([
      "6:2 yaml-indentation This list item starts at column 2, but the items of its list start at column 1 (like the one on line 3): indent it 0 spaces.",
    ]);
  });

  it("a top-level field indented: nothing else is reported (not even the 'stages' it hides)", () => {
    const text = lines(
      "name: p",
      " description: x",
      "stages:",
      "  - id: a",
      "    type: wait",
      "    duration: 1s",
    );
    expect(found(text)).toEqual([
      "2:2 yaml-indentation 'description' starts at column 2, but the fields it belongs with start at column 1 (like 'name' on line 1): indent it 0 spaces.",
    ]);
  });

  it("a field indented under a text value", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: build",
      "    type: run",
      "    command: make",
      "      env: x",
    );
    expect(found(text)).toEqual([
      "6:7 yaml-indentation 'env' starts at column 7, but the fields it belongs with start at column 5 (like 'command' on line 5): indent it 4 spaces.",
    ]);
  });

  it("problems outside the block the mistake breaks are still reported", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: build",
      "    type: run",
      "     command: make",
      "  - id: deploy",
      "    type: wiat",
      "    dependsOn: [build]",
    );
    const all = found(text);
    expect(all[0]).toMatch(/^5:6 yaml-indentation /);
    expect(all.slice(1).join("\n")).toMatch(/^7:11 /);
    expect(all).toHaveLength(2);
  });
});
