import { describe, expect, it } from "vitest";
import { runCli } from "./cli-harness.js";

const repo = new URL("../..", import.meta.url).pathname;

describe("capstan compile --check on examples/", () => {
  it("finds every committed workflow in examples/workflows/ up to date", async () => {
    const { code, stderr } = await runCli(
      ["compile", "examples", "--out-dir", "examples/workflows", "--check"],
      repo,
    );
    // A failure here means an example changed: run the same command without --check.
    expect(stderr).not.toMatch(/out of date|missing|no longer/i);
    expect(code).toBe(0);
  });
});
