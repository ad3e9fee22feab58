import { describe, expect, it } from "vitest";
import { terminalSafe } from "./terminal-text.js";

describe("terminalSafe", () => {
  it("removes escape sequences and control characters, keeping text, newlines, tabs and colours", () => {
    expect(terminalSafe("a\x1b]0;pwned\x07b")).toBe("ab");
    expect(terminalSafe("a\x1b]52;c;aGk=\x1b\\b")).toBe("ab");
    expect(terminalSafe("a\x1b[2J\x1b[3Jb\x1bc")).toBe("ab");
    expect(terminalSafe("a\x1b[5A\x1b[Kb")).toBe("ab");
    expect(terminalSafe("x\ry\bz\x07\x00\x7f")).toBe("xyz");
    expect(terminalSafe("line\n\tindented\n")).toBe("line\n\tindented\n");
    expect(terminalSafe("\x1b[31merror\x1b[0m")).toBe("\x1b[31merror\x1b[0m");
    expect(terminalSafe("a\x9b2Jb\u0085")).toBe("a\\u009b2Jb\\u0085");
    expect(terminalSafe("naïve — ünïcode ✓")).toBe("naïve — ünïcode ✓");
  });

  it("lets the live view's own redraw through, and only as a whole chunk", () => {
    expect(terminalSafe("\x1b[3A\x1b[J")).toBe("\x1b[3A\x1b[J");
    expect(terminalSafe("name \x1b[3A\x1b[J")).toBe("name ");
  });

  it("keeps JSON output JSON, with the same values", () => {
    const json = JSON.stringify({ name: "a\x1b]0;x\x07\u0085b" });
    expect(JSON.parse(terminalSafe(json))).toEqual({ name: "a\x1b]0;x\x07\u0085b" });
  });
});
