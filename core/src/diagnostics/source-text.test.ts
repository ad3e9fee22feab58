import { describe, expect, test } from "vitest";
import { SourceText } from "./source-text.js";

describe("SourceText.edited", () => {
  test("reuses the line index and equals a fresh index for random replacements", () => {
    let state = 11;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    let source = new SourceText("a\nbb\n\nccc\n", "f.yml");
    for (let i = 0; i < 500; i++) {
      const text = source.text;
      const start = random(text.length + 1);
      const oldEnd = start + random(Math.min(8, text.length - start) + 1);
      const inserted = Array.from({ length: random(6) }, () => "x\n\r"[random(3)]).join("");
      const next = text.slice(0, start) + inserted + text.slice(oldEnd);
      source = source.edited(next, start, oldEnd, start + inserted.length);
      expect(source.lineStarts).toEqual(new SourceText(next).lineStarts);
      expect(source.path).toBe("f.yml");
    }
  });
});
