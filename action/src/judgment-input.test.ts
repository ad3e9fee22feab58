import { describe, expect, it } from "vitest";
import { chooseInput } from "./judgment-input.js";

describe("chooseInput", () => {
  const inputs = ["continue", "rollback"];
  it("takes the first word, case-insensitively, without trailing punctuation", () => {
    expect(chooseInput("rollback because errors doubled", inputs)).toEqual({ ok: true, input: "rollback" });
    expect(chooseInput("  Rollback: errors", inputs)).toEqual({ ok: true, input: "rollback" });
    expect(chooseInput("CONTINUE.", inputs)).toEqual({ ok: true, input: "continue" });
  });
  it("uses the first input for an empty comment", () => {
    expect(chooseInput("", inputs)).toEqual({ ok: true, input: "continue" });
    expect(chooseInput("   \n", inputs)).toEqual({ ok: true, input: "continue" });
  });
  it("fails closed on anything else, listing the inputs", () => {
    const r = chooseInput("rollbak", inputs);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("Inputs: continue, rollback.");
    expect(chooseInput("roll back", inputs).ok).toBe(false);
  });
  it("accepts any comment for a judgment without inputs", () => {
    expect(chooseInput("looks good", [])).toEqual({ ok: true });
  });
});
